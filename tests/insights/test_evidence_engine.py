"""Evidence for links in the engine: the statistics against reference implementations, and verdicts on known series."""

import numpy as np
import pytest
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.multitest import multipletests

from hoshin.demo import series as demo_series
from hoshin.engine.insights.evidence import (
    CONTRADICTED, INSUFFICIENT_DATA, NO_EVIDENCE, SUPPORTED, LinkSpec, benjamini_hochberg, evaluate, granger_p,
    lag_matrix, lagged_correlations, pair_evidence,
)
from hoshin.engine.insights.series import Series, align, residuals, to_grid

DAYS = np.arange(np.datetime64("2023-01-02"), np.datetime64("2025-01-01"))


def daily(values, days=DAYS):
    return Series.of("daily", days[: len(values)], values)


def linked_pair(seed, lag, sign=1, weight=0.7, size=DAYS.size):
    rng = np.random.default_rng(seed)
    cause = demo_series.ar1(rng, size + lag, 0.9)
    effect = weight * sign * cause[: size] + np.sqrt(1 - weight**2) * demo_series.ar1(rng, size, 0.9)
    return daily(cause[lag:] + 0.5 * rng.standard_normal(size)), daily(effect + 0.5 * rng.standard_normal(size))


def test_lagged_correlations_match_numpy_per_lag():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(300)
    y = np.roll(x, 5) + rng.standard_normal(300)
    x[[3, 50, 77]] = np.nan
    y[[10, 200]] = np.nan

    correlations, counts = lagged_correlations(x, y, 10)

    for lag in range(11):
        a, b = x[: 300 - lag], y[lag:]
        known = np.isfinite(a) & np.isfinite(b)
        assert correlations[lag] == pytest.approx(np.corrcoef(a[known], b[known])[0, 1], abs=1e-9)
        assert counts[lag] == known.sum()


def test_granger_p_matches_statsmodels_f_test():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(400)
    y = 0.3 * np.roll(x, 3) + rng.standard_normal(400)
    own, cause = lag_matrix(y, np.arange(1, 3)), lag_matrix(x, np.arange(2, 5))
    rows = np.isfinite(own).all(axis=1) & np.isfinite(cause).all(axis=1)
    restricted = np.column_stack([np.ones(rows.sum()), own[rows]])
    full = OLS(y[rows], np.column_stack([restricted, cause[rows]])).fit()

    _f, expected, _df = full.compare_f_test(OLS(y[rows], restricted).fit())

    assert granger_p(x, y, expected=3, max_lag=6, order=2) == pytest.approx(expected, rel=1e-9)


def test_benjamini_hochberg_matches_statsmodels():
    p_values = np.array([0.001, 0.04, 0.03, np.nan, 0.5, 0.01])
    known = np.isfinite(p_values)

    q_values = benjamini_hochberg(p_values)

    assert np.isnan(q_values[3])
    assert q_values[known] == pytest.approx(multipletests(p_values[known], method="fdr_bh")[1])


def test_residuals_remove_trend_and_weekday():
    numbers = np.arange(DAYS.size)
    values = 0.05 * numbers + np.array([3, 0, 0, 0, 0, -2, -4])[numbers % 7]

    left = residuals(to_grid(daily(values)))

    assert np.abs(left).max() < 1e-6


def test_align_puts_daily_on_weekly_grid():
    weekly_starts = DAYS[::7]
    weekly = Series.of("weekly", weekly_starts, np.arange(weekly_starts.size, dtype=float))

    cause, effect = align(daily(np.ones(DAYS.size)), weekly)

    assert cause.frequency == "weekly"
    assert cause.values.size == effect.values.size == weekly_starts.size


@pytest.mark.parametrize("lag", [0, 14, 60])
def test_real_link_found_at_its_lag(lag):
    cause, effect = linked_pair(seed=lag, lag=lag)

    result = pair_evidence(cause, effect, lag)

    assert result.best_lag == lag
    assert result.p_value < 1e-6
    assert result.sign == 1


def test_verdicts_for_supported_contradicted_and_unrelated():
    cause, effect = linked_pair(seed=3, lag=30)
    rng = np.random.default_rng(4)
    unrelated = daily(demo_series.ar1(rng, DAYS.size, 0.95) + rng.standard_normal(DAYS.size))
    series = {"cause": cause, "effect": effect, "other": unrelated}
    links = [LinkSpec("right", "cause", "effect", 1, 30), LinkSpec("wrong-sign", "cause", "effect", -1, 30),
             LinkSpec("unrelated", "other", "effect", 1, 30)]

    verdicts = evaluate(links, series)

    assert [verdict.verdict for verdict in verdicts] == [SUPPORTED, CONTRADICTED, NO_EVIDENCE]
    assert verdicts[0].q_value <= 0.05


def test_short_history_needs_more_periods():
    cause, effect = linked_pair(seed=5, lag=0, size=100)

    verdict = evaluate([LinkSpec("short", "a", "b", 1, 30)], {"a": cause, "b": effect})[0]

    assert verdict.verdict == INSUFFICIENT_DATA
    assert verdict.to_json()["periods_still_needed"] == 120 + 60 - 100
    assert verdict.to_json()["p_value"] is None


def test_unrelated_persistent_series_are_rarely_supported():
    rng = np.random.default_rng(6)
    series = {f"k{n}": daily(demo_series.ar1(rng, DAYS.size, 0.97) + 0.3 * rng.standard_normal(DAYS.size))
              for n in range(40)}
    links = [LinkSpec(str(n), f"k{n}", f"k{(n + 1) % 40}", 1, 30) for n in range(40)]

    verdicts = evaluate(links, series)

    assert sum(verdict.verdict == SUPPORTED for verdict in verdicts) <= 2


def test_lag_matrix_of_empty_series():
    from hoshin.engine.insights.evidence import ar_coefficients, lag_matrix

    assert lag_matrix(np.array([]), np.arange(1, 4)).shape == (0, 3)
    assert ar_coefficients(np.array([]), 3).size == 0
