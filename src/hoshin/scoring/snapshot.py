"""Build the engine's plain-data snapshot of an organization from the database.

The number of queries is fixed: one per table, whatever the size of the
organization. Scoring as of a past day reads the definitions (KPI
thresholds and targets, key-result targets and weights, alignments,
strategic KPIs) from their history tables as they were at the end of
that day in the organization's time zone. Measurement rows stay in the
database: `aggregates` reduces each window that scoring reads to a few
sums there, whatever the number of rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import polars as pl
from django.db import connection
from django.utils import timezone

from hoshin.engine import snapshot as engine
from hoshin.engine.periods import Period, period_of
from hoshin.engine.progress import CheckIn as EngineCheckIn
from hoshin.engine.scoring import validate_snapshot
from hoshin.engine.targets import period_target
from hoshin.engine.windows import PeriodCache
from hoshin.kpis.models import Kpi, KpiTarget, Measurement
from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective
from hoshin.organizations.models import Organization, Perspective, StrategicKpi, StrategicObjective, Unit
from hoshin.scoring.aggregates import window_aggregate_parts, window_aggregates

# Objectives of cycles that ended more than this long before the scoring
# date are history: they are not scored, and their measurements not read.
CYCLE_LOOKBACK = dt.timedelta(days=400)
# How far back a level KPI's previous period with data is looked for.
PREVIOUS_LOOKBACK = dt.timedelta(days=400)


def end_of_day(organization: Organization, day: dt.date) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


class DefinitionReader:
    """Read definition rows either from the live tables or from history as of a moment."""

    def __init__(self, moment: dt.datetime | None):
        self.moment = moment

    def rows(self, model, fields: list[str], **filters):
        return list(self.queryset(model, **filters).values(*fields))

    def ids(self, model, **filters):
        """Return a query of the ids of the matching rows, to use as a subquery in place of a long id list."""
        return self.queryset(model, **filters).values("id")

    def queryset(self, model, **filters):
        if self.moment is None:
            return model.objects.filter(**filters)
        return model.history.as_of(self.moment).filter(**filters)


def load_snapshot(
    organization: Organization, as_of: dt.date, *, parts: bool = False
) -> tuple[engine.OrganizationSnapshot, dict]:
    """Return the snapshot for `as_of` and a dictionary of names and structure for presenting the report.

    With `parts`, the snapshot's window aggregates are an iterator of parts
    that are still being aggregated (see `aggregates.window_aggregate_parts`),
    for one call of the engine's `score_organization`.
    """
    moment = end_of_day(organization, as_of)
    reader = DefinitionReader(None if moment >= timezone.now() else moment)
    org_id = organization.pk

    units = dict(Unit.objects.filter(organization_id=org_id).values_list("pk", "key"))
    perspectives = {p["pk"]: p for p in Perspective.objects.filter(organization_id=org_id).values("pk", "key", "name", "position")}

    kpi_rows = reader.rows(Kpi, KPI_FIELDS, organization_id=org_id)
    kpi_keys = {row["id"]: row["key"] for row in kpi_rows}
    targets = _targets_by_kpi(reader, reader.ids(Kpi, organization_id=org_id))

    strategic_rows = reader.rows(StrategicObjective, ["id", "key", "name", "perspective_id", "unit_id", "rollup_mode",
                                                     "weight", "archived", "position"], organization_id=org_id)
    strategic_keys = {row["id"]: row["key"] for row in strategic_rows}
    strategic_kpis: dict[int, list] = {}
    for row in sorted(reader.rows(StrategicKpi, ["objective_id", "kpi_id", "weight", "position"],
                                  objective_id__in=list(strategic_keys)), key=lambda r: r["position"]):
        if row["kpi_id"] in kpi_keys:
            strategic_kpis.setdefault(row["objective_id"], []).append(engine.Link(kpi_keys[row["kpi_id"]], row["weight"]))

    okr_rows = [row for row in reader.rows(OkrObjective, ["id", "key", "name", "unit_id", "cycle_id", "rollup_mode",
                                                         "archived", "position"], organization_id=org_id)]
    cycles = {c["pk"]: c for c in organization.cycles.values("pk", "key", "start", "end")}
    okr_rows = [row for row in okr_rows if _cycle_in_scope(cycles[row["cycle_id"]], as_of)]
    okr_keys = {row["id"]: row["key"] for row in okr_rows}
    objective_ids = reader.ids(OkrObjective, organization_id=org_id)
    alignments = reader.rows(Alignment, ["objective_id", "strategic_objective_id", "parent_id", "weight", "position"],
                             objective_id__in=objective_ids)
    alignments = [row for row in alignments if row["objective_id"] in okr_keys]
    kr_rows = reader.rows(KeyResult, ["id", "key", "name", "objective_id", "kr_type", "baseline", "target", "range_low",
                                      "range_high", "weight", "rollup_mode", "source_kpi_id", "archived", "position"],
                          objective_id__in=objective_ids)
    kr_rows = [row for row in kr_rows if row["objective_id"] in okr_keys]
    check_ins = _check_ins([row["id"] for row in kr_rows if row["source_kpi_id"] is None], moment)

    calendar = {"fiscal_start_month": organization.fiscal_year_start_month, "week_start": organization.week_start}
    periods = PeriodCache(**calendar)
    kpis = tuple(_kpi(row, targets.get(row["id"], []), periods.period_of(as_of, row["frequency"]), organization)
                 for row in kpi_rows)
    key_results = tuple(
        engine.KeyResultSnapshot(
            key=row["key"], objective=okr_keys[row["objective_id"]], kr_type=row["kr_type"], baseline=row["baseline"],
            target=row["target"], weight=row["weight"],
            target_range=(row["range_low"], row["range_high"]) if row["kr_type"] == "within_range" else None,
            checkins=tuple(check_ins.get(row["id"], ())),
            source_kpi=kpi_keys.get(row["source_kpi_id"]), source_aggregation=row["rollup_mode"] or None,
            archived=row["archived"],
        )
        for row in kr_rows
        if row["source_kpi_id"] is None or row["source_kpi_id"] in kpi_keys
    )
    alignments_by_objective: dict[int, list[dict]] = {}
    for alignment in sorted(alignments, key=lambda a: a["position"]):
        alignments_by_objective.setdefault(alignment["objective_id"], []).append(alignment)
    okr_objectives = tuple(_okr(row, cycles, alignments_by_objective.get(row["id"], []), strategic_keys, okr_keys, units)
                           for row in okr_rows)
    strategic = tuple(
        engine.StrategicObjectiveSnapshot(
            key=row["key"], perspective=perspectives[row["perspective_id"]]["key"], unit=units[row["unit_id"]],
            kpis=tuple(strategic_kpis.get(row["id"], ())), rollup_mode=row["rollup_mode"], weight=row["weight"],
            archived=row["archived"],
        )
        for row in strategic_rows
    )

    start = _measurement_start(as_of, kpis, okr_objectives, key_results, calendar)
    snapshot = engine.OrganizationSnapshot(
        kpis=kpis, key_results=key_results, okr_objectives=okr_objectives, strategic_objectives=strategic,
        prorate=organization.prorate_by, **calendar,
    )
    validate_snapshot(snapshot)
    aggregate = window_aggregate_parts if parts else window_aggregates
    aggregates = aggregate(snapshot, as_of, {key: pk for pk, key in kpi_keys.items()}, start)
    snapshot = dataclasses.replace(snapshot, window_aggregates=aggregates)
    presentation = {
        "measurement_start": start,
        "units": units,
        "perspectives": perspectives,
        "kpis": {row["key"]: row for row in kpi_rows},
        "strategic_objectives": {row["key"]: row for row in strategic_rows},
        "okr_objectives": {row["key"]: {**row, "cycle": cycles[row["cycle_id"]]["key"]} for row in okr_rows},
        "key_results": {row["key"]: {**row, "objective": okr_keys[row["objective_id"]]} for row in kr_rows},
    }
    return snapshot, presentation


KPI_FIELDS = ["id", "key", "name", "unit_of_measure", "direction", "frequency", "aggregation", "kind", "unit_id",
              "scale_min", "scale_max", "green", "yellow", "green_upper", "yellow_upper", "archived", "position"]


def _targets_by_kpi(reader: DefinitionReader, kpi_ids) -> dict[int, list[dict]]:
    targets: dict[int, list[dict]] = {}
    for row in reader.rows(KpiTarget, ["kpi_id", "period", "start", "end", "value"], kpi_id__in=kpi_ids):
        targets.setdefault(row["kpi_id"], []).append(row)
    return targets


def _kpi(row: dict, targets: list[dict], period: Period, organization) -> engine.KpiSnapshot:
    """Build a KPI's snapshot, with its target for `period`, its current period."""
    target = None
    covering = [t for t in targets if t["start"] <= period.start and period.end <= t["end"]]
    if covering:
        best = min(covering, key=lambda t: (t["end"] - t["start"]).days)
        target = period_target(best["value"], row["aggregation"], best["start"], best["end"], period.start, period.end,
                               organization.prorate_by)
    if row["direction"] == "target_range" and row["green"] is not None:
        green = (row["green"], row["green_upper"])
        yellow = (row["yellow"], row["yellow_upper"]) if row["yellow"] is not None else None
    else:
        green, yellow = row["green"], row["yellow"]
    return engine.KpiSnapshot(
        key=row["key"], aggregation=row["aggregation"], frequency=row["frequency"], direction=row["direction"],
        kind=row["kind"], is_percent=row["unit_of_measure"].strip() == "%", target=target, green=green, yellow=yellow,
        scale_min=row["scale_min"], scale_max=row["scale_max"], archived=row["archived"],
    )


def _cycle_in_scope(cycle: dict, as_of: dt.date) -> bool:
    return cycle["start"] <= as_of and cycle["end"] >= as_of - CYCLE_LOOKBACK


def _okr(row, cycles, mine, strategic_keys, okr_keys, units) -> engine.OkrObjectiveSnapshot:
    """Build an OKR objective's snapshot from its row and its alignments (`mine`) in position order."""
    cycle = cycles[row["cycle_id"]]
    return engine.OkrObjectiveSnapshot(
        key=row["key"], cycle_start=cycle["start"], cycle_end=cycle["end"], unit=units.get(row["unit_id"]),
        rollup_mode=row["rollup_mode"], archived=row["archived"],
        strategic_objectives=tuple(engine.Link(strategic_keys[a["strategic_objective_id"]], a["weight"])
                                   for a in mine if a["strategic_objective_id"] in strategic_keys),
        parent_objectives=tuple(engine.Link(okr_keys[a["parent_id"]], a["weight"])
                                for a in mine if a["parent_id"] in okr_keys),
    )


def _check_ins(kr_ids: list[int], moment: dt.datetime) -> dict[int, list[EngineCheckIn]]:
    """Return the check-ins entered by `moment`, per key result; a milestone's done counts as 1 or 0."""
    result: dict[int, list[EngineCheckIn]] = {}
    rows = CheckIn.objects.filter(key_result_id__in=kr_ids, entered_at__lt=moment).values_list(
        "key_result_id", "value", "done", "measured_on", "entered_at", "confidence", "comment")
    for kr_id, value, done, measured_on, entered_at, confidence, comment in rows:
        if value is None and done is not None:
            value = 1.0 if done else 0.0
        if value is None:
            continue
        result.setdefault(kr_id, []).append(EngineCheckIn(value, measured_on, entered_at, confidence, comment))
    return result


def _measurement_start(as_of, kpis, objectives, key_results, calendar) -> dt.date:
    start = as_of - PREVIOUS_LOOKBACK
    sourced = {kr.objective for kr in key_results if kr.source_kpi is not None}
    for objective in objectives:
        if objective.key in sourced:
            start = min(start, objective.cycle_start)
    for frequency in {str(kpi.frequency) for kpi in kpis}:
        start = min(start, period_of(as_of, frequency, **calendar).start - dt.timedelta(days=366))
    return start


def measurement_frame(kpi_keys: dict[int, str], start: dt.date, end: dt.date,
                      organization_id: int | None = None) -> pl.DataFrame:
    """Read measurements between start and end (inclusive) as one polars frame keyed by KPI key.

    With `organization_id` every KPI of that organization is read in one
    statement; otherwise only the KPIs whose ids are in `kpi_keys`.
    """
    schema = {"kpi_id": pl.Int64, "period_start": pl.Date, "segment": pl.Utf8, "value": pl.Float64,
              "numerator": pl.Float64, "denominator": pl.Float64, "n": pl.Float64}
    if not kpi_keys:
        return pl.DataFrame(schema=schema).with_columns(pl.col("kpi_id").cast(pl.Utf8))
    table, kpi_table = Measurement._meta.db_table, Kpi._meta.db_table
    if organization_id is not None:
        selection, params = f"kpi_id IN (SELECT id FROM {kpi_table} WHERE organization_id = %s)", [organization_id]
    else:
        selection, params = f"kpi_id IN ({', '.join(['%s'] * len(kpi_keys))})", list(kpi_keys)
    sql = (f"SELECT kpi_id, period_start, segment, value, numerator, denominator, value_count FROM {table} "
           f"WHERE {selection} AND period_start BETWEEN %s AND %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, start, end])
        rows = cursor.fetchall()
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    keys = pl.DataFrame({"kpi_id": list(kpi_keys), "key": list(kpi_keys.values())},
                        schema={"kpi_id": pl.Int64, "key": pl.Utf8})
    return frame.join(keys, on="kpi_id", how="inner").drop("kpi_id").rename({"key": "kpi_id"})
