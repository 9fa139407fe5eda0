"""Calendar periods: days, weeks, months, fiscal quarters and fiscal years.

Every period is a range of calendar dates in the organization's time zone,
with both ends inclusive. Labels:

- daily ``2026-03-14``
- weekly ``2026-W11``. With the default week start (Monday) these are ISO
  8601 weeks. For another week start the same rule is generalised: a week
  belongs to the year that contains its fourth day, and week 1 is the first
  such week of that year.
- monthly ``2026-03`` (calendar months)
- quarterly ``2026-Q1`` (fiscal quarters)
- yearly ``2026`` (fiscal years)
- custom ``2026-01-01..2026-02-15``

Fiscal years start on the first day of the organization's fiscal start
month. When that month is January the fiscal year is the calendar year.
Otherwise a fiscal year is named by the calendar year in which it ends: with
a start month of April, April 2025 to March 2026 is fiscal year ``2026``,
and its first quarter, April to June 2025, is ``2026-Q1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ValidationError


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """A range of calendar dates, with `end` inclusive."""

    frequency: Frequency
    start: date
    end: date
    label: str

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def custom_period(start: date, end: date, label: str | None = None) -> Period:
    """Build a custom period from `start` to `end`, both inclusive."""
    if end < start:
        raise ValidationError("end", f"end {end} is before start {start}")
    return Period(Frequency.CUSTOM, start, end, label or f"{start}..{end}")


def period_of(
    day: date,
    frequency: Frequency | str,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> Period:
    """Return the period of `frequency` that contains `day`.

    `week_start` is a weekday number as in `date.weekday()` (0 = Monday).
    Timestamps are rejected: convert them with `local_date` first, so that a
    value never lands on a day chosen by the server's time zone.
    """
    if isinstance(day, datetime):
        raise ValidationError("day", "expected a date, got a datetime; convert it with local_date()")
    _check_calendar(fiscal_start_month, week_start)
    frequency = _frequency(frequency)

    if frequency is Frequency.DAILY:
        return Period(frequency, day, day, day.isoformat())
    if frequency is Frequency.WEEKLY:
        return _week_of(day, week_start)
    if frequency is Frequency.MONTHLY:
        start = day.replace(day=1)
        return Period(frequency, start, _add_months(start, 1) - timedelta(days=1), f"{day:%Y-%m}")
    if frequency is Frequency.QUARTERLY:
        return _quarter_of(day, fiscal_start_month)
    if frequency is Frequency.YEARLY:
        return _fiscal_year_period(fiscal_year_of(day, fiscal_start_month), fiscal_start_month)
    raise ValidationError("frequency", "custom periods have no calendar position; use custom_period()")


def periods_between(
    start: date,
    end: date,
    frequency: Frequency | str,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> list[Period]:
    """List the periods of `frequency` that overlap `start`..`end`, in order."""
    if end < start:
        raise ValidationError("end", f"end {end} is before start {start}")
    periods = [period_of(start, frequency, fiscal_start_month, week_start)]
    while periods[-1].end < end:
        next_day = periods[-1].end + timedelta(days=1)
        periods.append(period_of(next_day, frequency, fiscal_start_month, week_start))
    return periods


def period_starts_in(
    start: date,
    end: date,
    frequency: Frequency | str,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> list[date]:
    """List the start dates of the periods of `frequency` that start within `start`..`end`."""
    if end < start:
        return []
    periods = periods_between(start, end, frequency, fiscal_start_month, week_start)
    return [period.start for period in periods if period.start >= start]


def shift_period(
    period: Period,
    steps: int,
    fiscal_start_month: int = 1,
    week_start: int = 0,
) -> Period:
    """Return the period `steps` periods after `period` (before it when negative)."""
    if period.frequency is Frequency.CUSTOM:
        raise ValidationError("frequency", "custom periods cannot be shifted")
    shifted = period
    for _ in range(abs(steps)):
        day = shifted.end + timedelta(days=1) if steps > 0 else shifted.start - timedelta(days=1)
        shifted = period_of(day, period.frequency, fiscal_start_month, week_start)
    return shifted


def fiscal_year_of(day: date, fiscal_start_month: int = 1) -> int:
    """Return the fiscal year that contains `day`, named by its last day's year."""
    if fiscal_start_month == 1:
        return day.year
    return day.year + 1 if day.month >= fiscal_start_month else day.year


def fiscal_year_start(fiscal_year: int, fiscal_start_month: int = 1) -> date:
    """Return the first day of `fiscal_year`."""
    if fiscal_start_month == 1:
        return date(fiscal_year, 1, 1)
    return date(fiscal_year - 1, fiscal_start_month, 1)


_LABEL_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$"), Frequency.CUSTOM),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), Frequency.DAILY),
    (re.compile(r"^(\d{4})-W(\d{2})$"), Frequency.WEEKLY),
    (re.compile(r"^(\d{4})-Q([1-4])$"), Frequency.QUARTERLY),
    (re.compile(r"^(\d{4})-(\d{2})$"), Frequency.MONTHLY),
    (re.compile(r"^(\d{4})$"), Frequency.YEARLY),
)


def parse_period_label(label: str, fiscal_start_month: int = 1, week_start: int = 0) -> Period:
    """Parse a label such as ``2026``, ``2026-Q1``, ``2026-03``, ``2026-W11`` or ``2026-03-14``.

    Years and quarters are fiscal, so the same label names different dates
    for different fiscal start months.
    """
    _check_calendar(fiscal_start_month, week_start)
    text = label.strip()
    for pattern, frequency in _LABEL_PATTERNS:
        match = pattern.match(text)
        if match:
            numbers = [int(group) for group in match.groups()]
            try:
                return _period_from_numbers(frequency, numbers, fiscal_start_month, week_start)
            except ValueError as error:
                raise ValidationError("label", f"invalid period label {label!r}: {error}") from error
    raise ValidationError(
        "label",
        f"invalid period label {label!r}; expected 2026, 2026-Q1, 2026-03, 2026-W11 or 2026-03-14",
    )


def local_date(timestamp: datetime | date, tz_name: str) -> date:
    """Return the calendar date of `timestamp` in the IANA time zone `tz_name`.

    A plain `date` is returned unchanged: a date-only value never moves to
    another day. A naive `datetime` is rejected because its zone is unknown.
    """
    if not isinstance(timestamp, datetime):
        return timestamp
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise ValidationError("timestamp", f"{timestamp.isoformat()} has no time zone; pass an aware datetime")
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError("tz_name", f"unknown time zone {tz_name!r}") from error
    return timestamp.astimezone(zone).date()


def _period_from_numbers(
    frequency: Frequency, numbers: list[int], fiscal_start_month: int, week_start: int
) -> Period:
    if frequency is Frequency.CUSTOM:
        return custom_period(date(*numbers[:3]), date(*numbers[3:]))
    if frequency is Frequency.DAILY:
        return period_of(date(*numbers), frequency)
    if frequency is Frequency.MONTHLY:
        return period_of(date(numbers[0], numbers[1], 1), frequency)
    if frequency is Frequency.YEARLY:
        return _fiscal_year_period(numbers[0], fiscal_start_month)
    if frequency is Frequency.QUARTERLY:
        year_start = fiscal_year_start(numbers[0], fiscal_start_month)
        return _quarter_of(_add_months(year_start, 3 * (numbers[1] - 1)), fiscal_start_month)

    year, week = numbers
    january_4 = date(year, 1, 4)
    first_week_start = january_4 - timedelta(days=(january_4.weekday() - week_start) % 7)
    period = _week_of(first_week_start + timedelta(weeks=week - 1), week_start)
    if week < 1 or period.label != f"{year:04d}-W{week:02d}":
        raise ValueError(f"year {year} has no week {week}")
    return period


def _week_of(day: date, week_start: int) -> Period:
    start = day - timedelta(days=(day.weekday() - week_start) % 7)
    fourth_day = start + timedelta(days=3)
    number = (fourth_day.timetuple().tm_yday - 1) // 7 + 1
    return Period(Frequency.WEEKLY, start, start + timedelta(days=6), f"{fourth_day.year:04d}-W{number:02d}")


def _quarter_of(day: date, fiscal_start_month: int) -> Period:
    fiscal_year = fiscal_year_of(day, fiscal_start_month)
    months_into_year = (day.month - fiscal_start_month) % 12
    quarter = months_into_year // 3 + 1
    start = _add_months(fiscal_year_start(fiscal_year, fiscal_start_month), 3 * (quarter - 1))
    end = _add_months(start, 3) - timedelta(days=1)
    return Period(Frequency.QUARTERLY, start, end, f"{fiscal_year:04d}-Q{quarter}")


def _fiscal_year_period(fiscal_year: int, fiscal_start_month: int) -> Period:
    start = fiscal_year_start(fiscal_year, fiscal_start_month)
    end = _add_months(start, 12) - timedelta(days=1)
    return Period(Frequency.YEARLY, start, end, f"{fiscal_year:04d}")


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _frequency(value: Frequency | str) -> Frequency:
    try:
        return Frequency(value)
    except ValueError as error:
        choices = ", ".join(member.value for member in Frequency)
        raise ValidationError("frequency", f"unknown frequency {value!r}; expected one of {choices}") from error


def _check_calendar(fiscal_start_month: int, week_start: int) -> None:
    if not 1 <= fiscal_start_month <= 12:
        raise ValidationError("fiscal_start_month", f"must be a month number 1-12, got {fiscal_start_month!r}")
    if not 0 <= week_start <= 6:
        raise ValidationError("week_start", f"must be a weekday number 0 (Monday) to 6 (Sunday), got {week_start!r}")
