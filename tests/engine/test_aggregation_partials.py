"""Window values from partial sums agree with the vectorised aggregation of the raw rows."""

import math
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoshin.engine.aggregation_frames import aggregate_windows
from hoshin.engine.aggregation_partials import PARTIAL_SCHEMA, aggregate_partials, window_partials

AGGREGATIONS = ["sum", "mean", "last", "min", "max", "ratio"]
FREQUENCIES = ["daily", "weekly", "monthly", "quarterly", "yearly"]
ORIGIN = date(2025, 1, 1)
MEASUREMENT_SCHEMA = {
    "kpi_id": pl.Utf8,
    "day": pl.Date,
    "segment": pl.Utf8,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "n": pl.Int64,
    "revision": pl.Int64,
}
DEFINITION_SCHEMA = {"kpi_id": pl.Utf8, "aggregation": pl.Utf8, "kind": pl.Utf8, "frequency": pl.Utf8}
WINDOW_SCHEMA = {"kpi_id": pl.Utf8, "window_start": pl.Date, "window_end": pl.Date, "aggregation": pl.Utf8}

numbers = st.one_of(
    st.none(),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0]),
)
definition = st.tuples(st.sampled_from(AGGREGATIONS), st.sampled_from(["count", "level"]), st.sampled_from(FREQUENCIES))
row = st.tuples(
    st.integers(0, 3),  # KPI
    st.integers(0, 700),  # day offset
    st.sampled_from([None, "north", "south"]),
    numbers,  # value
    numbers,  # numerator
    st.one_of(st.none(), st.floats(min_value=0, max_value=1e4)),  # denominator
    st.integers(1, 5),  # n
)
window = st.tuples(
    st.integers(0, 3),
    st.integers(-30, 730),
    st.integers(0, 400),
    st.one_of(st.none(), st.sampled_from(AGGREGATIONS)),
)


def frames(definitions, rows, spans):
    kpis = pl.DataFrame(
        [(f"k{index}", *spec) for index, spec in enumerate(definitions)], schema=DEFINITION_SCHEMA, orient="row"
    )
    # Distinct revisions let rows that fall in the same period and segment replace each other.
    measurements = pl.DataFrame(
        [
            (f"k{kpi % len(definitions)}", ORIGIN + timedelta(days=offset), segment, value, numerator, denominator, n,
             revision)
            for revision, (kpi, offset, segment, value, numerator, denominator, n) in enumerate(rows)
        ],
        schema=MEASUREMENT_SCHEMA,
        orient="row",
    )
    windows = pl.DataFrame(
        [
            (f"k{kpi % len(definitions)}", ORIGIN + timedelta(days=start), ORIGIN + timedelta(days=start + length),
             aggregation)
            for kpi, start, length, aggregation in spans
        ],
        schema=WINDOW_SCHEMA,
        orient="row",
    )
    return measurements, kpis, windows


def assert_same_windows(expected: pl.DataFrame, actual: pl.DataFrame) -> None:
    assert actual.columns == expected.columns
    assert actual["periods_with_data"].to_list() == expected["periods_with_data"].to_list()
    assert actual["periods_expected"].to_list() == expected["periods_expected"].to_list()
    assert actual["n_values"].to_list() == pytest.approx(expected["n_values"].to_list())
    for column in ("value", "numerator", "denominator"):
        for index, (want, got) in enumerate(zip(expected[column], actual[column], strict=True)):
            if want is None:
                assert got is None, (column, index)
            else:
                assert got == pytest.approx(want, rel=1e-9, abs=1e-6), (column, index)


@settings(max_examples=300, deadline=None)
@given(
    definitions=st.lists(definition, min_size=1, max_size=4),
    rows=st.lists(row, max_size=60),
    spans=st.lists(window, min_size=1, max_size=8),
    fiscal_start_month=st.integers(1, 12),
    week_start=st.integers(0, 6),
)
def test_partials_agree_with_aggregate_windows(definitions, rows, spans, fiscal_start_month, week_start):
    measurements, kpis, windows = frames(definitions, rows, spans)
    calendar = {"fiscal_start_month": fiscal_start_month, "week_start": week_start}

    expected = aggregate_windows(measurements, kpis, windows, **calendar)
    partials = window_partials(measurements, kpis, windows, **calendar)
    actual = aggregate_partials(partials, kpis, windows, **calendar)

    assert_same_windows(expected, actual)


def test_windows_without_partials_are_empty():
    kpis = pl.DataFrame(
        [("visits", "sum", "count", "daily"), ("nps", "mean", "level", "weekly")], schema=DEFINITION_SCHEMA, orient="row"
    )
    windows = pl.DataFrame(
        [("visits", date(2026, 3, 1), date(2026, 3, 3), None), ("nps", date(2026, 3, 1), date(2026, 3, 31), None)],
        schema=WINDOW_SCHEMA,
        orient="row",
    )

    result = aggregate_partials(pl.DataFrame(schema=PARTIAL_SCHEMA), kpis, windows)

    assert result["value"].to_list() == [0.0, None]
    assert result["n_values"].to_list() == [0.0, 0.0]
    assert result["periods_with_data"].to_list() == [0, 0]
    assert result["periods_expected"].to_list() == [3, 5]


def test_last_of_count_kpi_is_zero_after_gap():
    kpis = pl.DataFrame([("calls", "last", "count", "daily")], schema=DEFINITION_SCHEMA, orient="row")
    windows = pl.DataFrame([("calls", date(2026, 3, 1), date(2026, 3, 3), None)], schema=WINDOW_SCHEMA, orient="row")
    partials = pl.DataFrame(
        [{"window": 0, "value_sum": 7.0, "weighted_sum": 7.0, "n_value": 1.0, "minimum": 7.0, "maximum": 7.0,
          "numerator": 0.0, "denominator": 0.0, "n_ratio": 0.0, "periods_value": 1, "periods_ratio": 0,
          "last_period": date(2026, 3, 2), "last_weighted_sum": 7.0, "last_n": 1.0}],
        schema=PARTIAL_SCHEMA,
    )

    result = aggregate_partials(partials, kpis, windows)

    assert result["value"].to_list() == [0.0]
    assert result["periods_with_data"].to_list() == [1]
