"""A key result's end-of-cycle value, forecast from its source KPI, with an 80 % interval.

The KPI's values up to the scoring date are extended to the cycle's end,
then combined over the whole cycle with the KPI's aggregation, so the
forecast is of the same number the key result will show. The rule, by the
history available (values at the KPI's frequency, the last `HISTORY_MAX`):

1. At least `TREND_MIN` values, and room for `MIN_ORIGINS` earlier
   forecasts of the same length: a trend model, an autoregression of
   order 2 with a linear trend (and a day-of-week pattern for daily KPIs
   with `SEASONAL_MIN` values or more), from statsmodels. The interval is
   empirical: the same model is run from earlier origins in the history,
   each with the same number of values already in its cycle, and the
   10th, 50th and 90th percentiles of its errors on the cycle's aggregate
   are added to today's forecast, giving the interval and the forecast.
2. At least `TREND_MIN` values otherwise: statsmodels' exponential
   smoothing with a damped additive trend (and the day-of-week pattern as
   above). `PATHS` simulated futures, each combined with the values
   already in the cycle, give the median and the 10th and 90th percentiles.
3. At least 3 values: the last value carried forward, with a random walk
   whose step is the spread of the changes seen so far.
4. Fewer: the last value carried forward, without an interval.

On the demo simulator's daily KPIs the interval of rule 1 contained the
realised value about 76 % of the time (see docs/benchmarks.md).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

SEASONAL_MIN = 8 * 7
MIN_ORIGINS = 8
MAX_ORIGINS = 40
ORIGIN_STEP = {7: 7}
TREND_MIN = 12
HISTORY_MAX = 730
PATHS = 500
LOW, HIGH = 10, 90

TREND_MODEL = "trend_model"
EXPONENTIAL_SMOOTHING = "exponential_smoothing"
DAMPED_TREND = "damped_trend"
LAST_VALUE = "last_value"


@dataclass(frozen=True)
class Forecast:
    """The forecast end-of-cycle value (`value`), its 80 % interval and how it was made."""

    method: str
    value: float | None
    low: float | None
    high: float | None
    history: int
    ahead: int

    def to_json(self) -> dict:
        return {"method": self.method, "value": _number(self.value), "low": _number(self.low),
                "high": _number(self.high), "history_periods": self.history, "periods_ahead": self.ahead}


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def forecast_cycle(history: np.ndarray, in_cycle: int, ahead: int, aggregation: str, frequency: str = "daily",
                   seed: int = 0) -> Forecast:
    """Forecast the cycle's aggregate of a KPI.

    `history` contains the KPI's values up to the scoring date, oldest first
    (NaN for periods without a value); its last `in_cycle` values belong to
    the cycle; `ahead` periods of the cycle remain.
    """
    values = history[np.isfinite(history)]
    observed = history[len(history) - in_cycle:] if in_cycle else history[:0]
    observed = observed[np.isfinite(observed)]
    if ahead <= 0 or values.size == 0:
        value = combine(observed[None, :], np.empty((1, 0)), aggregation)[0] if observed.size else None
        return Forecast(LAST_VALUE, value, value, value, int(values.size), max(ahead, 0))

    values = values[-HISTORY_MAX:]
    season = 7 if frequency == "daily" and values.size >= SEASONAL_MIN else None
    if values.size >= TREND_MIN and np.ptp(values) > 0:
        point = trend_forecast(values, ahead, season)
        errors = past_errors(values, min(in_cycle, observed.size), ahead, aggregation, season)
        if point is not None and errors.size >= MIN_ORIGINS:
            value = combine(observed[None, :], point[None, :], aggregation)[0]
            low, middle, high = np.percentile(errors, [LOW, 50, HIGH])
            return Forecast(TREND_MODEL, float(value + middle), float(value + low), float(value + high),
                            int(values.size), ahead)

    method, paths = simulate_paths(values, ahead, frequency, np.random.default_rng(seed))
    if paths is None:
        value = combine(observed[None, :], np.full((1, ahead), values[-1]), aggregation)[0]
        return Forecast(LAST_VALUE, value, None, None, int(values.size), ahead)
    totals = combine(np.broadcast_to(observed, (paths.shape[0], observed.size)), paths, aggregation)
    low, middle, high = np.percentile(totals, [LOW, 50, HIGH])
    return Forecast(method, float(middle), float(low), float(high), int(values.size), ahead)


def trend_forecast(values: np.ndarray, ahead: int, season: int | None) -> np.ndarray | None:
    """Return the next `ahead` values of an autoregression with a linear trend (and a weekly pattern)."""
    from statsmodels.tsa.ar_model import AutoReg

    lags = 2 if values.size >= 30 else 1
    if values.size < lags + 3 + (season or 0):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fitted = AutoReg(values, lags=lags, trend="ct", seasonal=season is not None, period=season).fit()
            point = np.asarray(fitted.predict(start=values.size, end=values.size + ahead - 1), dtype=float)
        except (ValueError, np.linalg.LinAlgError):
            return None
    return point if np.isfinite(point).all() else None


def past_errors(values: np.ndarray, in_cycle: int, ahead: int, aggregation: str, season: int | None) -> np.ndarray:
    """Return the errors the trend model made on the cycle's aggregate from earlier origins in the same history.

    Each origin is `ahead` periods or more before the end of the history,
    and origins are at least `ORIGIN_STEP` apart. The model at an origin is
    fitted only on the values before it, with the same number of values
    already in the cycle.
    """
    step = max(ORIGIN_STEP.get(season, 1), ahead // 3)
    errors = []
    origin = values.size - ahead
    while origin - in_cycle >= TREND_MIN + (season or 0) and len(errors) < MAX_ORIGINS:
        point = trend_forecast(values[:origin], ahead, season)
        if point is not None:
            seen = values[origin - in_cycle:origin][None, :]
            predicted = combine(seen, point[None, :], aggregation)[0]
            actual = combine(seen, values[origin:origin + ahead][None, :], aggregation)[0]
            errors.append(actual - predicted)
        origin -= step
    return np.asarray(errors, dtype=float)


def simulate_paths(values: np.ndarray, ahead: int, frequency: str, rng: np.random.Generator
                   ) -> tuple[str, np.ndarray | None]:
    """Return the method used and `PATHS` simulated futures of `ahead` periods (one per row), or None."""
    if values.size >= TREND_MIN and np.ptp(values) > 0:
        seasonal = frequency == "daily" and values.size >= SEASONAL_MIN
        paths = _smoothing_paths(values, ahead, 7 if seasonal else None, rng)
        if paths is not None:
            return (EXPONENTIAL_SMOOTHING if seasonal else DAMPED_TREND), paths
    if values.size < 3:
        return LAST_VALUE, None
    step = float(np.std(np.diff(values), ddof=1)) if values.size > 2 else 0.0
    walks = np.cumsum(rng.normal(0.0, step, (PATHS, ahead)), axis=1)
    return LAST_VALUE, values[-1] + walks


def _smoothing_paths(values: np.ndarray, ahead: int, season: int | None, rng: np.random.Generator
                     ) -> np.ndarray | None:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    model = ExponentialSmoothing(values, trend="add", damped_trend=True, seasonal="add" if season else None,
                                 seasonal_periods=season, initialization_method="estimated")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fitted = model.fit()
            paths = fitted.simulate(ahead, repetitions=PATHS, error="add", anchor="end",
                                    random_state=np.random.RandomState(rng.integers(2**31)))
        except (ValueError, np.linalg.LinAlgError):
            return None
    paths = np.asarray(paths, dtype=float).reshape(ahead, PATHS).T
    return paths if np.isfinite(paths).all() else None


def combine(observed: np.ndarray, future: np.ndarray, aggregation: str) -> np.ndarray:
    """Combine values already in the cycle with each simulated future (one per row) by `aggregation`.

    A ratio KPI is combined as the mean of its values: an approximation,
    since the numerators and denominators are not forecast separately.
    """
    both = np.concatenate([observed, future], axis=1)
    if aggregation == "sum":
        return both.sum(axis=1)
    if aggregation in ("mean", "ratio"):
        return both.mean(axis=1)
    if aggregation == "last":
        return both[:, -1]
    if aggregation == "min":
        return both.min(axis=1)
    if aggregation == "max":
        return both.max(axis=1)
    raise ValueError(f"unknown aggregation {aggregation!r}")


def outlook(kr_type: str, low: float | None, high: float | None, target: float | None,
            target_range: tuple[float, float] | None = None) -> str | None:
    """Say whether the target is `likely` (the whole interval meets it), `possible`, or `at_risk` (none of it does)."""
    if low is None or high is None:
        return None
    if kr_type in ("increase", "maintain_above") and target is not None:
        meets_low, meets_high = low >= target, high >= target
    elif kr_type in ("decrease", "maintain_below") and target is not None:
        meets_low, meets_high = high <= target, low <= target
    elif kr_type == "within_range" and target_range is not None:
        if low >= target_range[0] and high <= target_range[1]:
            return "likely"
        return "at_risk" if high < target_range[0] or low > target_range[1] else "possible"
    else:
        return None
    if meets_low:
        return "likely"
    return "possible" if meets_high else "at_risk"
