"""Turn a target set for one period into the target of another period.

A KPI's targets are often set for a year or a quarter while the KPI is
measured daily or monthly. For a `sum` KPI the target of a shorter period
is its share of the longer one, by days or by whole months; for every
other aggregation the target is a level and applies unchanged.
"""

from __future__ import annotations

from datetime import date

from .aggregation import Aggregation, Prorate


def period_target(
    target: float,
    aggregation: Aggregation | str,
    target_start: date,
    target_end: date,
    period_start: date,
    period_end: date,
    prorate: Prorate | str = Prorate.DAYS,
) -> float:
    """Return the part of `target` (set for target_start..target_end) that falls to period_start..period_end.

    Both ranges are inclusive. Only `sum` targets are divided.
    """
    if str(aggregation) != Aggregation.SUM:
        return target
    if str(prorate) == Prorate.MONTHS:
        share = _months(period_start, period_end) / _months(target_start, target_end)
    else:
        share = ((period_end - period_start).days + 1) / ((target_end - target_start).days + 1)
    return target * share


def _months(start: date, end: date) -> float:
    """Count months from start to end inclusive, with partial months as fractions of their length."""
    import calendar

    total = 0.0
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        length = calendar.monthrange(year, month)[1]
        first = date(year, month, 1) if (year, month) != (start.year, start.month) else start
        last = date(year, month, length) if (year, month) != (end.year, end.month) else end
        total += ((last - first).days + 1) / length
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return total
