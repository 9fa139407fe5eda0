"""Benchmark: the web pages under concurrent load, served by gunicorn, against a trivial endpoint.

The script migrates a scratch SQLite database, loads the demo organization
Ridgeway Steel (`hoshin demo --org industry --skip-real`), logs one demo
user in, and starts gunicorn on 127.0.0.1 with 2 sync workers and DEBUG
off. Locust then runs 32 concurrent clients without think time against
each URL in turn: the scorecard, the strategy map, a KPI page and
`/healthz`, the trivial endpoint of the same server. The script prints
requests per second, the p50, p95 and p99 latency and the errors of each
URL side by side. It checks the goals: p95 of every page within 3x the p95
of `/healthz`, and no errors; a full run exits with 1 when one is missed.

    python bench/load_bench.py --size tiny    # 3 s of load per URL, for CI
    python bench/load_bench.py --size full    # 60 s of load per URL

Locust comes with the `test` extra. The script installs nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
DURATION = {"tiny": 3, "full": 60}
CLIENTS = 32
WORKERS = 2
GOAL_P95_RATIO = 3.0
ORGANIZATION = "industry"
USERNAME = "industry-admin"

LOCUSTFILE = '''
import os
import random

from locust import FastHttpUser, constant, task

COOKIE = os.environ["LOAD_BENCH_COOKIE"]
URLS = os.environ["LOAD_BENCH_URLS"].split()


class Client(FastHttpUser):
    wait_time = constant(0)

    @task
    def get_page(self):
        url = random.choice(URLS)
        with self.client.get(url, headers={"Cookie": COOKIE}, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(environment: dict, workdir: Path) -> dict:
    """Migrate the scratch database, load the demo organization and return a session cookie and the KPI key."""
    code = f'''
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from hoshin.kpis.models import Kpi
call_command("migrate", verbosity=0)
call_command("demo", org=["{ORGANIZATION}"], skip_real=True, verbosity=0)
client = Client()
assert client.login(username="{USERNAME}", password="{USERNAME}"), "demo login failed"
assert client.get("/o/{ORGANIZATION}").status_code == 200
kpi = Kpi.objects.filter(organization__key="{ORGANIZATION}", archived=False).order_by("key").first()
print(client.cookies["sessionid"].value, client.cookies["csrftoken"].value, kpi.key)
'''
    result = subprocess.run([sys.executable, "-c", code], env=environment, cwd=workdir, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        sys.exit(f"preparing the database failed:\n{result.stderr}")
    session, csrf, kpi_key = result.stdout.strip().splitlines()[-1].split()
    return {"session": session, "csrf": csrf, "kpi": kpi_key}


def wait_until_up(url: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"gunicorn did not answer {url} in time")


def run_locust(workdir: Path, host: str, urls: list[str], cookie: str, seconds: int, environment: dict,
               name: str = "stats") -> list[dict]:
    locustfile = workdir / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, encoding="utf-8")
    prefix = workdir / name
    command = [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "--host", host,
               "-u", str(CLIENTS), "-r", str(CLIENTS), "-t", f"{seconds}s", "--csv", str(prefix),
               "--only-summary", "--loglevel", "WARNING"]
    env = {**environment, "LOAD_BENCH_COOKIE": cookie, "LOAD_BENCH_URLS": " ".join(urls)}
    subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    failures = Path(f"{prefix}_failures.csv")
    lines = failures.read_text(encoding="utf-8").splitlines() if failures.exists() else []
    if len(lines) > 1:
        print("\n".join(lines[:20]))
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]


def report(rows: list[dict], names: dict[str, str], seconds: int) -> bool:
    by_url = {row["Name"]: row for row in rows}
    print(f"{'page':<14}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for url, label in names.items():
        row = by_url.get(url)
        if row is None:
            print(f"{label:<14}{'no requests':>44}")
            continue
        print(f"{label:<14}{float(row['Requests/s']):>9.1f}{row['50%']:>9}{row['95%']:>9}{row['99%']:>9}"
              f"{row['Failure Count']:>8}")

    floor = float(by_url.get("/healthz", {}).get("95%") or 0) or 1.0
    errors = sum(int(row["Failure Count"]) for row in rows)
    slowest = max(float(row["95%"]) for url, row in by_url.items() if url != "/healthz")
    ratio = slowest / floor
    print(f"{CLIENTS} clients, {seconds} s per URL, {WORKERS} gunicorn workers")
    print(f"goal p95 of pages <= {GOAL_P95_RATIO:.0f}x p95 of /healthz: {ratio:.2f}x "
          f"({'met' if ratio <= GOAL_P95_RATIO else 'missed'})")
    print(f"goal no errors: {errors} ({'met' if errors == 0 else 'missed'})")
    return ratio <= GOAL_P95_RATIO and errors == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(DURATION), default="tiny")
    size = parser.parse_args().size
    seconds = DURATION[size]

    with tempfile.TemporaryDirectory(prefix="hoshin-load-") as directory:
        workdir = Path(directory)
        environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'load.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "hoshin.settings",
            "HOSHIN_ENV": "development",
            "HOSHIN_DEBUG": "0",
            "HOSHIN_LOG_LEVEL": "WARNING",
            # One key for the process that logs in and for the server, so the session is valid in both.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "PYTHONPATH": os.pathsep.join([str(REPOSITORY / "src"), os.environ.get("PYTHONPATH", "")]),
        }
        started = time.time()
        prepared = prepare(environment, workdir)
        print(f"database ready in {time.time() - started:.1f} s ({platform.machine()}, {os.cpu_count()} CPUs, "
              f"Python {platform.python_version()}, SQLite)")

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "hoshin.wsgi:application", "--workers", str(WORKERS),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            env=environment, cwd=workdir,
        )
        try:
            wait_until_up(f"{host}/healthz", time.time() + 30)
            names = {
                f"/o/{ORGANIZATION}": "scorecard",
                f"/o/{ORGANIZATION}/map": "strategy map",
                f"/o/{ORGANIZATION}/kpis/{prepared['kpi']}": "KPI page",
                "/healthz": "/healthz",
            }
            # A browser sends both cookies; the page cache keys on them, as the CSRF token is inside the page.
            cookie = f"sessionid={prepared['session']}; csrftoken={prepared['csrf']}"
            for url in names:
                request = urllib.request.Request(host + url, headers={"Cookie": cookie})
                with urllib.request.urlopen(request, timeout=60) as response:
                    assert response.status == 200, url
            rows = []
            for index, url in enumerate(names):
                rows += run_locust(workdir, host, [url], cookie, seconds, environment, name=f"stats{index}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    met = report(rows, names, seconds)
    print(f"total {time.time() - started:.1f} s")
    if not met and size == "full":
        sys.exit(1)


if __name__ == "__main__":
    main()
