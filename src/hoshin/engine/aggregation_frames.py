"""Vectorised aggregation of many KPIs' measurements with polars.

The rules are those of the `aggregation` module docstring. This module
applies them to whole columns, with no Python loop per KPI.

Input frames:

- measurements: ``kpi_id``, ``day`` or ``period_start`` (a date inside the
  measured period), and optionally ``segment``, ``value``, ``numerator``,
  ``denominator``, ``n`` (default 1) and ``revision`` (default 0).
- definitions: ``kpi_id``, ``aggregation``, ``kind``, ``frequency``.
- windows: ``kpi_id``, ``window_start``, ``window_end`` (inclusive) and
  optionally ``aggregation`` to override the KPI's own for that window.

Each measurement is moved to the start of its period. Per KPI, period and
segment the highest revision wins. Two rows left with the same revision
are an error, because adding them up would count a value twice.
Non-finite values count as missing.

The ``kpi_id`` columns of the three frames must share one dtype.
"""

from __future__ import annotations

import polars as pl

from .aggregation import Aggregation, Kind
from .errors import ValidationError
from .periods import Frequency

_KEY = ["kpi_id", "period_start", "segment"]
_OPTIONAL_COLUMNS = {
    "segment": pl.Utf8,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
}
_DAY_STEPS = {Frequency.DAILY: 1, Frequency.WEEKLY: 7}
_MONTH_STEPS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def aggregate_windows(
    measurements: pl.DataFrame,
    definitions: pl.DataFrame,
    windows: pl.DataFrame,
    *,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> pl.DataFrame:
    """Aggregate every window's measurements in one pass.

    Returns the rows of `windows` in their order, with ``value``,
    ``numerator``, ``denominator`` (for ``ratio``), ``n_values``,
    ``periods_with_data`` and ``periods_expected`` (the number of the
    KPI's periods that start inside the window).
    """
    periods = period_stats(measurements, definitions, fiscal_start_month=fiscal_start_month, week_start=week_start)
    spans = _window_spans(_resolve_windows(windows, definitions), fiscal_start_month, week_start).lazy()

    # One lazy query from here on lets polars fuse the join with the range filter.
    in_window = (
        spans.join(periods.lazy().drop("aggregation", "kind", "frequency"), on="kpi_id", how="inner")
        .filter(pl.col("period_start").is_between(pl.col("window_start"), pl.col("window_end")))
        .select("_window", *_STAT_COLUMNS)
    )
    with_data = in_window.filter(pl.col("n_mean") > 0).select("_window", "period_start")
    fill = _count_fill_rows(spans).join(with_data, on=["_window", "period_start"], how="anti")
    stats = pl.concat([in_window, fill], how="vertical_relaxed")

    by_window = stats.group_by("_window").agg(
        *(pl.col(name).sum() for name in _SUMMED_COLUMNS),
        pl.col("minimum").min(),
        pl.col("maximum").max(),
        (pl.col("n_value") > 0).sum().alias("periods_value"),
        (pl.col("n_ratio") > 0).sum().alias("periods_ratio"),
        _period_mean().sort_by("period_start").drop_nulls().last().alias("last"),
    )
    result = spans.join(by_window, on="_window", how="left").with_columns(_value_columns())
    result = result.select(
        "_window",
        "value",
        "numerator",
        "denominator",
        pl.col("n_values").fill_null(0.0),
        pl.col("periods_with_data").fill_null(0).cast(pl.Int64),
        "periods_expected",
    )
    original = windows.lazy().drop(*result.collect_schema().names(), strict=False).with_row_index("_window")
    return original.join(result, on="_window", how="left").sort("_window").drop("_window").collect()


def aggregate_periods(
    measurements: pl.DataFrame,
    definitions: pl.DataFrame,
    *,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> pl.DataFrame:
    """Return each KPI's value per period with data: ``kpi_id``, ``period_start``, ``value``.

    Segments are combined. Periods without rows are not listed, whatever
    the KPI's kind.
    """
    periods = period_stats(measurements, definitions, fiscal_start_month=fiscal_start_month, week_start=week_start)
    periods = periods.with_columns(
        _period_mean().alias("last"),
        (pl.col("n_value") > 0).cast(pl.Int64).alias("periods_value"),
        (pl.col("n_ratio") > 0).cast(pl.Int64).alias("periods_ratio"),
    )
    periods = periods.with_columns(_value_columns())
    with_data = periods.filter(pl.col("periods_with_data") > 0)
    return with_data.select("kpi_id", "period_start", "value").sort("kpi_id", "period_start")


def period_stats(
    measurements: pl.DataFrame,
    definitions: pl.DataFrame,
    *,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> pl.DataFrame:
    """Combine the segments of each KPI and period into running totals.

    One row per ``kpi_id`` and ``period_start`` with the KPI's
    ``aggregation``, ``kind`` and ``frequency`` and the columns that
    `aggregate_windows` sums up.
    """
    rows = latest_revisions(measurements, definitions, fiscal_start_month=fiscal_start_month, week_start=week_start)
    has_value = pl.col("value").is_not_null()
    has_ratio = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    return rows.group_by("kpi_id", "period_start").agg(
        pl.col("aggregation").first(),
        pl.col("kind").first(),
        pl.col("frequency").first(),
        pl.col("value").sum().alias("value_sum"),
        (pl.col("value") * pl.col("n")).sum().alias("weighted_sum"),
        pl.when(has_value).then(pl.col("n")).otherwise(0.0).sum().alias("n_mean"),
        pl.when(has_value).then(pl.col("n")).otherwise(0.0).sum().alias("n_value"),
        pl.col("value").min().alias("minimum"),
        pl.col("value").max().alias("maximum"),
        pl.when(has_ratio).then(pl.col("numerator")).otherwise(0.0).sum().alias("numerator"),
        pl.when(has_ratio).then(pl.col("denominator")).otherwise(0.0).sum().alias("denominator"),
        pl.when(has_ratio).then(pl.col("n")).otherwise(0.0).sum().alias("n_ratio"),
    )


def latest_revisions(
    measurements: pl.DataFrame,
    definitions: pl.DataFrame,
    *,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> pl.DataFrame:
    """Return one row per KPI, period and segment: the highest revision.

    Rows of KPIs missing from `definitions` are dropped.
    """
    rows = _normalise(measurements).join(_definitions(definitions), on="kpi_id", how="inner")
    rows = rows.with_columns(
        period_start_expr(pl.col("day"), pl.col("frequency"), fiscal_start_month, week_start).alias("period_start")
    )
    has_revisions = "revision" in measurements.columns
    latest = rows.filter(pl.col("revision") == pl.col("revision").max().over(_KEY)) if has_revisions else rows
    duplicates = latest.filter(latest.select(_KEY).is_duplicated())
    if duplicates.height:
        first = duplicates.row(0, named=True)
        raise ValidationError(
            "measurements",
            f"KPI {first['kpi_id']!r} has more than one value with revision {first['revision']} for period "
            f"{first['period_start']} and segment {first['segment']!r}, so the latest value is ambiguous. "
            "Give each revision a higher number, or check that the values match the KPI's frequency.",
        )
    return latest


def period_start_expr(day: pl.Expr, frequency: pl.Expr, fiscal_start_month: int, week_start: int) -> pl.Expr:
    """Return the start of the period of `frequency` that contains `day`, as a polars expression."""
    weekday = (day.cast(pl.Int32) + 3) % 7  # 1970-01-01 was a Thursday (weekday 3).
    month_index = day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1
    fiscal_offset = fiscal_start_month - 1
    return (
        pl.when(frequency == Frequency.DAILY.value)
        .then(day)
        .when(frequency == Frequency.WEEKLY.value)
        .then((day.cast(pl.Int32) - (weekday - week_start) % 7).cast(pl.Date))
        .when(frequency == Frequency.MONTHLY.value)
        .then(_date_from_month_index(month_index))
        .when(frequency == Frequency.QUARTERLY.value)
        .then(_date_from_month_index(month_index - (month_index - fiscal_offset) % 3))
        .when(frequency == Frequency.YEARLY.value)
        .then(_date_from_month_index(month_index - (month_index - fiscal_offset) % 12))
    )


_SUMMED_COLUMNS = ["value_sum", "weighted_sum", "n_mean", "n_value", "numerator", "denominator", "n_ratio"]
_STAT_COLUMNS = ["period_start", *_SUMMED_COLUMNS, "minimum", "maximum"]


def _normalise(measurements: pl.DataFrame) -> pl.DataFrame:
    if "day" not in measurements.columns and "period_start" not in measurements.columns:
        raise ValidationError("measurements", "needs a 'day' or 'period_start' column")
    frame = measurements.rename({"period_start": "day"}) if "day" not in measurements.columns else measurements
    frame = frame.with_columns(
        pl.lit(None, dtype=dtype).alias(name) for name, dtype in _OPTIONAL_COLUMNS.items() if name not in frame.columns
    )
    if "n" not in frame.columns:
        frame = frame.with_columns(n=pl.lit(1.0))
    if "revision" not in frame.columns:
        frame = frame.with_columns(revision=pl.lit(0))

    numbers = ["value", "numerator", "denominator"]
    frame = frame.with_columns(
        pl.col("day").cast(pl.Date),
        pl.col("segment").cast(pl.Utf8),
        *(pl.col(name).cast(pl.Float64).fill_nan(None) for name in numbers),
        pl.col("n").cast(pl.Float64).fill_null(1.0),
    )
    frame = frame.with_columns(
        pl.when(pl.col(name).is_finite()).then(pl.col(name)).alias(name) for name in numbers
    )
    invalid_n = frame.filter(~(pl.col("n").is_finite() & (pl.col("n") > 0)))
    if invalid_n.height:
        raise ValidationError(
            "n", f"the number of underlying values must be positive, got {invalid_n['n'][0]!r}"
        )
    return frame.select("kpi_id", "day", "segment", *numbers, "n", "revision")


def _definitions(definitions: pl.DataFrame) -> pl.DataFrame:
    frame = definitions.select("kpi_id", pl.col("aggregation", "kind", "frequency").cast(pl.Utf8))
    allowed = {
        "aggregation": [member.value for member in Aggregation],
        "kind": [member.value for member in Kind],
        "frequency": [*(member.value for member in _DAY_STEPS), *(member.value for member in _MONTH_STEPS)],
    }
    for column, values in allowed.items():
        invalid = frame.filter(~pl.col(column).is_in(values))
        if invalid.height:
            kpi_id, value = invalid["kpi_id"][0], invalid[column][0]
            expected = ", ".join(values)
            raise ValidationError(column, f"KPI {kpi_id!r} has {column} {value!r}; expected one of {expected}")
    return frame


def _resolve_windows(windows: pl.DataFrame, definitions: pl.DataFrame) -> pl.DataFrame:
    frame = windows.with_row_index("_window").with_columns(pl.col("window_start", "window_end").cast(pl.Date))
    if "aggregation" in frame.columns:
        frame = frame.with_columns(pl.col("aggregation").cast(pl.Utf8).alias("_override"))
    else:
        frame = frame.with_columns(_override=pl.lit(None, dtype=pl.Utf8))
    frame = frame.select("_window", "kpi_id", "window_start", "window_end", "_override")

    frame = frame.join(_definitions(definitions), on="kpi_id", how="left")
    unknown = frame.filter(pl.col("frequency").is_null())
    if unknown.height:
        raise ValidationError("kpi_id", f"window for KPI {unknown['kpi_id'][0]!r} has no KPI definition")
    return frame.with_columns(pl.coalesce("_override", "aggregation").alias("aggregation")).drop("_override")


def _window_spans(windows: pl.DataFrame, fiscal_start_month: int, week_start: int) -> pl.DataFrame:
    """Add the first period start inside each window, the step between periods and their count.

    Day-based frequencies count in days since 1970-01-01, month-based ones
    in months since year 0, so both are plain integer arithmetic.
    """
    start_day = pl.col("window_start").cast(pl.Int32)
    end_day = pl.col("window_end").cast(pl.Int32)
    weekday = (start_day + 3) % 7
    start_month = _month_index(pl.col("window_start")) + (pl.col("window_start").dt.day() != 1).cast(pl.Int32)
    end_month = _month_index(pl.col("window_end"))

    frequency = pl.col("frequency")
    step = pl.lit(None, dtype=pl.Int32)
    for name, days in _DAY_STEPS.items():
        step = pl.when(frequency == name.value).then(days).otherwise(step)
    for name, months in _MONTH_STEPS.items():
        step = pl.when(frequency == name.value).then(months).otherwise(step)
    by_month = frequency.is_in([name.value for name in _MONTH_STEPS])
    offset = (fiscal_start_month - 1) % pl.col("_step")

    first = (
        pl.when(by_month)
        .then(start_month + (offset - start_month) % pl.col("_step"))
        .when(frequency == Frequency.WEEKLY.value)
        .then(start_day + (week_start - weekday) % 7)
        .otherwise(start_day)
    )
    last = pl.when(by_month).then(end_month).otherwise(end_day)
    span = pl.col("_last") - pl.col("_first")
    count = pl.when(span < 0).then(0).otherwise(span // pl.col("_step") + 1)
    return (
        windows.with_columns(_step=step.cast(pl.Int32), _by_month=by_month)
        .with_columns(_first=first.cast(pl.Int32), _last=last.cast(pl.Int32))
        .with_columns(periods_expected=count.cast(pl.Int64))
    )


def _count_fill_rows(spans: pl.LazyFrame) -> pl.LazyFrame:
    """Return a zero row for every period of a ``count`` window, with data or not."""
    counts = spans.filter((pl.col("kind") == "count") & (pl.col("periods_expected") > 0))
    expanded = counts.with_columns(_k=pl.int_ranges(0, pl.col("periods_expected"))).explode("_k")
    index = pl.col("_first") + pl.col("_k") * pl.col("_step")
    expanded = expanded.with_columns(
        period_start=pl.when(pl.col("_by_month")).then(_date_from_month_index(index)).otherwise(index.cast(pl.Date))
    )
    zeros = {name: pl.lit(0.0) for name in _SUMMED_COLUMNS}
    zeros["n_mean"] = pl.lit(1.0)
    return expanded.select(
        "_window",
        "period_start",
        *(expression.alias(name) for name, expression in zeros.items()),
        minimum=pl.lit(0.0),
        maximum=pl.lit(0.0),
    )


def _period_mean() -> pl.Expr:
    return pl.when(pl.col("n_mean") > 0).then(pl.col("weighted_sum") / pl.col("n_mean"))


def _value_columns() -> list[pl.Expr]:
    """Return ``value``, ``numerator``, ``denominator``, ``n_values`` and ``periods_with_data``.

    The input columns are the sums of `period_stats` over one window (or one period).
    """
    aggregation = pl.col("aggregation")
    has_values = pl.col("n_mean") > 0
    has_ratio = pl.col("n_ratio") > 0
    value = (
        pl.when(aggregation == Aggregation.RATIO.value)
        .then(pl.when(has_ratio & (pl.col("denominator") != 0)).then(pl.col("numerator") / pl.col("denominator")))
        .when(~has_values)
        .then(None)
        .when(aggregation == Aggregation.SUM.value)
        .then(pl.col("value_sum"))
        .when(aggregation == Aggregation.MEAN.value)
        .then(pl.col("weighted_sum") / pl.col("n_mean"))
        .when(aggregation == Aggregation.MIN.value)
        .then(pl.col("minimum"))
        .when(aggregation == Aggregation.MAX.value)
        .then(pl.col("maximum"))
        .when(aggregation == Aggregation.LAST.value)
        .then(pl.col("last"))
    )
    is_ratio = aggregation == Aggregation.RATIO.value
    return [
        # Sums that overflow to infinity, or to NaN, give no value rather than a wrong one.
        pl.when(value.is_finite()).then(value).cast(pl.Float64).alias("value"),
        pl.when(is_ratio & has_ratio).then(pl.col("numerator")).alias("numerator"),
        pl.when(is_ratio & has_ratio).then(pl.col("denominator")).alias("denominator"),
        pl.when(is_ratio).then(pl.col("n_ratio")).otherwise(pl.col("n_value")).alias("n_values"),
        pl.when(is_ratio).then(pl.col("periods_ratio")).otherwise(pl.col("periods_value")).alias("periods_with_data"),
    ]


def _month_index(day: pl.Expr) -> pl.Expr:
    return day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1


def _date_from_month_index(index: pl.Expr) -> pl.Expr:
    return pl.date(index // 12, index % 12 + 1, 1)
