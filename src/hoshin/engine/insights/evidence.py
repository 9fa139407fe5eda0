"""Evidence for a link between two KPIs: does the effect move after the cause, with the expected sign?

For one pair of series (`pair_evidence`):

1. Both go on the grid of the coarser frequency and lose their trend and
   seasonality (`series.residuals`), each over its whole history, then
   are cut to the periods both span.
2. The cause's residuals are prewhitened: an autoregressive model, of the
   order that minimises AIC, is fitted to them and its filter is applied
   to both series. A persistent series then no longer correlates with an
   unrelated persistent series by chance, so the cross-correlations below
   have their textbook spread of about 1/sqrt(n) when there is no link.
3. Cross-correlations at lags 0 … 2 × the expected lag (at least
   `MIN_MAX_LAG` periods), all lags in one array operation. The best lag
   (largest absolute correlation) gets a p-value from Student's t, with
   the degrees of freedom that trend, seasonality and the filter used up
   taken off, and the Šidák correction for the number of lags tried.
   Its sign is read from the residuals before prewhitening: the filter
   can move part of a smooth effect onto a neighbouring lag with the
   other sign, which says nothing about the link's direction.
4. A Granger-style F-test: does adding the cause at the expected lag
   (and one period either side, or every lag tried when none is
   expected) to an autoregression of the effect reduce its residuals? It gives the p-value of statsmodels'
   `OLS.compare_f_test` on the same two regressions.

The link's p-value is the larger of the two, so both tests must agree.
`decide` then applies Benjamini–Hochberg across every link of an
organization and gives each a verdict: `supported` (significant with the
expected sign), `contradicted` (significant with the opposite sign),
`no_evidence`, or `insufficient_data` with the number of periods still
needed. A verdict says whether the data supports the link, never that one
objective causes another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

from .series import PERIOD_DAYS, Grid, Series, coarser, design, residuals, to_grid

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
NO_EVIDENCE = "no_evidence"
INSUFFICIENT_DATA = "insufficient_data"
VERDICTS = (SUPPORTED, CONTRADICTED, NO_EVIDENCE, INSUFFICIENT_DATA)

ALPHA = 0.05
# Smallest range of lags tried, in periods, for links expected to act at once.
MIN_MAX_LAG = {"daily": 7, "weekly": 2, "monthly": 1, "quarterly": 1, "yearly": 0}
# Periods needed beyond the longest lag tried: enough to estimate trend,
# seasonality, the autoregression and the correlations.
MIN_PERIODS = {"daily": 120, "weekly": 40, "monthly": 18, "quarterly": 12, "yearly": 8}
# Highest autoregressive order tried when prewhitening.
MAX_AR_ORDER = {"daily": 7, "weekly": 3, "monthly": 1, "quarterly": 1, "yearly": 1}


@dataclass(frozen=True)
class PairResult:
    """The tests of one link before the correction across the organization.

    `correlation` is the correlation of the two series' residuals (trend
    and seasonality removed) at `best_lag` periods, the lag where the
    prewhitened series correlate most; `p_value` is the larger of
    `p_correlation` and `p_granger`.
    """

    frequency: str
    periods_used: int
    periods_needed: int
    max_lag: int
    best_lag: int | None = None
    best_lag_days: int | None = None
    correlation: float | None = None
    p_correlation: float | None = None
    p_granger: float | None = None
    p_value: float | None = None
    sign: int | None = None

    @property
    def tested(self) -> bool:
        return self.p_value is not None


@dataclass(frozen=True)
class Verdict:
    """A link's verdict after Benjamini–Hochberg (`q_value`) across the organization."""

    verdict: str
    expected_sign: int
    result: PairResult
    q_value: float | None = None

    def to_json(self) -> dict:
        result = self.result
        return {
            "verdict": self.verdict,
            "expected_sign": self.expected_sign,
            "frequency": result.frequency,
            "best_lag_days": result.best_lag_days,
            "correlation": _number(result.correlation),
            "p_correlation": _number(result.p_correlation),
            "p_granger": _number(result.p_granger),
            "p_value": _number(result.p_value),
            "q_value": _number(self.q_value),
            "periods_used": result.periods_used,
            "periods_still_needed": max(0, result.periods_needed - result.periods_used),
        }


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def lag_range(frequency: str, lag_days: int) -> tuple[int, int]:
    """Return the expected lag and the longest lag tried, both in periods of `frequency`."""
    expected = int(round(max(lag_days, 0) / PERIOD_DAYS[frequency]))
    return expected, max(2 * expected, MIN_MAX_LAG[frequency])


@dataclass(frozen=True)
class Prepared:
    """A KPI's residuals on one grid, with its autoregression: computed once, shared by all its links."""

    grid: Grid
    ar: np.ndarray
    fitted: int


def prepare(series: Series, frequency: str, week_start: int = 0, fiscal_start_month: int = 1) -> Prepared:
    """Put `series` on the grid of `frequency`, remove trend and seasonality, and fit its autoregression.

    `fitted` counts the parameters used up (trend, seasonality, filter).
    """
    grid = to_grid(series, frequency, week_start, fiscal_start_month)
    values = residuals(grid, week_start)
    ar = ar_coefficients(values, MAX_AR_ORDER[frequency])
    return Prepared(Grid(frequency, grid.first, values), ar, design(grid, week_start).shape[1] + ar.size)


def pair_evidence(cause: Series, effect: Series, lag_days: int, week_start: int = 0,
              fiscal_start_month: int = 1) -> PairResult:
    """Run both tests on one link; too little overlapping history gives an untested result."""
    frequency = coarser(cause.frequency, effect.frequency)
    calendar = (week_start, fiscal_start_month)
    return prepared_evidence(prepare(cause, frequency, *calendar), prepare(effect, frequency, *calendar), lag_days)


def prepared_evidence(cause: Prepared, effect: Prepared, lag_days: int) -> PairResult:
    """`pair_evidence` on prepared series of the same frequency."""
    frequency = cause.grid.frequency
    x, y = overlap(cause.grid, effect.grid)
    expected, max_lag = lag_range(frequency, lag_days)
    used = int((np.isfinite(x) & np.isfinite(y)).sum())
    base = PairResult(frequency, used, MIN_PERIODS[frequency] + max_lag, max_lag)
    if used < base.periods_needed:
        return base

    correlations, counts = lagged_correlations(ar_filter(x, cause.ar), ar_filter(y, cause.ar), max_lag)
    if not np.isfinite(correlations).any():
        return base
    best = int(np.nanargmax(np.abs(correlations)))
    p_lag = correlation_p(float(correlations[best]), int(counts[best]) - cause.fitted)
    tried = int(np.isfinite(correlations).sum())
    p_correlation = float(-np.expm1(tried * np.log1p(-min(p_lag, 1 - 1e-16))))
    r = residual_correlation(x, y, best)
    p_granger = granger_p(x, y, expected, max_lag, max(1, effect.ar.size))
    return replace(
        base,
        best_lag=best,
        best_lag_days=int(round(best * PERIOD_DAYS[frequency])),
        correlation=r,
        p_correlation=p_correlation,
        p_granger=p_granger,
        p_value=max(p_correlation, p_granger),
        sign=1 if r > 0 else -1,
    )


def overlap(a: Grid, b: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Return the values of two grids of one frequency over the periods both span."""
    first = max(a.first, b.first)
    stop = min(a.first + a.values.size, b.first + b.values.size)
    if stop <= first:
        return np.empty(0), np.empty(0)
    return a.values[first - a.first : stop - a.first], b.values[first - b.first : stop - b.first]


def residual_correlation(x: np.ndarray, y: np.ndarray, lag: int) -> float:
    """Return corr(x[t − lag], y[t]) over the pairs where both are known."""
    a, b = x[: x.size - lag], y[lag:]
    known = np.isfinite(a) & np.isfinite(b)
    if known.sum() < 3:
        return 0.0
    a, b = a[known] - a[known].mean(), b[known] - b[known].mean()
    denominator = math.sqrt(float(a @ a) * float(b @ b))
    return float(a @ b) / denominator if denominator > 0 else 0.0


def lagged_correlations(x: np.ndarray, y: np.ndarray, max_lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Return corr(x[t − k], y[t]) and the number of pairs used, for every k in 0..max_lag at once.

    Pairs with a NaN on either side are left out of that lag only. Each sum
    a correlation needs (count, sums, squares, cross products) is a
    cross-correlation of masked sequences, all computed for every lag with
    one batch of FFTs.
    """
    n = y.size
    x_known, y_known = np.isfinite(x), np.isfinite(y)
    x0, y0 = np.where(x_known, x, 0.0), np.where(y_known, y, 0.0)
    size = 1 << int(2 * n - 1).bit_length()
    current = np.fft.rfft(np.stack([y_known.astype(float), y0, y0 * y0]), size)
    lagged = np.conj(np.fft.rfft(np.stack([x_known.astype(float), x0, x0 * x0]), size))
    # Row pairs (current, lagged): counts, Σx, Σx², Σy, Σy², Σxy.
    pairs = ([0, 0, 0, 1, 2, 1], [0, 1, 2, 0, 0, 1])
    sums = np.fft.irfft(current[pairs[0]] * lagged[pairs[1]], size)[:, : max_lag + 1]
    counts = np.rint(sums[0])
    sum_x, sum_xx, sum_y, sum_yy, sum_xy = sums[1:]
    safe = np.maximum(counts, 1)
    covariance = sum_xy - sum_x * sum_y / safe
    spread = (sum_xx - sum_x**2 / safe) * (sum_yy - sum_y**2 / safe)
    with np.errstate(invalid="ignore", divide="ignore"):
        correlations = covariance / np.sqrt(spread)
    correlations[(counts < 4) | ~(spread > 1e-12 * np.maximum(sum_xx * sum_yy, 1e-300))] = np.nan
    return np.clip(correlations, -1.0, 1.0), counts.astype(int)


def correlation_p(r: float, n: int) -> float:
    """Two-sided p-value of a correlation `r` from `n` independent pairs (Student's t with n − 2 degrees of freedom)."""
    if n <= 3:
        return 1.0
    r = min(abs(r), 1 - 1e-12)
    t = r * math.sqrt((n - 2) / (1 - r * r))
    return float(2 * stats.t.sf(t, n - 2))


def lag_matrix(values: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Return a matrix whose column j is `values` delayed by `lags[j]` periods (NaN where unknown)."""
    lags = np.asarray(lags, dtype=int)
    if values.size == 0:
        return np.empty((0, lags.size))
    longest = int(lags.max(initial=0))
    padded = np.concatenate([np.full(longest, np.nan), values])
    windows = np.lib.stride_tricks.sliding_window_view(padded, longest + 1)
    return windows[:, longest - lags]


def ar_coefficients(values: np.ndarray, max_order: int) -> np.ndarray:
    """Fit autoregressions of order 1..max_order and return the coefficients of the one with the lowest AIC.

    All orders are fitted on the same rows from one QR decomposition: the
    residual sum of squares of the first k columns is the total less the
    first k squared projections.
    """
    lagged = lag_matrix(values, np.arange(1, max_order + 1))
    rows = np.isfinite(values) & np.isfinite(lagged).all(axis=1)
    n = int(rows.sum())
    if n <= max_order + 2:
        return np.zeros(0)
    target = values[rows]
    q, r = np.linalg.qr(lagged[rows])
    projections = q.T @ target
    rss = float(target @ target) - np.concatenate([[0.0], np.cumsum(projections**2)])
    orders = np.arange(max_order + 1)
    aic = n * np.log(np.maximum(rss / n, 1e-300)) + 2 * orders
    order = int(np.argmin(aic))
    if order == 0 or np.any(np.abs(np.diag(r)[:order]) < 1e-12):
        return np.zeros(0)
    return np.linalg.solve(r[:order, :order], projections[:order])


def ar_filter(values: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """Return values[t] − Σ coefficients[i] · values[t − 1 − i]; NaN where a term is unknown."""
    if coefficients.size == 0:
        return values.copy()
    lagged = lag_matrix(values, np.arange(1, coefficients.size + 1))
    return values - lagged @ coefficients


def granger_p(x: np.ndarray, y: np.ndarray, expected: int, max_lag: int, order: int) -> float:
    """P-value of the F-test that x at lags expected−1..expected+1 adds to an autoregression of y of `order`.

    With no expected lag (a feed, or a link expected to act at once) the
    cause enters at every lag from 0 to `max_lag` instead.

    A lag of 0 is allowed, which makes this a Granger-style test rather
    than Granger's own: an effect measured in the same period as its cause
    is common in KPIs. The statistic is the one statsmodels'
    `OLS.compare_f_test` gives for the two nested regressions, and a test
    checks that they agree. It is computed here with one least-squares
    solve per model, because an organization's thousands of links need
    the speed.
    """
    if expected == 0:
        x_lags = np.arange(0, max_lag + 1)
    else:
        x_lags = np.arange(max(0, expected - 1), min(max_lag, expected + 1) + 1)
    own = lag_matrix(y, np.arange(1, order + 1))
    cause = lag_matrix(x, x_lags)
    rows = np.isfinite(y) & np.isfinite(own).all(axis=1) & np.isfinite(cause).all(axis=1)
    n = int(rows.sum())
    restricted = np.column_stack([np.ones(n), own[rows]])
    full = np.column_stack([restricted, cause[rows]])
    residual_df = n - full.shape[1]
    if residual_df < 3:
        return 1.0
    target = y[rows]
    rss_full = _rss(full, target)
    rss_restricted = _rss(restricted, target)
    if rss_full <= 0:
        return 1.0
    f = ((rss_restricted - rss_full) / x_lags.size) / (rss_full / residual_df)
    return float(stats.f.sf(max(f, 0.0), x_lags.size, residual_df))


def _rss(regressors: np.ndarray, target: np.ndarray) -> float:
    coefficients, *_ = np.linalg.lstsq(regressors, target, rcond=None)
    return float(np.sum((target - regressors @ coefficients) ** 2))


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Return the Benjamini–Hochberg q-values of `p_values` (NaN stays NaN and is not counted)."""
    p_values = np.asarray(p_values, dtype=float)
    q_values = np.full(p_values.shape, np.nan)
    tested = np.flatnonzero(np.isfinite(p_values))
    m = tested.size
    if m == 0:
        return q_values
    order = tested[np.argsort(p_values[tested], kind="stable")]
    ranked = p_values[order] * m / np.arange(1, m + 1)
    q_values[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return q_values


def decide(results: list[PairResult], expected_signs: list[int], alpha: float = ALPHA) -> list[Verdict]:
    """Give each result its verdict, with Benjamini–Hochberg across all of them (one organization)."""
    p_values = np.array([result.p_value if result.tested else np.nan for result in results], dtype=float)
    q_values = benjamini_hochberg(p_values)
    verdicts = []
    for result, sign, q_value in zip(results, expected_signs, q_values, strict=True):
        if not result.tested:
            verdict = INSUFFICIENT_DATA if result.periods_used < result.periods_needed else NO_EVIDENCE
            verdicts.append(Verdict(verdict, sign, result))
            continue
        if q_value <= alpha:
            verdict = SUPPORTED if result.sign == sign else CONTRADICTED
        else:
            verdict = NO_EVIDENCE
        verdicts.append(Verdict(verdict, sign, result, float(q_value)))
    return verdicts


@dataclass(frozen=True)
class LinkSpec:
    """One link to test: `cause_kpi` should move `effect_kpi` with `expected_sign` after about `lag_days`."""

    key: str
    cause_kpi: str
    effect_kpi: str
    expected_sign: int
    lag_days: int


def evaluate(links: list[LinkSpec], series: dict[str, Series], week_start: int = 0, fiscal_start_month: int = 1,
             alpha: float = ALPHA) -> list[Verdict]:
    """Test every link of one organization and decide its verdict, with Benjamini–Hochberg across them.

    Every KPI named by a link must be in `series` (an empty series is
    allowed). Each KPI is prepared once per frequency, whatever the number
    of its links.
    """
    prepared: dict[tuple[str, str], Prepared] = {}

    def get(key: str, frequency: str) -> Prepared:
        if (key, frequency) not in prepared:
            prepared[key, frequency] = prepare(series[key], frequency, week_start, fiscal_start_month)
        return prepared[key, frequency]

    results = []
    for link in links:
        frequency = coarser(series[link.cause_kpi].frequency, series[link.effect_kpi].frequency)
        results.append(prepared_evidence(get(link.cause_kpi, frequency), get(link.effect_kpi, frequency), link.lag_days))
    return decide(results, [link.expected_sign for link in links], alpha)
