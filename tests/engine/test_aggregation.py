"""Aggregation of one KPI series over a window, and targets to date."""

from datetime import date, timedelta

import pytest

from hoshin.engine.aggregation import Observation, aggregate_series, elapsed_fraction, target_to_date
from hoshin.engine.errors import ValidationError

MON, TUE, WED = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
WEEKS = [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
QUARTERS = [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]


def series(*pairs):
    return [Observation(start, value) for start, value in pairs]


# Values 5, (missing), 7 over three periods: every aggregation, both kinds.
GAP = series((MON, 5.0), (WED, 7.0))
FULL = series((MON, 5.0), (TUE, 3.0), (WED, 7.0))


@pytest.mark.parametrize(
    ("observations", "aggregation", "kind", "expected"),
    [
        (FULL, "sum", "level", 15.0),
        (FULL, "mean", "level", 5.0),
        (FULL, "last", "level", 7.0),
        (FULL, "min", "level", 3.0),
        (FULL, "max", "level", 7.0),
        (FULL, "sum", "count", 15.0),
        (FULL, "mean", "count", 5.0),
        (GAP, "sum", "level", 12.0),
        (GAP, "mean", "level", 6.0),
        (GAP, "last", "level", 7.0),
        (GAP, "min", "level", 5.0),
        (GAP, "max", "level", 7.0),
        (GAP, "sum", "count", 12.0),
        (GAP, "mean", "count", 4.0),
        (GAP, "last", "count", 7.0),
        (GAP, "min", "count", 0.0),
        (GAP, "max", "count", 7.0),
    ],
)
def test_aggregations_with_and_without_gaps(observations, aggregation, kind, expected):
    result = aggregate_series(observations, aggregation, kind, expected_periods=[MON, TUE, WED])

    assert result.value == pytest.approx(expected)


def test_count_missing_day_is_zero():
    result = aggregate_series(series((MON, 5.0), (WED, 7.0)), "mean", "count", expected_periods=[MON, TUE, WED])

    assert result.value == pytest.approx(4.0)
    assert result.periods_with_data == 2
    assert result.n_values == 2


def test_level_missing_week_is_no_data():
    result = aggregate_series(series((WEEKS[0], 40.0), (WEEKS[2], 50.0)), "mean", "level", expected_periods=WEEKS)

    assert result.value == pytest.approx(45.0)
    assert result.periods_with_data == 2


def test_count_trailing_gap_makes_last_zero():
    result = aggregate_series(series((MON, 5.0)), "last", "count", expected_periods=[MON, TUE])

    assert result.value == 0.0


def test_last_skips_quarter_without_value():
    observations = series((QUARTERS[0], 120.0), (QUARTERS[1], 180.0))

    result = aggregate_series(observations, "last", "level", expected_periods=QUARTERS)

    assert result.value == 180.0


def test_ratio_pools_numerators_and_denominators():
    observations = [
        Observation(QUARTERS[0], numerator=9, denominator=10),
        Observation(QUARTERS[1], numerator=20, denominator=100),
    ]

    result = aggregate_series(observations, "ratio")

    assert result.value == pytest.approx(29 / 110)
    assert round(result.value, 4) == 0.2636
    assert (result.numerator, result.denominator) == (29, 110)


def test_ratio_pools_segments():
    observations = [
        Observation(MON, numerator=9, denominator=10, segment="provider a"),
        Observation(MON, numerator=20, denominator=100, segment="provider b"),
    ]

    result = aggregate_series(observations, "ratio", "count", expected_periods=[MON, TUE])

    assert result.value == pytest.approx(29 / 110)
    assert result.periods_with_data == 1


def test_ratio_with_zero_denominator_has_no_value():
    result = aggregate_series([Observation(MON, numerator=0, denominator=0)], "ratio")

    assert result.value is None


def test_mean_weighs_by_underlying_values():
    weekly_means = [Observation(WEEKS[0], 10.0, n=5), Observation(WEEKS[1], 20.0, n=1)]

    result = aggregate_series(weekly_means, "mean")

    assert result.value == pytest.approx(70 / 6)
    assert result.n_values == 6


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("sum", 7.0), ("mean", 3.5), ("min", 3.0), ("max", 4.0), ("last", 3.5)],
)
def test_segments_combine_with_same_rule(aggregation, expected):
    observations = [Observation(MON, 3.0, segment="store 1"), Observation(MON, 4.0, segment="store 2")]

    result = aggregate_series(observations, aggregation)

    assert result.value == pytest.approx(expected)


def test_empty_series_has_no_value():
    for aggregation in ("sum", "mean", "last", "min", "max", "ratio"):
        assert aggregate_series([], aggregation).value is None


def test_count_without_rows_is_zero():
    result = aggregate_series([], "sum", "count", expected_periods=[MON, TUE])

    assert result.value == 0.0
    assert result.periods_with_data == 0


def test_non_finite_values_count_as_missing():
    observations = series((MON, float("nan")), (TUE, float("inf")), (WED, 4.0))

    result = aggregate_series(observations, "mean")

    assert result.value == 4.0
    assert result.periods_with_data == 1


def test_same_period_and_segment_twice_is_rejected():
    with pytest.raises(ValidationError) as error:
        aggregate_series(series((MON, 100.0), (MON, 80.0)), "sum")

    assert error.value.field == "observations"


@pytest.mark.parametrize("n", [0, -1, float("nan")])
def test_non_positive_count_is_rejected(n):
    with pytest.raises(ValidationError) as error:
        aggregate_series([Observation(MON, 1.0, n=n)], "mean")

    assert error.value.field == "n"


def test_unknown_aggregation_is_rejected():
    with pytest.raises(ValidationError) as error:
        aggregate_series([], "median")

    assert error.value.field == "aggregation"


MARCH = (date(2026, 3, 1), date(2026, 3, 31))
Q1 = (date(2026, 1, 1), date(2026, 3, 31))


@pytest.mark.parametrize(
    ("aggregation", "window", "as_of", "prorate", "expected"),
    [
        ("sum", MARCH, date(2026, 3, 10), "days", 100.0),
        ("sum", MARCH, date(2026, 3, 31), "days", 310.0),
        ("sum", MARCH, date(2026, 4, 15), "days", 310.0),
        ("sum", MARCH, date(2026, 2, 28), "days", 0.0),
        ("sum", Q1, date(2026, 2, 10), "months", 206.66666666666666),
        ("sum", Q1, date(2026, 1, 1), "months", 103.33333333333333),
        ("mean", MARCH, date(2026, 3, 10), "days", 310.0),
        ("last", MARCH, date(2026, 3, 10), "days", 310.0),
        ("min", MARCH, date(2026, 3, 10), "months", 310.0),
        ("max", MARCH, date(2026, 3, 10), "days", 310.0),
        ("ratio", MARCH, date(2026, 3, 10), "days", 310.0),
    ],
)
def test_target_to_date(aggregation, window, as_of, prorate, expected):
    assert target_to_date(310.0, aggregation, *window, as_of, prorate) == pytest.approx(expected)


def test_target_to_date_without_target():
    assert target_to_date(None, "sum", *MARCH, date(2026, 3, 10)) is None


def test_elapsed_days_reach_one_at_window_end():
    start, end = Q1
    fractions = [elapsed_fraction(start, end, start + timedelta(days=offset)) for offset in range(95)]

    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


@pytest.mark.parametrize(("arguments", "field"), [((*MARCH, date(2026, 3, 1), "weeks"), "prorate")])
def test_elapsed_fraction_rejects_unknown_prorate(arguments, field):
    with pytest.raises(ValidationError) as error:
        elapsed_fraction(*arguments)

    assert error.value.field == field
