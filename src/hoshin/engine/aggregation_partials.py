"""Window aggregates from partial sums, which a database can compute without sending the rows.

`aggregation_frames.aggregate_windows` combines the rows of each period
first and then the periods of each window. Every rule it applies can also
be computed from a few sums per window, which a database returns with one
grouped statement. `aggregate_partials` applies the rules to those sums and
returns the same values as `aggregate_windows`, and `window_partials`
computes the sums from a measurements frame with polars.

Partials have one row per window with rows. A window without rows may be
missing. Columns:

- ``window``: the window's 0-based row index in the windows frame;
- ``value_sum``, ``weighted_sum`` (Σ value·n), ``n_value`` (Σ n),
  ``minimum``, ``maximum`` and ``periods_value`` (distinct period starts)
  over the rows with a value;
- ``numerator``, ``denominator``, ``n_ratio`` (Σ n) and ``periods_ratio``
  over the rows with both a numerator and a denominator;
- ``last_period``: the latest period start with a value, and
  ``last_weighted_sum`` and ``last_n``: Σ value·n and Σ n over the rows of
  that period with a value. These two are needed only for windows that
  aggregate with ``last``, and may be null elsewhere.

Only finite numbers count as values. Rows are one per KPI, period start
and segment, with the latest revision, and each row's date is the start of
its KPI's period.

The partials are per window, not per segment: the number of periods with
data is a count of distinct period starts over all segments, which
per-segment counts cannot give.
"""

from __future__ import annotations

import polars as pl

from .aggregation import Aggregation, Kind
from .aggregation_frames import (
    _date_from_month_index,
    _resolve_windows,
    _value_columns,
    _window_spans,
    latest_revisions,
)

PARTIAL_SCHEMA = {
    "window": pl.UInt32,
    "value_sum": pl.Float64,
    "weighted_sum": pl.Float64,
    "n_value": pl.Float64,
    "minimum": pl.Float64,
    "maximum": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "n_ratio": pl.Float64,
    "periods_value": pl.Int64,
    "periods_ratio": pl.Int64,
    "last_period": pl.Date,
    "last_weighted_sum": pl.Float64,
    "last_n": pl.Float64,
}
_SUMS = ["value_sum", "weighted_sum", "n_value", "numerator", "denominator", "n_ratio"]


def aggregate_partials(
    partials: pl.DataFrame,
    definitions: pl.DataFrame,
    windows: pl.DataFrame,
    *,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> pl.DataFrame:
    """Aggregate every window from its partials, with the result of `aggregate_windows`.

    `definitions` and `windows` are those of `aggregate_windows`. Returns
    the rows of `windows` in their order, with ``value``, ``numerator``,
    ``denominator``, ``n_values``, ``periods_with_data`` and
    ``periods_expected``.
    """
    spans = _window_spans(_resolve_windows(windows, definitions), fiscal_start_month, week_start)
    sums = partials.select(
        pl.col("window").cast(pl.UInt32).alias("_window"),
        *(pl.col(name).cast(dtype) for name, dtype in PARTIAL_SCHEMA.items() if name != "window"),
    )
    joined = spans.lazy().join(sums.lazy(), on="_window", how="left").with_columns(
        *(pl.col(name).fill_null(0.0) for name in _SUMS),
        pl.col("periods_value", "periods_ratio").fill_null(0),
    )
    result = joined.with_columns(_filled_count_periods()).with_columns(_window_stats()).with_columns(_value_columns())
    result = result.select(
        "_window",
        "value",
        "numerator",
        "denominator",
        "n_values",
        pl.col("periods_with_data").cast(pl.Int64),
        "periods_expected",
    )
    original = windows.lazy().drop(*result.collect_schema().names(), strict=False).with_row_index("_window")
    return original.join(result, on="_window", how="left").sort("_window").drop("_window").collect()


def window_partials(
    measurements: pl.DataFrame,
    definitions: pl.DataFrame,
    windows: pl.DataFrame,
    *,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> pl.DataFrame:
    """Compute the partials of every window from a measurements frame.

    The frames are those of `aggregate_windows`, whose docstring also
    describes how revisions, duplicates and non-finite numbers are handled.
    """
    rows = latest_revisions(measurements, definitions, fiscal_start_month=fiscal_start_month, week_start=week_start)
    return partials_from_rows(rows, windows)


def partials_from_rows(rows: pl.DataFrame, windows: pl.DataFrame) -> pl.DataFrame:
    """Compute the partials of every window from rows as `aggregation_frames.latest_revisions` returns them."""
    rows = rows.select("kpi_id", "period_start", "value", "numerator", "denominator", "n")
    bounds = windows.select(
        "kpi_id", pl.col("window_start", "window_end").cast(pl.Date)
    ).with_row_index("window")
    in_window = (
        bounds.lazy()
        .join(rows.lazy(), on="kpi_id", how="inner")
        .filter(pl.col("period_start").is_between(pl.col("window_start"), pl.col("window_end")))
    )

    has_value = pl.col("value").is_not_null()
    has_ratio = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    last_period = pl.col("period_start").filter(has_value).max()
    at_last = has_value & (pl.col("period_start") == last_period)
    partials = in_window.group_by("window").agg(
        pl.col("value").sum().alias("value_sum"),
        (pl.col("value") * pl.col("n")).sum().alias("weighted_sum"),
        pl.col("n").filter(has_value).sum().alias("n_value"),
        pl.col("value").min().alias("minimum"),
        pl.col("value").max().alias("maximum"),
        pl.col("numerator").filter(has_ratio).sum(),
        pl.col("denominator").filter(has_ratio).sum(),
        pl.col("n").filter(has_ratio).sum().alias("n_ratio"),
        pl.col("period_start").filter(has_value).n_unique().alias("periods_value"),
        pl.col("period_start").filter(has_ratio).n_unique().alias("periods_ratio"),
        last_period.alias("last_period"),
        (pl.col("value") * pl.col("n")).filter(at_last).sum().alias("last_weighted_sum"),
        pl.col("n").filter(at_last).sum().alias("last_n"),
    )
    return partials.select(pl.col(name).cast(dtype) for name, dtype in PARTIAL_SCHEMA.items()).sort("window").collect()


def _filled_count_periods() -> pl.Expr:
    """Return how many periods of the window a ``count`` KPI fills with zero: those without a value."""
    missing = (pl.col("periods_expected") - pl.col("periods_value")).clip(lower_bound=0)
    return pl.when(pl.col("kind") == Kind.COUNT.value).then(missing).otherwise(0).alias("_filled")


def _window_stats() -> list[pl.Expr]:
    """Return the window columns that `_value_columns` reads, with the zero periods of a ``count`` KPI added."""
    filled = pl.col("_filled") > 0
    last_start = pl.col("_first") + (pl.col("periods_expected") - 1) * pl.col("_step")
    last_expected = pl.when(pl.col("_by_month")).then(_date_from_month_index(last_start)).otherwise(
        last_start.cast(pl.Date)
    )
    # A zero period after the last period with a value is the window's last period.
    last_is_zero = filled & (pl.col("last_period").is_null() | (pl.col("last_period") < last_expected))
    last_mean = pl.when(pl.col("last_n") > 0).then(pl.col("last_weighted_sum") / pl.col("last_n"))
    return [
        (pl.col("n_value") + pl.col("_filled")).alias("n_mean"),
        pl.when(filled).then(pl.min_horizontal("minimum", pl.lit(0.0))).otherwise(pl.col("minimum")).alias("minimum"),
        pl.when(filled).then(pl.max_horizontal("maximum", pl.lit(0.0))).otherwise(pl.col("maximum")).alias("maximum"),
        pl.when(pl.col("aggregation") != Aggregation.LAST.value)
        .then(None)
        .when(last_is_zero)
        .then(0.0)
        .otherwise(last_mean)
        .alias("last"),
    ]
