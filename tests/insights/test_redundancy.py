"""Redundant KPIs by definition and by detrended series."""

import numpy as np

from hoshin.engine.insights.redundancy import Definition, correlated_series, similar_definitions
from hoshin.engine.insights.series import Series

DAYS = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-06-01"))


def daily(values):
    return Series.of("daily", DAYS[: len(values)], values)


def test_similar_names_with_same_unit_are_duplicates():
    definitions = [
        Definition("energy", "Daily energy consumption", "MWh", "daily", "lower_is_better"),
        Definition("meter", "Daily energy consumption (utility meter)", "MWh", "daily", "lower_is_better"),
        Definition("co2", "CO2 per ton of steel", "t", "monthly", "lower_is_better"),
    ]

    pairs = similar_definitions(definitions)

    assert [(pair.first, pair.second) for pair in pairs] == [("energy", "meter")]


def test_similar_names_with_other_unit_are_not_duplicates():
    definitions = [
        Definition("energy", "Daily energy consumption", "MWh", "daily", "lower_is_better"),
        Definition("cost", "Daily energy consumption", "USD", "daily", "lower_is_better"),
    ]

    assert similar_definitions(definitions) == []


def test_series_that_move_together_after_trend_are_duplicates():
    rng = np.random.default_rng(1)
    base = rng.standard_normal(DAYS.size).cumsum()
    copy = base * 1.01 + 0.01 * rng.standard_normal(DAYS.size)

    pairs = correlated_series({"a": daily(base), "b": daily(copy), "c": daily(rng.standard_normal(DAYS.size))})

    assert [(pair.first, pair.second) for pair in pairs] == [("a", "b")]
    assert pairs[0].correlation > 0.95
    assert pairs[0].shared_periods == DAYS.size


def test_shared_trend_alone_is_no_duplicate():
    rng = np.random.default_rng(2)
    trend = np.linspace(0, 100, DAYS.size)

    pairs = correlated_series({"a": daily(trend + rng.standard_normal(DAYS.size)),
                               "b": daily(trend + rng.standard_normal(DAYS.size))})

    assert pairs == []


def test_too_few_shared_periods_is_no_duplicate():
    rng = np.random.default_rng(3)
    base = rng.standard_normal(50)

    assert correlated_series({"a": daily(base), "b": daily(base * 2)}) == []
