"""A killed import leaves the database as it was: the write is one transaction.

The import runs in a separate process against its own SQLite file, is
killed with SIGKILL while it writes, and the file is then checked.
"""

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from hoshin.organizations import services as org_services
from hoshin.kpis import services as kpi_services
org = org_services.create_organization(None, key="acme", name="Acme")
unit = org_services.create_unit(None, org, key="company", name="Acme")
kpi_services.create_kpi(None, org, key="load", name="Load", unit=unit, frequency="daily", aggregation="sum")
"""


def environment(database: Path) -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "hoshin.settings",
            "HOSHIN_LOG_LEVEL": "INFO", "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("migrated")
    database = folder / "template.sqlite3"
    subprocess.run([sys.executable, "-c", SETUP], env=environment(database), cwd=folder, check=True, timeout=300)
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


@pytest.fixture
def sqlite_project(tmp_path, migrated_database):
    database = tmp_path / "kill.sqlite3"
    shutil.copyfile(migrated_database, database)
    return tmp_path, database, environment(database)


def write_large_file(path: Path, days: int = 1000, segments: int = 300) -> None:
    dates = [(dt.date(2020, 1, 1) + dt.timedelta(days=day)).isoformat() for day in range(days)]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("kpi,date,segment,value\n")
        for segment in range(segments):
            handle.writelines(f"load,{date},s{segment},{day}.5\n" for day, date in enumerate(dates))


def measurement_count(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT COUNT(*) FROM kpis_measurement").fetchone()[0]


def test_killed_import_writes_nothing(sqlite_project):
    folder, database, env = sqlite_project
    data = folder / "large.csv"
    write_large_file(data)
    wal = Path(f"{database}-wal")

    process = subprocess.Popen([sys.executable, "-m", "hoshin", "ingest", str(data), "--org", "acme", "--locale", "en"],
                               env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stderr:
            if "writing" in line:
                break
        start_size = wal.stat().st_size if wal.exists() else 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            if wal.exists() and wal.stat().st_size > start_size + 256 * 1024:
                break
            time.sleep(0.005)
        assert process.poll() is None, "the import finished before it could be killed; make the file larger"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()

    assert process.returncode == -signal.SIGKILL
    assert measurement_count(database) == 0


def test_import_after_kill_succeeds(sqlite_project):
    folder, database, env = sqlite_project
    data = folder / "small.csv"
    write_large_file(data, days=30, segments=2)

    subprocess.run([sys.executable, "-m", "hoshin", "ingest", str(data), "--org", "acme", "--locale", "en"],
                   env=env, cwd=folder, check=True, capture_output=True, timeout=120)

    assert measurement_count(database) == 60
