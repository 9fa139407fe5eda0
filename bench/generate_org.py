"""Generate a large synthetic organization straight into the database.

Sizes (full): 1,000 units, 10,000 OKR objectives, 40,000 key results,
50,000 KPIs and about 20 million daily measurements (400 days per KPI).
Rows go in with `executemany` on SQLite and `COPY` on PostgreSQL, so the
generator takes minutes, not hours; history rows for the definitions are
written too, so scoring "as of" a past date works on the result.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random

from django.db import connection, transaction
from django.utils import timezone

SIZES = {
    "tiny": dict(units=5, objectives=20, krs_per_objective=4, kpis=100, days=60, strategic=8),
    "small": dict(units=50, objectives=1_000, krs_per_objective=4, kpis=5_000, days=400, strategic=20),
    "full": dict(units=1_000, objectives=10_000, krs_per_objective=4, kpis=50_000, days=400, strategic=40),
}


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_copy_text(value) for value in row))
                buffer.write("\n")
            buffer.seek(0)
            with cursor.cursor.copy(f'COPY {table} ({", ".join(columns)}) FROM STDIN') as copy:
                copy.write(buffer.read())
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f'INSERT INTO {table} ({", ".join(columns)}) VALUES ({marks})', rows)


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _reset_sequences(tables: list[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def _analyze(tables: list[str]) -> None:
    """Refresh PostgreSQL's planner statistics of `tables`, as autovacuum would some time after a bulk load.

    SQLite keeps no statistics unless asked, as in a fresh installation.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _history(table: str, columns: list[str], rows: list[tuple], stamp) -> None:
    """Write one "created" history row per definition row, so as-of queries find them."""
    history_rows = [(*row, stamp, "created", "+", None) for row in rows]
    next_id = _next_id(table)
    history_rows = [(*row, next_id + i) for i, row in enumerate(history_rows)]
    _insert(table, [*columns, "history_date", "history_change_reason", "history_type", "history_user_id", "history_id"],
            history_rows)


@transaction.atomic
def generate(key: str, size: str, today: dt.date, seed: int = 11, progress=print) -> dict:
    """Create organization `key` of the given size ending its measurements at `today`; return counts."""
    from hoshin.organizations import services as org_services
    from hoshin.organizations.models import Organization

    params = SIZES[size]
    rng = random.Random(seed)
    stamp = timezone.now() - dt.timedelta(days=params["days"] + 30)

    Organization.objects.filter(key=key).delete()
    org = org_services.create_organization(None, key=key, name=f"Benchmark {size}", time_zone="UTC")
    org_id = org.pk
    perspective_ids = list(org.perspectives.values_list("pk", flat=True))
    cycle = org_services.cycle_for_label(None, org, _quarter_label(today))
    previous = org_services.cycle_for_label(None, org, _quarter_label(cycle.start - dt.timedelta(days=1)))

    unit_id0 = _next_id("organizations_unit")
    units = []
    for i in range(params["units"]):
        parent = None if i == 0 else unit_id0 + (i - 1) // 10
        units.append((unit_id0 + i, org_id, f"unit-{i}", f"Unit {i}", parent, False))
    unit_cols = ["id", "organization_id", "key", "name", "parent_id", "archived"]
    _insert("organizations_unit", unit_cols, units)
    _history("organizations_historicalunit", unit_cols, units, stamp)
    progress(f"units: {len(units)}")

    kpi_id0 = _next_id("kpis_kpi")
    kpis, kpi_specs = [], []
    aggregations = ["sum", "mean", "last", "max", "ratio", "mean"]
    for i in range(params["kpis"]):
        aggregation = aggregations[i % len(aggregations)]
        direction = "lower_is_better" if i % 3 == 0 else "higher_is_better"
        kind = "count" if aggregation == "sum" else "level"
        green, yellow = (80.0, 90.0) if direction == "lower_is_better" else (90.0, 80.0)
        unit = unit_id0 + i % params["units"]
        kpis.append((kpi_id0 + i, org_id, f"kpi-{i}", f"KPI {i}", "", "u", direction, "daily", aggregation, kind,
                     "leading", unit, None, None, green, yellow, None, None, i, False))
        kpi_specs.append((kpi_id0 + i, aggregation))
    kpi_cols = ["id", "organization_id", "key", "name", "description", "unit_of_measure", "direction", "frequency",
                "aggregation", "kind", "indicator_type", "unit_id", "scale_min", "scale_max", "green", "yellow",
                "green_upper", "yellow_upper", "position", "archived"]
    _insert("kpis_kpi", kpi_cols, kpis)
    _history("kpis_historicalkpi", kpi_cols, kpis, stamp)
    progress(f"kpis: {len(kpis)}")

    so_id0 = _next_id("organizations_strategicobjective")
    strategic = [(so_id0 + i, org_id, f"so-{i}", f"Strategic objective {i}", "", perspective_ids[i % len(perspective_ids)],
                  unit_id0, "mean", 1.0, i, False) for i in range(params["strategic"])]
    so_cols = ["id", "organization_id", "key", "name", "description", "perspective_id", "unit_id", "rollup_mode",
               "weight", "position", "archived"]
    _insert("organizations_strategicobjective", so_cols, strategic)
    _history("organizations_historicalstrategicobjective", so_cols, strategic, stamp)
    sk_id0 = _next_id("organizations_strategickpi")
    strategic_kpis = [(sk_id0 + i * 4 + j, so_id0 + i, kpi_id0 + i * 4 + j, 1.0, j)
                      for i in range(params["strategic"]) for j in range(4)]
    sk_cols = ["id", "objective_id", "kpi_id", "weight", "position"]
    _insert("organizations_strategickpi", sk_cols, strategic_kpis)
    _history("organizations_historicalstrategickpi", sk_cols, strategic_kpis, stamp)

    okr_id0 = _next_id("okrs_okrobjective")
    kr_id0 = _next_id("okrs_keyresult")
    al_id0 = _next_id("okrs_alignment")
    objectives, krs, alignments = [], [], []
    per = params["krs_per_objective"]
    for i in range(params["objectives"]):
        cycle_id = cycle.pk if i % 2 == 0 else previous.pk
        objectives.append((okr_id0 + i, org_id, f"okr-{i}", f"Objective {i}", "", unit_id0 + i % params["units"],
                           cycle_id, "mean", i, False))
        if i % 10 == 0 or i < params["strategic"]:
            alignments.append((al_id0 + len(alignments), okr_id0 + i, so_id0 + i % params["strategic"], None, 1.0, 0))
        else:
            parent = okr_id0 + (i // 10) * 10
            alignments.append((al_id0 + len(alignments), okr_id0 + i, None, parent, 1.0, 0))
        for j in range(per):
            n = i * per + j
            kpi_id = kpi_id0 + (n * 7) % params["kpis"]
            kr_type = "decrease" if n % 4 == 0 else "increase"
            baseline, target = (100.0, 60.0) if kr_type == "decrease" else (0.0, 100.0)
            krs.append((kr_id0 + n, okr_id0 + i, f"kr-{n}", f"Key result {n}", kr_type, baseline, target, None, None,
                        "u", 1.0 + (n % 3), "", kpi_id, None, j, False))
    okr_cols = ["id", "organization_id", "key", "name", "description", "unit_id", "cycle_id", "rollup_mode", "position",
                "archived"]
    _insert("okrs_okrobjective", okr_cols, objectives)
    _history("okrs_historicalokrobjective", okr_cols, objectives, stamp)
    al_cols = ["id", "objective_id", "strategic_objective_id", "parent_id", "weight", "position"]
    _insert("okrs_alignment", al_cols, alignments)
    _history("okrs_historicalalignment", al_cols, alignments, stamp)
    kr_cols = ["id", "objective_id", "key", "name", "kr_type", "baseline", "target", "range_low", "range_high",
               "unit_of_measure", "weight", "rollup_mode", "source_kpi_id", "owner_id", "position", "archived"]
    _insert("okrs_keyresult", kr_cols, krs)
    _history("okrs_historicalkeyresult", kr_cols, krs, stamp)
    progress(f"okr objectives: {len(objectives)}, key results: {len(krs)}")

    recorded = timezone.now().isoformat() if connection.vendor == "postgresql" else timezone.now()
    start = today - dt.timedelta(days=params["days"] - 1)
    measurement_cols = ["kpi_id", "period_start", "segment", "value", "numerator", "denominator", "value_count",
                        "source", "revision", "recorded_at"]
    total = 0
    batch: list[tuple] = []
    for kpi_id, aggregation in kpi_specs:
        level = rng.uniform(40, 120)
        for d in range(params["days"]):
            day = start + dt.timedelta(days=d)
            value = level + 10 * math.sin(d / 7) + rng.gauss(0, 3)
            if aggregation == "ratio":
                denominator = 100.0
                numerator = max(0.0, min(denominator, value))
                row = (kpi_id, day, "", numerator / denominator, numerator, denominator, 1, "bench", 1, recorded)
            else:
                row = (kpi_id, day, "", value, None, None, 1, "bench", 1, recorded)
            batch.append(row)
        if len(batch) >= 200_000:
            _insert("kpis_measurement", measurement_cols, batch)
            total += len(batch)
            batch = []
            progress(f"measurements: {total:,}")
    _insert("kpis_measurement", measurement_cols, batch)
    total += len(batch)
    _reset_sequences(["organizations_unit", "kpis_kpi", "organizations_strategicobjective", "organizations_strategickpi",
                      "okrs_okrobjective", "okrs_keyresult", "okrs_alignment"])
    _analyze(["kpis_measurement", "kpis_kpi", "okrs_keyresult", "okrs_okrobjective"])
    return {"units": len(units), "kpis": len(kpis), "okr_objectives": len(objectives), "key_results": len(krs),
            "measurements": total}


def _quarter_label(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
