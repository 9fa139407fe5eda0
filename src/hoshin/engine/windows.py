"""The measurement windows that scoring an organization reads.

Scoring as of a date aggregates these windows, one row each, tagged with a
``purpose`` and the key of the ``owner`` they are for:

- ``current``: every KPI's current period, from its start to the scoring
  date;
- ``previous``: a ``count`` KPI's whole previous period, because a missing
  period is zero rather than skipped;
- ``last_with_data``: a ``level`` KPI's last earlier period with data;
- ``key_result``: a key result's source KPI over the cycle, up to the
  scoring date, once the cycle has started.

The last earlier period with data depends on the data, so callers find it
first: `previous_searches` lists what to look for, `last_periods_with_data`
finds it in a measurements frame (a database finds it through its index),
and `plan_windows` takes the result. Only the windows listed here are read,
so a caller that loads measurements needs no more than these date ranges.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl

from .aggregation import Aggregation, Kind
from .periods import Period, period_of, shift_period
from .snapshot import KpiSnapshot, OrganizationSnapshot

WINDOW_SCHEMA = {
    "purpose": pl.Utf8,
    "owner": pl.Utf8,
    "kpi_id": pl.Utf8,
    "window_start": pl.Date,
    "window_end": pl.Date,
    "aggregation": pl.Utf8,
}


class PeriodCache:
    """Periods by day and frequency in one organization's calendar, each computed once.

    An organization's KPIs share a handful of frequencies, so scoring needs
    few distinct periods however many KPIs it scores.
    """

    def __init__(self, fiscal_start_month: int = 1, week_start: int = 0):
        self.calendar = {"fiscal_start_month": fiscal_start_month, "week_start": week_start}
        self._periods: dict[tuple[date, str, int], Period] = {}

    def period_of(self, day: date, frequency, steps: int = 0) -> Period:
        """Return the period of `frequency` that contains `day`, shifted by `steps` periods."""
        key = (day, str(frequency), steps)
        if key not in self._periods:
            period = period_of(day, frequency, **self.calendar)
            if steps:
                period = shift_period(period, steps, **self.calendar)
            self._periods[key] = period
        return self._periods[key]


def kpi_definitions(kpis: Iterable[KpiSnapshot]) -> pl.DataFrame:
    """Return the ``definitions`` frame of `aggregation_frames` for `kpis`, keyed by KPI key."""
    return _kpi_table(kpis if isinstance(kpis, tuple) else tuple(kpis))


# The KPI tables of the last few tuples of KPIs, by identity: scoring one organization needs the
# table of the same tuple several times. Each entry keeps its tuple, so no other tuple takes its id.
_KPI_TABLES: dict[int, tuple[tuple, pl.DataFrame]] = {}
_KPI_TABLES_KEPT = 4
_KPI_TABLES_LOCK = threading.Lock()


def _kpi_table(kpis: tuple[KpiSnapshot, ...]) -> pl.DataFrame:
    """Return the key, aggregation, kind and frequency of each KPI of `kpis`, in order."""
    with _KPI_TABLES_LOCK:
        cached = _KPI_TABLES.get(id(kpis))
    if cached is not None and cached[0] is kpis:
        return cached[1]
    rows = [(kpi.key, str(kpi.aggregation), str(kpi.kind), str(kpi.frequency)) for kpi in kpis]
    schema = {"kpi_id": pl.Utf8, "aggregation": pl.Utf8, "kind": pl.Utf8, "frequency": pl.Utf8}
    table = pl.DataFrame(rows, schema=schema, orient="row")
    with _KPI_TABLES_LOCK:
        if len(_KPI_TABLES) >= _KPI_TABLES_KEPT:
            _KPI_TABLES.pop(next(iter(_KPI_TABLES)))
        _KPI_TABLES[id(kpis)] = (kpis, table)
    return table


def previous_searches(snapshot: OrganizationSnapshot, as_of: date, periods: PeriodCache | None = None) -> pl.DataFrame:
    """List, per ``level`` KPI, the date before which to find its last period with data.

    Columns ``kpi_id``, ``before`` (the start of the current period),
    ``previous_start`` (the start of the period before it) and
    ``aggregation``. A ``ratio`` KPI has data in a period with a finite
    numerator and denominator, any other KPI with a finite value.
    """
    kpis = _kpi_calendar(snapshot, as_of, periods)
    level = kpis.filter(pl.col("kind") != Kind.COUNT.value)
    return level.select("kpi_id", before="current_start", previous_start="previous_start", aggregation="aggregation")


def last_periods_with_data(rows: pl.DataFrame, searches: pl.DataFrame) -> pl.DataFrame:
    """Find each searched KPI's last period start with data before its ``before`` date.

    `rows` are measurements with ``period_start`` already the start of the
    KPI's period, one per period and segment (as from
    `aggregation_frames.latest_revisions`), with non-finite numbers null.
    Returns ``kpi_id`` and ``period_start``, for KPIs with such a period only.
    """
    has_ratio = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    has_data = pl.when(pl.col("_search_aggregation") == Aggregation.RATIO.value).then(has_ratio).otherwise(
        pl.col("value").is_not_null()
    )
    found = (
        rows.lazy()
        .select("kpi_id", "period_start", "value", "numerator", "denominator")
        .join(searches.lazy().rename({"aggregation": "_search_aggregation"}), on="kpi_id", how="inner")
        .filter((pl.col("period_start") < pl.col("before")) & has_data)
        .group_by("kpi_id")
        .agg(pl.col("period_start").max())
    )
    return found.sort("kpi_id").collect()


def plan_windows(
    snapshot: OrganizationSnapshot,
    as_of: date,
    last_periods: pl.DataFrame | None = None,
    periods: PeriodCache | None = None,
) -> pl.DataFrame:
    """List every window that scoring `snapshot` as of `as_of` aggregates.

    `last_periods` has the ``kpi_id`` and ``period_start`` of each level
    KPI's last earlier period with data, as `last_periods_with_data`
    returns them. Columns are those of `WINDOW_SCHEMA`, ``aggregation``
    being null where the KPI's own applies.
    """
    kpis = _kpi_calendar(snapshot, as_of, periods)
    no_override = pl.lit(None, dtype=pl.Utf8)
    current = kpis.select(
        purpose=pl.lit("current"), owner="kpi_id", kpi_id="kpi_id", window_start="current_start",
        window_end=pl.lit(as_of, dtype=pl.Date), aggregation=no_override,
    )
    previous = kpis.filter(pl.col("kind") == Kind.COUNT.value).select(
        purpose=pl.lit("previous"), owner="kpi_id", kpi_id="kpi_id", window_start="previous_start",
        window_end="previous_end", aggregation=no_override,
    )

    objectives = {objective.key: objective for objective in snapshot.okr_objectives}
    rows = []
    for kr in snapshot.key_results:
        objective = objectives[kr.objective]
        if kr.source_kpi is not None and as_of >= objective.cycle_start:
            end = min(objective.cycle_end, as_of)
            aggregation = str(kr.source_aggregation) if kr.source_aggregation is not None else None
            rows.append(("key_result", kr.key, kr.source_kpi, objective.cycle_start, end, aggregation))
    key_results = pl.DataFrame(rows, schema=WINDOW_SCHEMA, orient="row")

    parts = [current, previous, key_results]
    if last_periods is not None and last_periods.height:
        parts.append(_last_with_data_windows(kpis, last_periods))
    return pl.concat([part.cast(WINDOW_SCHEMA) for part in parts])


def _kpi_calendar(snapshot: OrganizationSnapshot, as_of: date, periods: PeriodCache | None) -> pl.DataFrame:
    """Return each KPI's key, kind and aggregation with its current and previous period as of `as_of`.

    Periods are computed once per frequency, not once per KPI.
    """
    periods = periods or PeriodCache(snapshot.fiscal_start_month, snapshot.week_start)
    kpis = _kpi_table(tuple(snapshot.kpis)).select("kpi_id", "kind", "aggregation", "frequency")

    calendar = []
    for frequency in kpis["frequency"].unique(maintain_order=True):
        current, previous = periods.period_of(as_of, frequency), periods.period_of(as_of, frequency, -1)
        calendar.append((frequency, current.start, previous.start, previous.end))
    calendar_schema = {"frequency": pl.Utf8, "current_start": pl.Date, "previous_start": pl.Date,
                       "previous_end": pl.Date}
    by_frequency = pl.DataFrame(calendar, schema=calendar_schema, orient="row")
    return kpis.join(by_frequency, on="frequency", how="left", maintain_order="left")


def _last_with_data_windows(kpis: pl.DataFrame, last_periods: pl.DataFrame) -> pl.DataFrame:
    level = kpis.filter(pl.col("kind") != Kind.COUNT.value).select("kpi_id", before="current_start")
    return last_with_data_windows(level, last_periods)


def last_with_data_windows(searches: pl.DataFrame, last_periods: pl.DataFrame) -> pl.DataFrame:
    """Build one window per searched KPI from its last period with data to the day before its ``before`` date.

    `searches` has the ``kpi_id`` and ``before`` columns of
    `previous_searches`, and `last_periods` what `last_periods_with_data`
    returns. The window contains only that period's data, because no later
    period before the current one has any.
    """
    level = searches.select(pl.col("kpi_id").cast(pl.Utf8), window_end=pl.col("before") - timedelta(days=1))
    found = last_periods.select(pl.col("kpi_id").cast(pl.Utf8), pl.col("period_start").cast(pl.Date))
    windows = found.join(level, on="kpi_id", how="inner", maintain_order="left").filter(
        pl.col("period_start") <= pl.col("window_end")
    )
    return windows.select(
        purpose=pl.lit("last_with_data"),
        owner=pl.col("kpi_id"),
        kpi_id=pl.col("kpi_id"),
        window_start=pl.col("period_start"),
        window_end=pl.col("window_end"),
        aggregation=pl.lit(None, dtype=pl.Utf8),
    )
