"""Building blocks of the simulated series: persistent noise, seasonality and aggregation to periods.

Every function works on whole numpy arrays of days (`datetime64[D]`), never
day by day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

# 1970-01-01, day 0 of datetime64[D], was a Thursday (weekday 3 with Monday = 0).
_EPOCH_WEEKDAY = 3


def ar1(rng: np.random.Generator, size: int, phi: float) -> np.ndarray:
    """Return a stationary AR(1) series with mean 0 and variance 1.

    `phi` in [0, 1) sets the persistence: 0 is white noise, 0.95 wanders
    for weeks. The first value is drawn from the stationary distribution,
    so the series needs no warm-up.
    """
    if not 0 <= phi < 1:
        raise ValueError(f"phi must be in [0, 1), got {phi}")
    innovations = rng.standard_normal(size)
    start = rng.standard_normal()
    series, _state = lfilter([np.sqrt(1 - phi**2)], [1, -phi], innovations, zi=[phi * start])
    return series


def shift(series: np.ndarray, lag: int) -> np.ndarray:
    """Return `series` delayed by `lag` days; the first `lag` values repeat the first value."""
    if lag <= 0:
        return series
    return np.concatenate([np.full(lag, series[0]), series[:-lag]])


def weekdays(days: np.ndarray, week_start: int = 0) -> np.ndarray:
    """Return each day's position in the week: 0 for `week_start` (0 is Monday) up to 6."""
    return (days.astype("int64") + _EPOCH_WEEKDAY - week_start) % 7


def day_of_year(days: np.ndarray) -> np.ndarray:
    return (days - days.astype("datetime64[Y]").astype("datetime64[D]")).astype("int64") + 1


def annual_wave(days: np.ndarray, amplitude: float, peak_day: int) -> np.ndarray:
    """Return a yearly cosine with its maximum `amplitude` on day of year `peak_day`."""
    return amplitude * np.cos(2 * np.pi * (day_of_year(days) - peak_day) / 365.25)


def standardize(series: np.ndarray, reference: slice) -> np.ndarray:
    """Scale `series` to mean 0 and standard deviation 1 over the `reference` part."""
    part = series[reference]
    spread = part.std()
    if spread == 0:
        return np.zeros_like(series)
    return (series - part.mean()) / spread


@dataclass(frozen=True)
class PeriodIndex:
    """The periods of one frequency that start inside a range of days.

    `starts` contains the period starts, `first` the index of each period's
    first day in the day array and `stop` the index after its last day.
    """

    starts: np.ndarray
    first: np.ndarray
    stop: np.ndarray


def period_index(days: np.ndarray, frequency: str, week_start: int = 0) -> PeriodIndex:
    """Group consecutive `days` into the daily, weekly or monthly periods that start inside them.

    A period cut by the first day is left out, because its value would
    cover only part of it. The period cut by the last day is kept: it is
    the period in progress, and its value covers the days to date, as a
    report on that day would show it.
    """
    if frequency == "daily":
        index = np.arange(days.size)
        return PeriodIndex(days.copy(), index, index + 1)
    if frequency == "weekly":
        starts = days - weekdays(days, week_start).astype("timedelta64[D]")
    elif frequency == "monthly":
        starts = days.astype("datetime64[M]").astype("datetime64[D]")
    else:
        raise ValueError(f"the simulator writes daily, weekly or monthly KPIs, not {frequency!r}")
    period_starts, first = np.unique(starts, return_index=True)
    stop = np.append(first[1:], days.size)
    inside = period_starts >= days[0]
    return PeriodIndex(period_starts[inside], first[inside], stop[inside])


def aggregate(values: np.ndarray, index: PeriodIndex, aggregation: str) -> np.ndarray:
    """Combine daily `values` into one value per period with the KPI's aggregation rule."""
    if index.first.size == 0:
        return values[:0]
    if aggregation == "last":
        return values[index.stop - 1]
    # The periods are contiguous, so reduceat over the days they cover gives
    # one result per period.
    covered = values[index.first[0] : index.stop[-1]]
    offsets = index.first - index.first[0]
    if aggregation == "sum":
        return np.add.reduceat(covered, offsets)
    if aggregation == "mean":
        return np.add.reduceat(covered, offsets) / (index.stop - index.first)
    if aggregation == "min":
        return np.minimum.reduceat(covered, offsets)
    if aggregation == "max":
        return np.maximum.reduceat(covered, offsets)
    raise ValueError(f"unknown aggregation {aggregation!r}")
