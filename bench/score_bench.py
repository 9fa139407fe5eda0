"""Benchmark: score a large organization against the SQL floor, in one run.

Prints, for the database that DATABASE_URL selects (SQLite by default):

- (a) the time of `score_organization` for the whole organization as of a date;
- (b) the time of one hand-written SQL aggregate, grouped by KPI, over every
  KPI's measurements from the first day that scoring reads (the earliest
  window start) to the scoring date: the floor any implementation pays. It
  reads more rows than scoring does, because scoring reads only the KPIs
  and days of its windows;
- the ratio a/b, the peak memory of the process, and the time to rescore
  after one new measurement against the time of a full score: the median
  over one new value for each of five KPIs.

Usage: python bench/score_bench.py --size tiny|small|full [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
RESCORES = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["tiny", "small", "full"], default="tiny")
    parser.add_argument("--as-of", default="2026-11-30")
    parser.add_argument("--keep", action="store_true", help="reuse the generated organization when it exists")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from generate_org import generate

    from hoshin.kpis.models import Kpi, Measurement
    from hoshin.organizations.models import Organization
    from hoshin.scoring import incremental
    from hoshin.scoring.service import score_organization
    from hoshin.scoring.snapshot import load_snapshot

    call_command("migrate", verbosity=0)
    as_of = dt.date.fromisoformat(args.as_of)
    key = f"bench-{args.size}"
    if not (args.keep and Organization.objects.filter(key=key).exists()):
        started = time.perf_counter()
        counts = generate(key, args.size, as_of, progress=lambda line: print("  generating", line, flush=True))
        print(f"generated {counts} in {time.perf_counter() - started:.1f}s", flush=True)
    org = Organization.objects.get(key=key)

    score_organization(org, as_of)  # warm the database cache the same way for both timings
    started = time.perf_counter()
    result = score_organization(org, as_of)
    full_seconds = time.perf_counter() - started

    snapshot, _names = load_snapshot(org, as_of)
    window_start = snapshot.window_aggregates["window_start"].min()
    started = time.perf_counter()
    floor_rows = _floor_query(connection, org.pk, window_start, as_of)
    floor_seconds = time.perf_counter() - started

    # One rescore takes tens of milliseconds, so a single timing is mostly noise: take the median of several.
    cache = incremental.ScoreCache.build(org, as_of)
    rescores, chains = [], []
    for kpi in Kpi.objects.filter(organization=org, key__in=[f"kpi-{index}" for index in range(RESCORES)]):
        value = {"numerator": 37.0, "denominator": 100.0} if kpi.aggregation == "ratio" else {"value": 1234.5}
        started = time.perf_counter()
        chains.append(incremental.rescore_after_measurement(cache, kpi, day=as_of, **value))
        rescores.append(time.perf_counter() - started)
    rescore_seconds = statistics.median(rescores)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    measurements = Measurement.objects.filter(kpi__organization=org).count()
    print()
    print(f"date: {dt.date.today()}  machine: {platform.machine()} {os.cpu_count()} cores  database: {connection.vendor}")
    print(f"size: {args.size}  KPIs: {len(result.report.kpis):,}  key results: {len(result.report.key_results):,}  "
          f"OKR objectives: {len(result.report.okr_objectives):,}  measurements: {measurements:,}")
    print(f"(a) hoshin score:          {full_seconds:8.3f} s")
    print(f"(b) SQL floor aggregate:   {floor_seconds:8.3f} s  ({len(floor_rows):,} groups, from {window_start})")
    print(f"ratio a/b:                 {full_seconds / floor_seconds:8.2f}   (goal <= 2.0)")
    print(f"peak memory:               {peak_mb:8.0f} MB (goal <= 2048)")
    print(f"rescore after 1 value:     {rescore_seconds:8.4f} s = 1/{full_seconds / rescore_seconds:.0f} of a full score "
          f"(goal <= 1/100); median of {len(rescores)} KPIs, {min(rescores):.4f} to {max(rescores):.4f} s, "
          f"chains of {min(chains)} to {max(chains)} records")


def _floor_query(connection, org_id, start, end):
    """Aggregate the same measurements in one hand-written SQL statement."""
    sql = (
        "SELECT m.kpi_id, COUNT(*), SUM(m.value * m.value_count), SUM(m.value_count), MIN(m.value), MAX(m.value), "
        "SUM(m.numerator), SUM(m.denominator), MAX(m.period_start) "
        "FROM kpis_measurement m JOIN kpis_kpi k ON k.id = m.kpi_id "
        "WHERE k.organization_id = %s AND m.period_start BETWEEN %s AND %s GROUP BY m.kpi_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_id, start, end])
        return cursor.fetchall()


if __name__ == "__main__":
    main()
