"""Aggregation of a KPI's measurements over a window of time.

A KPI's aggregation defines how its values combine over a longer period:

- ``sum``: values add up.
- ``mean``: weighted by the number of underlying values. Each measurement
  carries ``n`` (default 1), the number of values it summarises, so a
  month's mean of weekly means weighs every week by its ``n``.
- ``last``: the value of the latest period with data.
- ``min`` / ``max``: the smallest / largest value.
- ``ratio``: numerators and denominators are summed separately, then
  divided (9/10 and 20/100 give 29/110, not the mean of 0.9 and 0.2).

Segments (stores, plants) of one period combine with the same rule. For
``last`` the segments of the latest period are combined as a mean weighted
by ``n``.

A KPI's kind defines what a missing period means. For ``count`` it is zero,
so a window's periods without rows enter ``sum``, ``mean``, ``last``,
``min`` and ``max`` as 0. For ``level`` it is no data and the period is
left out. A ratio period without rows adds 0/0 and so changes nothing.

A period belongs to a window when its start date lies in the window.

This module contains the scalar API for one series and `target_to_date`.
`aggregation_frames` contains the vectorised API over many KPIs at once,
with the same results.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ._checks import is_finite, member
from .errors import ValidationError


class Aggregation(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    LAST = "last"
    MIN = "min"
    MAX = "max"
    RATIO = "ratio"


class Kind(StrEnum):
    COUNT = "count"
    LEVEL = "level"


class Prorate(StrEnum):
    DAYS = "days"
    MONTHS = "months"


@dataclass(frozen=True)
class Observation:
    """One measurement of a KPI: its period's start, segment and numbers.

    `n` is the number of underlying values the measurement summarises.
    `numerator` and `denominator` are used by ``ratio`` KPIs only.
    """

    period_start: date
    value: float | None = None
    n: float = 1.0
    numerator: float | None = None
    denominator: float | None = None
    segment: str | None = None


@dataclass(frozen=True)
class Aggregate:
    """A KPI's value over a window.

    `n_values` counts underlying values and `periods_with_data` counts
    periods with at least one measurement. Neither counts the periods that
    a ``count`` KPI fills with zero.
    """

    value: float | None
    n_values: float
    periods_with_data: int
    numerator: float | None = None
    denominator: float | None = None


@dataclass
class _PeriodStats:
    value_sum: float = 0.0
    weighted_sum: float = 0.0
    n_mean: float = 0.0
    minimum: float = math.inf
    maximum: float = -math.inf
    numerator: float = 0.0
    denominator: float = 0.0
    n_value: float = 0.0
    n_ratio: float = 0.0

    def mean(self) -> float | None:
        return self.weighted_sum / self.n_mean if self.n_mean > 0 else None


def aggregate_series(
    observations: Iterable[Observation],
    aggregation: Aggregation | str,
    kind: Kind | str = Kind.LEVEL,
    expected_periods: Iterable[date] | None = None,
) -> Aggregate:
    """Aggregate one KPI's observations over a window.

    `observations` must already be limited to the window.
    `expected_periods` lists the starts of the window's periods, and a
    ``count`` KPI fills those without observations with zero. Non-finite
    values count as missing.
    """
    aggregation = member(Aggregation, aggregation, "aggregation")
    kind = member(Kind, kind, "kind")
    periods = _combine_segments(observations)
    real_starts = {
        start
        for start, stats in periods.items()
        if (stats.n_ratio if aggregation is Aggregation.RATIO else stats.n_value) > 0
    }
    n_values = sum(
        stats.n_ratio if aggregation is Aggregation.RATIO else stats.n_value for stats in periods.values()
    )

    if kind is Kind.COUNT and expected_periods is not None:
        for start in expected_periods:
            if start not in periods or periods[start].n_mean == 0:
                periods.setdefault(start, _PeriodStats())
                _add_value(periods[start], 0.0, 1.0)

    value, numerator, denominator = _window_value(periods, aggregation)
    if not is_finite(value):
        # Sums that overflow to infinity, or to NaN, give no value rather than a wrong one.
        value = None
    return Aggregate(value, n_values, len(real_starts), numerator, denominator)


def target_to_date(
    target: float | None,
    aggregation: Aggregation | str,
    window_start: date,
    window_end: date,
    as_of: date,
    prorate: Prorate | str = Prorate.DAYS,
) -> float | None:
    """Return the part of a window's target that is due by `as_of`.

    Only ``sum`` targets are pro-rated: by elapsed days (as_of counts as
    elapsed) or by calendar months touched so far, the current month
    counting in full. Targets for every other aggregation are returned
    unchanged.
    """
    if target is None:
        return None
    if member(Aggregation, aggregation, "aggregation") is not Aggregation.SUM:
        return target
    return target * elapsed_fraction(window_start, window_end, as_of, prorate)


def elapsed_fraction(
    window_start: date, window_end: date, as_of: date, prorate: Prorate | str = Prorate.DAYS
) -> float:
    """Return the fraction of `window_start`..`window_end` elapsed at the end of `as_of`."""
    prorate = member(Prorate, prorate, "prorate")
    if window_end < window_start:
        raise ValidationError("window_end", f"window end {window_end} is before its start {window_start}")
    if as_of < window_start:
        return 0.0
    if as_of >= window_end:
        return 1.0
    if prorate is Prorate.DAYS:
        return ((as_of - window_start).days + 1) / ((window_end - window_start).days + 1)
    return (_month_index(as_of) - _month_index(window_start) + 1) / (
        _month_index(window_end) - _month_index(window_start) + 1
    )


def _combine_segments(observations: Iterable[Observation]) -> dict[date, _PeriodStats]:
    periods: dict[date, _PeriodStats] = {}
    seen: set[tuple[date, str | None]] = set()
    for observation in observations:
        key = (observation.period_start, observation.segment)
        if key in seen:
            raise ValidationError(
                "observations",
                f"more than one value for period {observation.period_start} and segment {observation.segment!r}",
            )
        seen.add(key)
        n = _weight(observation.n)
        stats = periods.setdefault(observation.period_start, _PeriodStats())
        if is_finite(observation.value):
            _add_value(stats, float(observation.value), n)
            stats.n_value += n
        if is_finite(observation.numerator) and is_finite(observation.denominator):
            stats.numerator += float(observation.numerator)
            stats.denominator += float(observation.denominator)
            stats.n_ratio += n
    return periods


def _add_value(stats: _PeriodStats, value: float, n: float) -> None:
    stats.value_sum += value
    stats.weighted_sum += value * n
    stats.n_mean += n
    stats.minimum = min(stats.minimum, value)
    stats.maximum = max(stats.maximum, value)


def _window_value(
    periods: dict[date, _PeriodStats], aggregation: Aggregation
) -> tuple[float | None, float | None, float | None]:
    with_values = [periods[start] for start in sorted(periods) if periods[start].n_mean > 0]

    if aggregation is Aggregation.RATIO:
        numerator = sum(stats.numerator for stats in periods.values())
        denominator = sum(stats.denominator for stats in periods.values())
        has_ratio = any(stats.n_ratio > 0 for stats in periods.values())
        if not has_ratio or denominator == 0:
            return None, (numerator if has_ratio else None), (denominator if has_ratio else None)
        return numerator / denominator, numerator, denominator

    if not with_values:
        return None, None, None
    if aggregation is Aggregation.SUM:
        return sum(stats.value_sum for stats in with_values), None, None
    if aggregation is Aggregation.MEAN:
        total_n = sum(stats.n_mean for stats in with_values)
        return sum(stats.weighted_sum for stats in with_values) / total_n, None, None
    if aggregation is Aggregation.MIN:
        return min(stats.minimum for stats in with_values), None, None
    if aggregation is Aggregation.MAX:
        return max(stats.maximum for stats in with_values), None, None
    return with_values[-1].mean(), None, None


def _weight(n: float | None) -> float:
    if n is None:
        return 1.0
    if not is_finite(n) or n <= 0:
        raise ValidationError("n", f"the number of underlying values must be positive, got {n!r}")
    return float(n)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1
