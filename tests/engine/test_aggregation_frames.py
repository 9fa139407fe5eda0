"""Vectorised aggregation over many KPIs and windows at once."""

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoshin.engine.aggregation import Observation, aggregate_series
from hoshin.engine.aggregation_frames import aggregate_periods, aggregate_windows, period_start_expr
from hoshin.engine.errors import ValidationError
from hoshin.engine.periods import period_of, period_starts_in

DEFINITION_SCHEMA = {"kpi_id": pl.Utf8, "aggregation": pl.Utf8, "kind": pl.Utf8, "frequency": pl.Utf8}
WINDOW_SCHEMA = {"kpi_id": pl.Utf8, "window_start": pl.Date, "window_end": pl.Date}


def definitions(*rows):
    return pl.DataFrame(list(rows), schema=DEFINITION_SCHEMA, orient="row")


def windows(*rows):
    return pl.DataFrame(list(rows), schema=WINDOW_SCHEMA, orient="row")


def measurements(rows, **extra):
    frame = {"kpi_id": [row[0] for row in rows], "day": [row[1] for row in rows], "value": [row[2] for row in rows]}
    frame.update(extra)
    return pl.DataFrame(frame, schema_overrides={"kpi_id": pl.Utf8, "day": pl.Date, "value": pl.Float64})


def test_cases_from_many_kpis_in_one_pass():
    data = pl.DataFrame(
        {
            "kpi_id": ["incidents", "incidents", "nps", "nps", "stock", "stock", "churn", "churn"],
            "day": [
                date(2026, 3, 2), date(2026, 3, 4),
                date(2026, 3, 2), date(2026, 3, 18),
                date(2026, 2, 15), date(2026, 5, 20),
                date(2026, 1, 5), date(2026, 4, 5),
            ],
            "value": [5.0, 7.0, 40.0, 50.0, 120.0, 180.0, None, None],
            "numerator": [None] * 6 + [9.0, 20.0],
            "denominator": [None] * 6 + [10.0, 100.0],
        }
    )
    kpis = definitions(
        ("incidents", "mean", "count", "daily"),
        ("nps", "mean", "level", "weekly"),
        ("stock", "last", "level", "quarterly"),
        ("churn", "ratio", "level", "quarterly"),
    )
    spans = windows(
        ("incidents", date(2026, 3, 2), date(2026, 3, 4)),
        ("nps", date(2026, 3, 2), date(2026, 3, 22)),
        ("stock", date(2026, 1, 1), date(2026, 12, 31)),
        ("churn", date(2026, 1, 1), date(2026, 12, 31)),
    )

    result = aggregate_windows(data, kpis, spans)

    assert result["kpi_id"].to_list() == ["incidents", "nps", "stock", "churn"]
    assert result["value"].to_list() == pytest.approx([4.0, 45.0, 180.0, 29 / 110])
    assert result["periods_with_data"].to_list() == [2, 2, 2, 2]
    assert result["periods_expected"].to_list() == [3, 3, 4, 4]
    assert result["numerator"].to_list() == [None, None, None, 29.0]
    assert result["denominator"].to_list() == [None, None, None, 110.0]


def test_revision_replaces_earlier_value():
    data = measurements(
        [("sales", date(2030, 3, 15), 100.0), ("sales", date(2030, 3, 15), 80.0)], revision=[1, 2]
    )
    kpis = definitions(("sales", "sum", "level", "daily"))

    result = aggregate_windows(data, kpis, windows(("sales", date(2030, 3, 1), date(2030, 3, 31))))

    assert result["value"].to_list() == [80.0]
    assert result["n_values"].to_list() == [1.0]


def test_same_revision_twice_is_rejected():
    data = measurements([("sales", date(2030, 3, 15), 100.0), ("sales", date(2030, 3, 15), 80.0)])
    kpis = definitions(("sales", "sum", "level", "daily"))

    with pytest.raises(ValidationError) as error:
        aggregate_windows(data, kpis, windows(("sales", date(2030, 3, 1), date(2030, 3, 31))))

    assert error.value.field == "measurements"
    assert "sales" in str(error.value)


def test_segments_are_separate_values():
    data = measurements(
        [("sales", date(2030, 3, 15), 100.0), ("sales", date(2030, 3, 15), 80.0)], segment=["north", "south"]
    )
    kpis = definitions(("sales", "sum", "level", "daily"))

    result = aggregate_windows(data, kpis, windows(("sales", date(2030, 3, 1), date(2030, 3, 31))))

    assert result["value"].to_list() == [180.0]
    assert result["periods_with_data"].to_list() == [1]


def test_mean_of_weekly_means_weighs_by_count():
    data = measurements([("wait", date(2026, 3, 2), 10.0), ("wait", date(2026, 3, 9), 20.0)], n=[5, 1])
    kpis = definitions(("wait", "mean", "level", "weekly"))

    result = aggregate_windows(data, kpis, windows(("wait", date(2026, 3, 1), date(2026, 3, 31))))

    assert result["value"].to_list() == pytest.approx([70 / 6])
    assert result["n_values"].to_list() == [6.0]


def test_window_aggregation_overrides_kpi():
    data = measurements([("sales", date(2026, 1, 5), 10.0), ("sales", date(2026, 2, 5), 30.0)])
    kpis = definitions(("sales", "sum", "level", "monthly"))
    spans = pl.DataFrame(
        {
            "kpi_id": ["sales", "sales"],
            "window_start": [date(2026, 1, 1)] * 2,
            "window_end": [date(2026, 3, 31)] * 2,
            "aggregation": [None, "max"],
            "purpose": ["total", "best month"],
        }
    )

    result = aggregate_windows(data, kpis, spans)

    assert result["value"].to_list() == [40.0, 30.0]
    assert result["purpose"].to_list() == ["total", "best month"]
    assert result["aggregation"].to_list() == [None, "max"]


def test_window_without_rows():
    data = measurements([])
    kpis = definitions(("visits", "sum", "count", "daily"), ("nps", "mean", "level", "weekly"))
    spans = windows(("visits", date(2026, 3, 1), date(2026, 3, 3)), ("nps", date(2026, 3, 1), date(2026, 3, 31)))

    result = aggregate_windows(data, kpis, spans)

    assert result["value"].to_list() == [0.0, None]
    assert result["periods_with_data"].to_list() == [0, 0]
    assert result["n_values"].to_list() == [0.0, 0.0]


def test_window_for_unknown_kpi_is_rejected():
    with pytest.raises(ValidationError) as error:
        aggregate_windows(measurements([]), definitions(), windows(("ghost", date(2026, 1, 1), date(2026, 1, 31))))

    assert error.value.field == "kpi_id"


@pytest.mark.parametrize(
    ("column", "value"), [("aggregation", "median"), ("kind", "stock"), ("frequency", "custom")]
)
def test_invalid_definition_is_rejected(column, value):
    row = {"kpi_id": "sales", "aggregation": "sum", "kind": "level", "frequency": "daily", column: value}

    with pytest.raises(ValidationError) as error:
        aggregate_windows(measurements([]), pl.DataFrame([row]), windows(("sales", date(2026, 1, 1), date(2026, 1, 2))))

    assert error.value.field == column


def test_aggregate_periods_lists_periods_with_data():
    data = measurements(
        [("nps", date(2026, 3, 3), 40.0), ("nps", date(2026, 3, 4), None), ("nps", date(2026, 3, 18), 50.0)],
        segment=["a", "b", "a"],
    )
    kpis = definitions(("nps", "mean", "level", "weekly"))

    result = aggregate_periods(data, kpis)

    assert result["period_start"].to_list() == [date(2026, 3, 2), date(2026, 3, 16)]
    assert result["value"].to_list() == [40.0, 50.0]


@pytest.mark.parametrize("fiscal_start_month", range(1, 13))
@pytest.mark.parametrize("week_start", [0, 6])
def test_period_start_matches_period_of(fiscal_start_month, week_start):
    days = [date(2025, 1, 1) + timedelta(days=offset) for offset in range(0, 800, 3)]
    frequencies = ["daily", "weekly", "monthly", "quarterly", "yearly"]
    frame = pl.DataFrame({"day": days * 5, "frequency": [name for name in frequencies for _ in days]})

    starts = frame.select(
        period_start_expr(pl.col("day"), pl.col("frequency"), fiscal_start_month, week_start)
    ).to_series()

    expected = [period_of(day, name, fiscal_start_month, week_start).start for name in frequencies for day in days]
    assert starts.to_list() == expected


@pytest.mark.parametrize("fiscal_start_month", [1, 4, 7, 11])
@pytest.mark.parametrize("frequency", ["daily", "weekly", "monthly", "quarterly", "yearly"])
def test_periods_expected_matches_period_starts(frequency, fiscal_start_month):
    bounds = [
        (date(2025, 1, 1), date(2026, 12, 31)),
        (date(2025, 2, 14), date(2025, 2, 14)),
        (date(2025, 3, 2), date(2025, 11, 17)),
    ]
    kpis = definitions(("k", "sum", "count", frequency))
    spans = windows(*(("k", start, end) for start, end in bounds))

    result = aggregate_windows(measurements([]), kpis, spans, fiscal_start_month=fiscal_start_month)

    expected = [len(period_starts_in(start, end, frequency, fiscal_start_month)) for start, end in bounds]
    assert result["periods_expected"].to_list() == expected
    assert result["value"].to_list() == [0.0 if count else None for count in expected]


MEASUREMENT_SCHEMA = {
    "kpi_id": pl.Utf8,
    "day": pl.Date,
    "segment": pl.Utf8,
    "value": pl.Float64,
    "n": pl.Int64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
}
values = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40),
        st.sampled_from([None, "a", "b"]),
        values,
        st.integers(min_value=1, max_value=5),
        st.one_of(st.none(), st.floats(min_value=0, max_value=1e4)),
    ),
    max_size=25,
    unique_by=lambda row: (row[0], row[1]),
)


@settings(max_examples=60, deadline=None)
@given(
    rows=rows,
    aggregation=st.sampled_from(["sum", "mean", "last", "min", "max", "ratio"]),
    kind=st.sampled_from(["count", "level"]),
    frequency=st.sampled_from(["daily", "weekly"]),
    window=st.tuples(st.integers(0, 40), st.integers(0, 40)),
)
def test_frames_agree_with_series(rows, aggregation, kind, frequency, window):
    origin = date(2026, 3, 2)
    window_start, window_end = (origin + timedelta(days=offset) for offset in sorted(window))
    step = 1 if frequency == "daily" else 7
    rows = [(origin + timedelta(days=offset * step), *rest) for offset, *rest in rows]
    frame = pl.DataFrame(
        [
            ("k", day, segment, value, count, denominator and value, denominator)
            for day, segment, value, count, denominator in rows
        ],
        schema=MEASUREMENT_SCHEMA,
        orient="row",
    )
    kpis = definitions(("k", aggregation, kind, frequency))

    vectorised = aggregate_windows(frame, kpis, windows(("k", window_start, window_end)))

    observations = [
        Observation(day, value, count, denominator and value, denominator, segment)
        for day, segment, value, count, denominator in rows
        if window_start <= day <= window_end
    ]
    expected = aggregate_series(
        observations, aggregation, kind, expected_periods=period_starts_in(window_start, window_end, frequency)
    )
    value = vectorised["value"][0]
    if expected.value is None:
        assert value is None
    else:
        assert value == pytest.approx(expected.value, rel=1e-9, abs=1e-6)
    assert vectorised["periods_with_data"][0] == expected.periods_with_data
    assert vectorised["n_values"][0] == expected.n_values
