"""KPI series on a regular calendar grid, aligned in pairs, with trend and seasonality removed.

A `Series` holds one value per period start, at the KPI's frequency. To
compare two KPIs, both are put on the grid of the coarser of their two
frequencies (a daily KPI next to a weekly one is compared week by week):
each period's value is the mean of the values whose period starts in it.
A mean is enough here because only the shape of a series matters to the
tests that use it, not its level.

`residuals` removes what would make two unrelated series look alike: a
linear trend, the day of the week for daily series, and a yearly cycle
(two harmonics for daily and weekly series, one for monthly ones) once
the series spans enough time to estimate it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "yearly")
PERIOD_DAYS = {"daily": 1.0, "weekly": 7.0, "monthly": 365.25 / 12, "quarterly": 365.25 / 4, "yearly": 365.25}
PERIODS_PER_YEAR = {"daily": 365.25, "weekly": 365.25 / 7, "monthly": 12.0, "quarterly": 4.0, "yearly": 1.0}
# Harmonics of the yearly cycle removed at each frequency, and the shortest
# series (in periods) for which they are estimated.
ANNUAL_HARMONICS = {"daily": (2, 365), "weekly": (2, 52), "monthly": (1, 24)}
# 1970-01-01, day 0 of datetime64[D], was a Thursday (weekday 3 with Monday = 0).
_EPOCH_WEEKDAY = 3


@dataclass(frozen=True)
class Series:
    """One value per period of `frequency`; `starts` are period starts (datetime64[D]), NaN is no value."""

    frequency: str
    starts: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, frequency: str, starts, values) -> Series:
        starts = np.asarray(starts, dtype="datetime64[D]")
        values = np.asarray(values, dtype=float)
        order = np.argsort(starts, kind="stable")
        return cls(frequency, starts[order], values[order])

    def __len__(self) -> int:
        return int(self.starts.size)


@dataclass(frozen=True)
class Grid:
    """Values on consecutive periods of `frequency`: `values[i]` belongs to period ordinal `first + i`."""

    frequency: str
    first: int
    values: np.ndarray


def coarser(a: str, b: str) -> str:
    return a if FREQUENCIES.index(a) >= FREQUENCIES.index(b) else b


def ordinals(starts: np.ndarray, frequency: str, week_start: int = 0, fiscal_start_month: int = 1) -> np.ndarray:
    """Number each date by the period of `frequency` it falls in: consecutive periods get consecutive numbers."""
    days = starts.astype("datetime64[D]").astype(np.int64)
    if frequency == "daily":
        return days
    if frequency == "weekly":
        return (days + _EPOCH_WEEKDAY - week_start) // 7
    months = starts.astype("datetime64[M]").astype(np.int64) - (fiscal_start_month - 1)
    if frequency == "monthly":
        return months + (fiscal_start_month - 1)
    if frequency == "quarterly":
        return months // 3
    if frequency == "yearly":
        return months // 12
    raise ValueError(f"unknown frequency {frequency!r}")


def to_grid(series: Series, frequency: str | None = None, week_start: int = 0, fiscal_start_month: int = 1) -> Grid:
    """Put `series` on the regular grid of `frequency` (its own by default), averaging values within a period."""
    frequency = frequency or series.frequency
    keep = np.isfinite(series.values)
    if not keep.any():
        return Grid(frequency, 0, np.empty(0))
    numbers = ordinals(series.starts[keep], frequency, week_start, fiscal_start_month)
    first = int(numbers.min())
    position = numbers - first
    counts = np.bincount(position)
    sums = np.bincount(position, weights=series.values[keep])
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return Grid(frequency, first, values)


def align(cause: Series, effect: Series, week_start: int = 0, fiscal_start_month: int = 1) -> tuple[Grid, Grid]:
    """Return both series on the grid of the coarser frequency, cut to the periods both span."""
    frequency = coarser(cause.frequency, effect.frequency)
    a = to_grid(cause, frequency, week_start, fiscal_start_month)
    b = to_grid(effect, frequency, week_start, fiscal_start_month)
    first = max(a.first, b.first)
    stop = min(a.first + a.values.size, b.first + b.values.size)
    if stop <= first:
        empty = np.empty(0)
        return Grid(frequency, first, empty), Grid(frequency, first, empty)
    return (Grid(frequency, first, a.values[first - a.first : stop - a.first]),
            Grid(frequency, first, b.values[first - b.first : stop - b.first]))


def design(grid: Grid, week_start: int = 0) -> np.ndarray:
    """Return the regressors of trend and seasonality for every period of `grid`: one row per period."""
    n = grid.values.size
    numbers = grid.first + np.arange(n)
    columns = [np.ones(n), (np.arange(n) - (n - 1) / 2) / max(n, 1)]
    if grid.frequency == "daily":
        weekday = (numbers + _EPOCH_WEEKDAY - week_start) % 7
        columns.extend((weekday == day).astype(float) for day in range(1, 7))
    harmonics, shortest = ANNUAL_HARMONICS.get(grid.frequency, (0, 0))
    if harmonics and np.isfinite(grid.values).sum() >= shortest:
        years = numbers / PERIODS_PER_YEAR[grid.frequency]
        for k in range(1, harmonics + 1):
            columns.extend((np.sin(2 * np.pi * k * years), np.cos(2 * np.pi * k * years)))
    return np.column_stack(columns)


def residuals(grid: Grid, week_start: int = 0) -> np.ndarray:
    """Return the grid's values less their fitted trend and seasonality; NaN stays NaN.

    Too few values to fit the model leave only the mean removed.
    """
    values = grid.values
    finite = np.isfinite(values)
    if finite.sum() < 3:
        return values - np.nanmean(values) if finite.any() else values.copy()
    regressors = design(grid, week_start)
    if finite.sum() <= regressors.shape[1] + 2:
        regressors = regressors[:, :2]
    coefficients, *_ = np.linalg.lstsq(regressors[finite], values[finite], rcond=None)
    return values - regressors @ coefficients
