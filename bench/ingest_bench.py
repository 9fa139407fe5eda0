"""Benchmark: importing a long CSV of measurements against a raw bulk insert of the same rows.

For each database (a fresh SQLite file, and PostgreSQL when DATABASE_URL
points to it) the script creates a scratch database, migrates it, and runs
two workers in separate processes, so each peak memory is its own:

- raw: the same rows, already parsed into tuples, inserted into the
  measurements table with sqlite3's executemany or psycopg's COPY in one
  transaction. Only the insert is timed.
- ingest: `hoshin.ingest.files.ingest_file` on the CSV, timed end to end
  (reading, validation, periods, the upsert and the commit).

It prints rows per second, the ingest/raw throughput ratio and each
worker's peak resident memory (ru_maxrss), and checks the goals: peak at
most 500 MB and at least 50 % of the raw throughput.

    python bench/ingest_bench.py --size tiny    # 20,000 rows, seconds
    python bench/ingest_bench.py --size full    # 1,000,000 rows
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SIZES = {"tiny": (10, 4, 500), "full": (50, 20, 1000)}  # KPIs x segments x days
GOAL_PEAK_MB = 500
GOAL_RATIO = 0.5


def write_csv(path: Path, kpis: int, segments: int, days: int) -> int:
    start = dt.date(2022, 1, 1)
    dates = [(start + dt.timedelta(days=day)).isoformat() for day in range(days)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kpi", "date", "segment", "value"])
        for kpi in range(kpis):
            for segment in range(segments):
                writer.writerows((f"bench_{kpi:03d}", date, f"store-{segment:02d}", f"{(day * 7 + kpi) % 1000}.25")
                                 for day, date in enumerate(dates))
    return kpis * segments * days


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
    os.environ.setdefault("HOSHIN_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPOSITORY / "src"))
    import django

    django.setup()


def worker_setup(url: str, kpis: int) -> dict:
    setup_django(url)
    from django.core.management import call_command

    from hoshin.kpis.models import Kpi
    from hoshin.organizations import services as org_services

    call_command("migrate", verbosity=0)
    org = org_services.create_organization(None, key="bench", name="Bench")
    unit = org_services.create_unit(None, org, key="company", name="Bench")
    Kpi.objects.bulk_create([Kpi(organization=org, unit=unit, key=f"bench_{index:03d}", name=f"Bench {index}",
                                 frequency="daily", aggregation="mean") for index in range(kpis)])
    return {}


def _raw_rows(path: Path) -> list[tuple]:
    from django.utils import timezone

    from hoshin.kpis.models import Kpi

    ids = dict(Kpi.objects.filter(organization__key="bench").values_list("key", "id"))
    now = timezone.now()
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [(ids[kpi], date, segment, float(value), None, None, 1, "raw", 1, now)
                for kpi, date, segment, value in reader]


def worker_raw(url: str, path: Path) -> dict:
    setup_django(url)
    from django.db import connection

    rows = _raw_rows(path)
    columns = "kpi_id, period_start, segment, value, numerator, denominator, value_count, source, revision, recorded_at"
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        raw = connection.connection
        started = time.perf_counter()
        with raw.transaction(), raw.cursor() as cursor:
            with cursor.copy(f"COPY kpis_measurement ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        seconds = time.perf_counter() - started
    else:
        import sqlite3

        database = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        database.execute("PRAGMA journal_mode=WAL")
        database.execute("PRAGMA synchronous=NORMAL")
        stamp = rows[0][-1].strftime("%Y-%m-%d %H:%M:%S.%f")
        started = time.perf_counter()
        database.execute("BEGIN IMMEDIATE")
        database.executemany(f"INSERT INTO kpis_measurement ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             (row[:-1] + (stamp,) for row in rows))
        database.execute("COMMIT")
        seconds = time.perf_counter() - started
        database.close()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM kpis_measurement")
    return {"rows": len(rows), "seconds": seconds, "peak_mb": peak_mb()}


def worker_ingest(url: str, path: Path) -> dict:
    setup_django(url)
    from hoshin.ingest.files import ingest_file
    from hoshin.ingest.options import IngestOptions
    from hoshin.organizations.models import Organization

    org = Organization.objects.get(key="bench")
    started = time.perf_counter()
    report = ingest_file(org, path, IngestOptions(locale="en"))
    seconds = time.perf_counter() - started
    return {"rows": report.rows_read, "inserted": report.inserted, "seconds": seconds, "peak_mb": peak_mb()}


def run_worker(name: str, url: str, *extra: str) -> dict:
    command = [sys.executable, __file__, "--worker", name, "--url", url, *extra]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=tempfile.gettempdir(), check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"worker {name} failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def postgres_database() -> tuple[str, callable] | None:
    """Create a scratch database on the server of DATABASE_URL; return its URL and a function dropping it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg
    from psycopg import sql

    name = f"hoshin_bench_{uuid.uuid4().hex[:8]}"
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    return url.rsplit("/", 1)[0] + "/" + name, drop


def server_version(url: str) -> str:
    if url.startswith("sqlite"):
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url) as connection:
        return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def benchmark(label: str, url: str, path: Path, rows: int, kpis: int) -> dict:
    run_worker("setup", url, "--kpis", str(kpis))
    raw = run_worker("raw", url, "--csv", str(path))
    ingest = run_worker("ingest", url, "--csv", str(path))
    assert ingest["inserted"] == rows, ingest
    ratio = (rows / ingest["seconds"]) / (rows / raw["seconds"])
    result = {"database": label, "version": server_version(url), "rows": rows, "raw": raw, "ingest": ingest,
              "ratio": ratio}
    print(f"{label:<10} {rows:>9,} rows | raw {rows / raw['seconds']:>10,.0f} rows/s, peak {raw['peak_mb']:>5.0f} MB | "
          f"ingest {rows / ingest['seconds']:>10,.0f} rows/s, peak {ingest['peak_mb']:>5.0f} MB | "
          f"ratio {ratio:.0%} | {result['version']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--worker", choices=["setup", "raw", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kpis", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        workers = {"setup": lambda: worker_setup(args.url, args.kpis), "raw": lambda: worker_raw(args.url, args.csv),
                   "ingest": lambda: worker_ingest(args.url, args.csv)}
        print(json.dumps(workers[args.worker]()))
        return

    kpis, segments, days = SIZES[args.size]
    print(f"ingest benchmark, size {args.size}, {dt.date.today()}, {machine()}")
    with tempfile.TemporaryDirectory(prefix="hoshin-ingest-bench-") as folder:
        path = Path(folder) / "measurements.csv"
        rows = write_csv(path, kpis, segments, days)
        results = [benchmark("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}", path, rows, kpis)]
        postgres = postgres_database()
        if postgres:
            url, drop = postgres
            try:
                results.append(benchmark("postgresql", url, path, rows, kpis))
            finally:
                drop()
    for result in results:
        met = result["ingest"]["peak_mb"] <= GOAL_PEAK_MB and result["ratio"] >= GOAL_RATIO
        print(f"{result['database']}: goal (peak <= {GOAL_PEAK_MB} MB, >= {GOAL_RATIO:.0%} of raw) "
              f"{'met' if met else 'missed'}")
    if args.size == "tiny":
        print("The goals are for --size full: at tiny size, start-up costs outweigh the import.")


if __name__ == "__main__":
    main()
