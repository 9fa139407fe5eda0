"""Aggregate the windows that scoring reads inside the database.

Scoring reads only the windows that `hoshin.engine.windows.plan_windows`
lists. Three statements read them, whatever the size of the organization:

1. For every level KPI, the last period with data before its current
   period: one indexed look-up per KPI, newest row first.
2. For every distinct (KPI, first day, last day) window over values, the
   partial sums of `hoshin.engine.aggregation_partials`, plus the sums of
   the window's last period with a value where it aggregates with ``last``.
3. The same for windows over numerators and denominators (``ratio``).

The engine turns the partial sums into window values with the same rules
as for a measurements frame. The windows reach the database in a
temporary table (filled with COPY on PostgreSQL), never as text in the
statement.

PostgreSQL runs these statements in one backend process: a temporary
table rules out a parallel plan, and the per-window look-ups would not get
one anyway. Many windows are therefore split by KPI into parts, which
`settings.HOSHIN_SCORING_CONNECTIONS` threads aggregate, each on its own
connection with its own temporary table, while the engine scores the
parts already done. That is done only outside a transaction, because
another connection cannot see rows the caller has not committed.

Stored period starts are trusted to be the start of their KPI's period,
which `kpis.services.record_measurement` and the importers guarantee.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from contextlib import contextmanager
from functools import partial

import polars as pl
from django.conf import settings
from django.db import DataError, connection, transaction

from hoshin.engine.aggregation_partials import PARTIAL_SCHEMA, aggregate_partials, partials_from_rows
from hoshin.engine.aggregation_frames import latest_revisions
from hoshin.engine.errors import ValidationError
from hoshin.engine.snapshot import OrganizationSnapshot
from hoshin.engine.windows import (
    PeriodCache,
    kpi_definitions,
    last_with_data_windows,
    plan_windows,
    previous_searches,
)
from hoshin.kpis.models import Measurement
from hoshin.scoring.threads import in_threads

logger = logging.getLogger(__name__)

# Bits of a range's flag: which aggregations the windows over it use.
_LAST = 1
_VALUES = 2  # sum, mean, last, min or max
_RATIO = 4
_RANGE_SCHEMA = {"id": pl.Int64, "kpi_id": pl.Int64, "window_start": pl.Date, "window_end": pl.Date, "flag": pl.Int64}
# Below this many windows a second connection costs more than it saves.
MIN_WINDOWS_TO_SPLIT = 20_000
# Parts per connection: the engine scores the first parts while the connections aggregate the rest.
PARTS_PER_CONNECTION = 4

_VALUE_SUMS = (
    "SUM(m.value) AS value_sum, SUM(m.value * m.value_count) AS weighted_sum, SUM(m.value_count) AS n_value, "
    "MIN(m.value) AS minimum, MAX(m.value) AS maximum, COUNT(DISTINCT m.period_start) AS periods_value, "
    "MAX(m.period_start) AS last_period, MIN(m.value_count) AS smallest_n"
)
_RATIO_SUMS = (
    "SUM(m.numerator) AS numerator, SUM(m.denominator) AS denominator, SUM(m.value_count) AS n_ratio, "
    "COUNT(DISTINCT m.period_start) AS periods_ratio, MIN(m.value_count) AS smallest_n"
)


def _finite(column: str) -> str:
    """Return SQL that is true when `column` is a finite number.

    Comparisons are false for NULL and NaN (PostgreSQL orders NaN above
    infinity, SQLite stores NaN as NULL). Range bounds, unlike an expression
    such as x - x = 0, let the query planner estimate how many rows pass.
    """
    if connection.vendor == "postgresql":
        return f"({column} > '-Infinity' AND {column} < 'Infinity')"
    return f"({column} > -9e999 AND {column} < 9e999)"  # SQLite reads 9e999 as infinity.


def _per_range(sums: str, condition: str, flag: int) -> str:
    """Return SQL with one row of `sums` per range whose flag has `flag`, over the rows meeting `condition`.

    SQLite walks the ranges and looks up each one's rows in the index on
    (kpi_id, period_start). A lateral subquery makes PostgreSQL do the same,
    where a join would lead it to read the whole table.
    """
    if connection.vendor == "postgresql":
        return (
            f"SELECT w.id, w.kpi_id, w.flag, sums.* FROM {{windows}} w CROSS JOIN LATERAL ("
            f"SELECT {sums} FROM {{table}} m WHERE m.kpi_id = w.kpi_id "
            f"AND m.period_start BETWEEN w.window_start AND w.window_end AND {condition}) sums "
            f"WHERE (w.flag & {flag}) > 0"
        )
    return (
        f"SELECT w.id, w.kpi_id, w.flag, {sums} FROM {{windows}} w JOIN {{table}} m ON m.kpi_id = w.kpi_id "
        f"AND m.period_start BETWEEN w.window_start AND w.window_end "
        f"WHERE (w.flag & {flag}) > 0 AND {condition} GROUP BY w.id, w.kpi_id, w.flag"
    )


def _last_period_sum(expression: str) -> str:
    """Return SQL for the sum of `expression` over the range's last period with a value: an indexed look-up."""
    return (
        f"CASE WHEN (s.flag & {_LAST}) > 0 THEN (SELECT SUM({expression}) FROM {{table}} m "
        f"WHERE m.kpi_id = s.kpi_id AND m.period_start = s.last_period AND {_finite('m.value')}) END"
    )


def _values_sql() -> str:
    return (
        "SELECT s.id, s.value_sum, s.weighted_sum, s.n_value, s.minimum, s.maximum, s.periods_value, s.last_period, "
        f"{_last_period_sum('m.value * m.value_count')}, {_last_period_sum('m.value_count')}, s.smallest_n "
        f"FROM ({_per_range(_VALUE_SUMS, _finite('m.value'), _VALUES)}) s"
    )


def _ratio_sql() -> str:
    has_ratio = f"{_finite('m.numerator')} AND {_finite('m.denominator')}"
    return (
        "SELECT s.id, s.numerator, s.denominator, s.n_ratio, s.periods_ratio, s.smallest_n "
        f"FROM ({_per_range(_RATIO_SUMS, has_ratio, _RATIO)}) s"
    )


def _search_sql() -> str:
    has_ratio = f"{_finite('m.numerator')} AND {_finite('m.denominator')}"
    return (
        "SELECT w.id, (SELECT m.period_start FROM {table} m "
        "WHERE m.kpi_id = w.kpi_id AND m.period_start BETWEEN w.window_start AND w.window_end "
        f"AND CASE WHEN (w.flag & {_RATIO}) > 0 THEN {has_ratio} ELSE {_finite('m.value')} END "
        "ORDER BY m.period_start DESC LIMIT 1) FROM {windows} w"
    )


_VALUES_SCHEMA = {
    "range": pl.Int64, "value_sum": pl.Float64, "weighted_sum": pl.Float64, "n_value": pl.Float64,
    "minimum": pl.Float64, "maximum": pl.Float64, "periods_value": pl.Int64, "last_period": pl.Date,
    "last_weighted_sum": pl.Float64, "last_n": pl.Float64, "smallest_n": pl.Int64,
}
_RATIO_SCHEMA = {
    "range": pl.Int64, "numerator": pl.Float64, "denominator": pl.Float64, "n_ratio": pl.Float64,
    "periods_ratio": pl.Int64, "smallest_n": pl.Int64,
}


def window_aggregates(
    snapshot: OrganizationSnapshot, as_of: dt.date, kpi_ids: dict[str, int], lookback_start: dt.date
) -> pl.DataFrame:
    """Aggregate every window that scoring `snapshot` as of `as_of` reads, for `OrganizationSnapshot.window_aggregates`.

    `kpi_ids` maps KPI keys to database ids. A level KPI's last period with
    data is looked for back to `lookback_start`.
    """
    parts = list(window_aggregate_parts(snapshot, as_of, kpi_ids, lookback_start))
    return pl.concat(parts, how="vertical_relaxed")


def window_aggregate_parts(
    snapshot: OrganizationSnapshot, as_of: dt.date, kpi_ids: dict[str, int], lookback_start: dt.date
) -> Iterable[pl.DataFrame]:
    """Do what `window_aggregates` does, in parts by KPI, started at once and returned in order as they finish.

    The parts are what `OrganizationSnapshot.window_aggregates` takes, to
    be read once. Few windows, SQLite, or a caller inside a transaction
    get a single part, aggregated before this returns.
    """
    calendar = {"fiscal_start_month": snapshot.fiscal_start_month, "week_start": snapshot.week_start}
    periods = PeriodCache(**calendar)
    ids = pl.DataFrame({"key": list(kpi_ids), "id": list(kpi_ids.values())}, schema={"key": pl.Utf8, "id": pl.Int64})

    # Most level KPIs have data in the period just before the current one, so that period is
    # aggregated first, and only the KPIs without data there are looked up further back.
    searches = previous_searches(snapshot, as_of, periods)
    guess = searches.select("kpi_id", period_start=pl.col("previous_start"))
    windows = plan_windows(snapshot, as_of, guess, periods)
    definitions = kpi_definitions(snapshot.kpis)
    search_back = partial(_search_further_back, definitions=definitions, ids=ids, calendar=calendar,
                          lookback_start=lookback_start)

    connections = _connections_for(windows)
    if connections == 1:
        return (search_back(_aggregate(windows, definitions, ids, calendar), searches),)
    # Only the statements run in the threads. Polars work there would wait for the interpreter lock
    # and for polars' thread pool, both busy with the scoring thread.
    parts = [(part, searched, *_distinct_ranges(part, definitions, ids))
             for part, searched in _split_by_kpi(snapshot, windows, searches, connections * PARTS_PER_CONNECTION)]
    logger.debug("aggregating %d windows in %d parts on %d connections", windows.height, len(parts), connections)
    partials = in_threads(partial(_range_partials, definitions=definitions, ids=ids, calendar=calendar),
                           [ranges for _part, _searched, ranges, _window_ranges in parts], connections)
    return (
        search_back(_from_partials(part, window_ranges, sums, definitions, calendar), searched)
        for (part, searched, _ranges, window_ranges), sums in zip(parts, partials)
    )


def _search_further_back(
    aggregated: pl.DataFrame, searches: pl.DataFrame, *, definitions: pl.DataFrame, ids: pl.DataFrame, calendar: dict,
    lookback_start: dt.date,
) -> pl.DataFrame:
    """Look further back for the level KPIs without data in the guessed period, and replace their windows."""
    empty = aggregated.filter((pl.col("purpose") == "last_with_data") & (pl.col("periods_with_data") == 0))
    if empty.height == 0:
        return aggregated

    further_back = searches.join(empty.select("kpi_id"), on="kpi_id", how="semi").with_columns(
        before=pl.col("previous_start")
    )
    found = _last_periods_with_data(further_back, ids, lookback_start)
    replaced = last_with_data_windows(searches, found)
    kept = aggregated.join(empty.select("purpose", "owner"), on=["purpose", "owner"], how="anti")
    return pl.concat([kept, _aggregate(replaced, definitions, ids, calendar)], how="vertical_relaxed")


def _split_by_kpi(
    snapshot: OrganizationSnapshot, windows: pl.DataFrame, searches: pl.DataFrame, count: int
) -> list[tuple[pl.DataFrame, pl.DataFrame]]:
    """Split the windows and searches into about `count` parts, each with every window of its KPIs."""
    keys = [kpi.key for kpi in snapshot.kpis]
    size = max(1, -(-len(keys) // count))
    part_of = pl.DataFrame({"kpi_id": keys, "part": [index // size for index in range(len(keys))]},
                           schema={"kpi_id": pl.Utf8, "part": pl.Int64})
    by_part = windows.join(part_of, on="kpi_id", how="inner").partition_by("part", as_dict=True, include_key=False)
    searched = searches.join(part_of, on="kpi_id", how="inner").partition_by("part", as_dict=True,
                                                                             include_key=False)
    empty = searches.clear()
    return [(by_part[key], searched.get(key, empty)) for key in sorted(by_part)]


def _aggregate(windows: pl.DataFrame, definitions: pl.DataFrame, ids: pl.DataFrame, calendar: dict) -> pl.DataFrame:
    """Aggregate `windows` from partial sums computed in the database."""
    ranges, window_ranges = _distinct_ranges(windows, definitions, ids)
    partials = _range_partials(ranges, definitions, ids, calendar)
    return _from_partials(windows, window_ranges, partials, definitions, calendar)


def _from_partials(windows: pl.DataFrame, window_ranges: pl.DataFrame, partials: pl.DataFrame,
                   definitions: pl.DataFrame, calendar: dict) -> pl.DataFrame:
    by_window = window_ranges.join(partials, on="range", how="inner").drop("range")
    return aggregate_partials(by_window, definitions, windows, **calendar)


def _last_periods_with_data(searches: pl.DataFrame, ids: pl.DataFrame, lookback_start: dt.date) -> pl.DataFrame:
    """Return ``kpi_id`` (the key) and ``period_start`` of each searched KPI's last period with data."""
    rows = searches.join(ids, left_on="kpi_id", right_on="key", how="inner").with_row_index("search")
    ranges = rows.select(
        pl.col("search").cast(pl.Int64).alias("id"),
        pl.col("id").alias("kpi_id"),
        window_start=pl.lit(lookback_start, dtype=pl.Date),
        window_end=pl.col("before") - pl.duration(days=1),
        flag=pl.when(pl.col("aggregation") == "ratio").then(_RATIO).otherwise(_VALUES),
    )
    (found,) = _query([(_search_sql(), {"search": pl.Int64, "period_start": pl.Date})], ranges)
    found = found.filter(pl.col("period_start").is_not_null()).with_columns(pl.col("search").cast(pl.UInt32))
    return rows.join(found, on="search", how="inner").select("kpi_id", "period_start").sort("kpi_id")


def _distinct_ranges(
    windows: pl.DataFrame, definitions: pl.DataFrame, ids: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return each distinct (KPI id, first day, last day) once, and the range of each window.

    Key results of one KPI in one cycle share a range. A range's ``flag``
    has a bit for each kind of aggregation that the windows over it use.
    """
    aggregation = pl.coalesce("aggregation", "own")
    keyed = (
        windows.with_row_index("window")
        .join(definitions.select("kpi_id", own="aggregation"), on="kpi_id", how="left")
        .join(ids, left_on="kpi_id", right_on="key", how="inner")
        .with_columns(
            flag=pl.when(aggregation == "ratio").then(_RATIO)
            .when(aggregation == "last").then(_VALUES | _LAST)
            .otherwise(_VALUES)
        )
    )
    bounds = ["id", "window_start", "window_end"]
    ranges = (
        keyed.group_by(bounds).agg(pl.col("flag").bitwise_or()).sort(bounds)
        .with_row_index("range").with_columns(pl.col("range").cast(pl.Int64))
    )
    window_ranges = keyed.join(ranges.select("range", *bounds), on=bounds, how="inner").select("window", "range")
    sql_rows = ranges.select(pl.col("range").alias("id"), pl.col("id").alias("kpi_id"), "window_start", "window_end",
                             "flag")
    return sql_rows, window_ranges


def _range_partials(ranges: pl.DataFrame, definitions: pl.DataFrame, ids: pl.DataFrame, calendar: dict) -> pl.DataFrame:
    """Return the partial sums of every range, with ``range`` in place of ``window``."""
    try:
        values, ratios = _query([(_values_sql(), _VALUES_SCHEMA), (_ratio_sql(), _RATIO_SCHEMA)], ranges)
    except DataError as error:
        # PostgreSQL raises when a double-precision sum overflows, where the engine gives no value.
        logger.warning("window sums overflowed in the database (%s); aggregating the rows in Python", error)
        return _partials_from_rows(ranges, definitions, ids, calendar)

    # NOTE: only rows that a window uses are checked, while a measurements frame is checked whole.
    smallest_n = pl.concat([values["smallest_n"], ratios["smallest_n"]]).min()
    if smallest_n is not None and smallest_n <= 0:
        raise ValidationError("n", f"the number of underlying values must be positive, got {smallest_n}")
    partials = ranges.select(pl.col("id").alias("range")).join(
        values.drop("smallest_n"), on="range", how="left"
    ).join(ratios.drop("smallest_n"), on="range", how="left")
    return partials.select("range", *(name for name in PARTIAL_SCHEMA if name != "window"))


def _partials_from_rows(ranges, definitions, ids, calendar) -> pl.DataFrame:
    """Compute the partial sums of every range in polars from the stored rows."""
    from hoshin.scoring.snapshot import measurement_frame

    used = ids.join(ranges.select(pl.col("kpi_id").alias("id")).unique(), on="id", how="semi")
    keys = dict(used.select("id", "key").iter_rows())
    frame = measurement_frame(keys, ranges["window_start"].min(), ranges["window_end"].max())
    rows = latest_revisions(frame, definitions, **calendar)
    windows = ranges.sort("id").join(ids, left_on="kpi_id", right_on="id", how="inner", maintain_order="left")
    partials = partials_from_rows(rows, windows.select(pl.col("key").alias("kpi_id"), "window_start", "window_end"))
    range_ids = windows.select("id").with_row_index("window")
    return partials.join(range_ids, on="window").drop("window").rename({"id": "range"})


def _query(statements: list[tuple[str, dict]], windows: pl.DataFrame) -> list[pl.DataFrame]:
    """Run each statement with ``{windows}`` naming a table of the rows of `windows`; return one frame per statement.

    Each schema names and types the statement's columns in order. The rows
    of each frame are in no particular order.
    """
    with transaction.atomic():
        return _query_here(statements, windows)


def _connections_for(windows: pl.DataFrame) -> int:
    """Return how many connections should share the statements over `windows`."""
    requested = max(1, settings.HOSHIN_SCORING_CONNECTIONS)
    if requested == 1 or connection.vendor != "postgresql" or windows.height < MIN_WINDOWS_TO_SPLIT:
        return 1
    if connection.in_atomic_block:
        return 1  # another connection would not see the caller's uncommitted rows
    return requested


def _query_here(statements: list[tuple[str, dict]], windows: pl.DataFrame) -> list[pl.DataFrame]:
    """Run the statements on this thread's connection, in the caller's transaction, which keeps the temporary table."""
    table = Measurement._meta.db_table
    frames = []
    with connection.cursor() as cursor, _windows_table(cursor, windows) as relation:
        if connection.vendor == "postgresql":
            # Compiling these statements just in time costs more than it saves on their small index scans.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL DateStyle = 'ISO'")  # the form COPY writes dates in, which polars reads
            if connection.pg_version >= 140000:
                # Each window's look-up has its own bounds, so caching look-ups by bounds never hits.
                cursor.execute("SET LOCAL enable_memoize = off")
        for sql, schema in statements:
            statement = sql.format(windows=relation, table=table)
            if connection.vendor == "postgresql":
                frames.append(_copied_rows(cursor, statement, schema))
                continue
            cursor.execute(statement)
            numbers = {name: dtype for name, dtype in schema.items() if dtype != pl.Date}
            frame = pl.DataFrame(cursor.fetchall(), schema=list(schema), schema_overrides=numbers, orient="row",
                                 infer_schema_length=None)
            frames.append(frame.with_columns(_as_date(frame, name) for name in schema if name not in numbers))
    return frames


def _copied_rows(cursor, statement: str, schema: dict) -> pl.DataFrame:
    """Return the rows of `statement` read with COPY as CSV, which polars parses without a Python object per value.

    Every number the statements return is finite or null: they sum, and
    take the minimum and maximum of, finite values only.
    """
    chunks = []
    # The driver's own cursor raises the driver's errors, which Django's wrapper turns into DataError and the like.
    with connection.wrap_database_errors, cursor.cursor.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv)") as copy:
        for chunk in copy:
            chunks.append(bytes(chunk))
    if not chunks:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(b"".join(chunks), has_header=False, new_columns=list(schema), schema_overrides=schema)


def _as_date(frame: pl.DataFrame, name: str) -> pl.Expr:
    """Return column `name` as dates.

    SQLite returns a date as ISO text, except where the value is a stored
    column passed through unchanged, which Django's converter turns into a
    date.
    """
    if frame.schema[name] == pl.Utf8:
        return pl.col(name).str.to_date("%Y-%m-%d")
    return pl.col(name).cast(pl.Date)


@contextmanager
def _windows_table(cursor, windows: pl.DataFrame):
    """Fill a temporary table with the rows of `windows` and yield its name.

    PostgreSQL reads the rows with COPY and SQLite with one prepared
    INSERT. The table is dropped on success. On an error, the rollback of
    the caller's transaction removes it.
    """
    columns = windows.select(list(_RANGE_SCHEMA)).cast(_RANGE_SCHEMA)
    # The statements scan the table in full, so it needs no index. On SQLite an INTEGER PRIMARY KEY
    # is the row id, which costs nothing.
    id_column = "id BIGINT NOT NULL" if connection.vendor == "postgresql" else "id INTEGER PRIMARY KEY"
    definition = (f"({id_column}, kpi_id BIGINT NOT NULL, window_start DATE NOT NULL, "
                  "window_end DATE NOT NULL, flag INTEGER NOT NULL)")
    if connection.vendor == "postgresql":
        name = "pg_temp.hoshin_scoring_window"
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE hoshin_scoring_window {definition}")
        with cursor.cursor.copy(f"COPY {name} FROM STDIN (FORMAT csv)") as copy:
            copy.write(columns.write_csv(include_header=False))
    else:
        name = "temp.hoshin_scoring_window"
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TABLE {name} {definition}")
        rows = columns.with_columns(pl.col("window_start", "window_end").dt.to_string("%Y-%m-%d")).rows()
        cursor.executemany(f"INSERT INTO {name} VALUES (%s, %s, %s, %s, %s)", rows)
    yield name
    cursor.execute(f"DROP TABLE {name}")
