"""Dates and timestamps written as people write them.

Accepted without a format:

- ISO dates, also unpadded (`2003-1-1`);
- ISO timestamps with or without an offset (`2020-01-01 00:00:00`,
  `2026-03-31T22:30:00Z`);
- day/month/year or month/day/year with `/`, `-` or `.` and a two- or
  four-digit year;
- `02-Jan-25` and `2 de janeiro de 2025`, with month names in English or in
  the file's locale;
- a month alone (`2024-01`, `January 2024`), read as its first day.

Two-digit years below 69 are 20xx, as in Python's `%y`.

Whether `02/01/2025` is 2 January or 1 February is decided by, in order:
an explicit `--date-format`; the column itself, when a first part above
12 proves that days come first (or a second part above 12 that months
do); the declared locale's short date pattern (CLDR via Babel); and
finally the organization's locale.

Parsing runs once per distinct text, so a column of a million rows with a
few thousand distinct dates costs a few thousand parses.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import polars as pl
from babel.dates import get_date_format, get_month_names
from django.utils.translation import gettext as _

from hoshin.core.errors import ValidationFailed
from hoshin.ingest.numbers import NOT_APPLICABLE, parse_locale

DAY_FIRST, MONTH_FIRST = "dmy", "mdy"

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})(?:\s+de)?[\s/.-]+([^\W\d_]+)\.?(?:\s+de)?[\s/.-]+(\d{2}|\d{4})$")
_NAMED_MONTH = re.compile(r"^([^\W\d_]+)\.?(?:\s+de)?[\s/.-]+(\d{4})$")
_TIME = re.compile(r"^(?P<date>[^T ]+)[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if not unicodedata.combining(char)).rstrip(".")


@dataclass
class DateFormat:
    """How to read a date column: an explicit strptime format, or a day/month order."""

    order: str | None = None
    strptime: str | None = None
    month_names: dict[str, int] = field(default_factory=dict)
    label: str = ""

    def describe(self) -> str:
        if self.strptime:
            return self.strptime
        return _("day/month/year") if self.order == DAY_FIRST else _("month/day/year")


def month_names(locale_tag: str | None) -> dict[str, int]:
    names: dict[str, int] = {}
    for tag in ("en", locale_tag) if locale_tag else ("en",):
        locale = parse_locale(tag)
        for width in ("abbreviated", "wide"):
            for number, name in get_month_names(width, locale=locale).items():
                names[_fold(name)] = number
    names.setdefault("sept", 9)
    return names


def locale_order(locale_tag: str) -> str:
    pattern = get_date_format("short", locale=parse_locale(locale_tag)).pattern
    return DAY_FIRST if pattern.find("d") < pattern.find("M") else MONTH_FIRST


def detect_order(texts: list[str]) -> str | None:
    """Return the order that the texts prove (a part above 12), or None when they do not tell."""
    day_first = month_first = False
    for text in texts:
        match = _NUMERIC.match(_TIME.sub(r"\g<date>", text.strip()))
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        day_first |= first > 12
        month_first |= second > 12
    if day_first and month_first:
        raise ValidationFailed(
            _("The date column mixes day/month/year and month/day/year dates; give --date-format."), field="date"
        )
    if day_first:
        return DAY_FIRST
    if month_first:
        return MONTH_FIRST
    return None


def resolve_date_format(*, strptime: str | None, locale_tag: str | None, org_locale: str, samples: list[str]) -> DateFormat:
    names = month_names(locale_tag or org_locale)
    if strptime:
        return DateFormat(strptime=strptime, month_names=names)
    order = detect_order(samples) or locale_order(locale_tag or org_locale)
    return DateFormat(order=order, month_names=names)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 69 else 1900
    return year


def _zone(text: str | None) -> dt.tzinfo | None:
    if text is None:
        return None
    if text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_date(text: str, fmt: DateFormat) -> dt.date | dt.datetime | None:
    """Return a date, a naive or aware datetime, or None when `text` is not a date in `fmt`."""
    text = text.strip()
    if fmt.strptime:
        try:
            parsed = dt.datetime.strptime(text, fmt.strptime)
        except ValueError:
            return None
        has_time = any(code in fmt.strptime for code in ("%H", "%I", "%M", "%S"))
        return parsed if has_time else parsed.date()
    try:
        timed = _TIME.match(text)
        if timed:
            day = _parse_day(timed.group("date"), fmt)
            if day is None:
                return None
            clock = dt.time.fromisoformat(timed.group("time").zfill(5) if len(timed.group("time")) == 4 else timed.group("time"))
            return dt.datetime.combine(day, clock, tzinfo=_zone(timed.group("zone")))
        return _parse_day(text, fmt)
    except ValueError:
        return None


def _parse_day(text: str, fmt: DateFormat) -> dt.date | None:
    if match := _ISO.match(text):
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _NUMERIC.match(text):
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        day, month = (first, second) if fmt.order == DAY_FIRST else (second, first)
        return dt.date(year, month, day)
    if match := _NAMED.match(text):
        month = fmt.month_names.get(_fold(match.group(2)))
        return dt.date(_year(match.group(3)), month, int(match.group(1))) if month else None
    if match := _ISO_MONTH.match(text):
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    if match := _NAMED_MONTH.match(text):
        month = fmt.month_names.get(_fold(match.group(1)))
        return dt.date(int(match.group(2)), month, 1) if month else None
    return None


def parse_date_column(texts: pl.Series, fmt: DateFormat) -> pl.DataFrame:
    """Parse the distinct texts of a date column into a lookup frame keyed by the text.

    Columns: `text`, `day` (a date-only value), `naive` (a timestamp without
    zone), `aware` (a timestamp with an offset, in UTC), `not_applicable` and
    `invalid`.
    """
    rows = {"text": [], "day": [], "naive": [], "aware": [], "not_applicable": [], "invalid": []}
    for text in texts.drop_nulls().unique().to_list():
        parsed = None if text.strip() in NOT_APPLICABLE else parse_date(text, fmt)
        is_timestamp = isinstance(parsed, dt.datetime)
        rows["text"].append(text)
        rows["day"].append(parsed if parsed is not None and not is_timestamp else None)
        rows["naive"].append(parsed if is_timestamp and parsed.tzinfo is None else None)
        rows["aware"].append(parsed.astimezone(dt.UTC).replace(tzinfo=None) if is_timestamp and parsed.tzinfo else None)
        rows["not_applicable"].append(text.strip() in NOT_APPLICABLE)
        rows["invalid"].append(parsed is None and text.strip() not in NOT_APPLICABLE)
    return pl.DataFrame(rows, schema={
        "text": pl.Utf8, "day": pl.Date, "naive": pl.Datetime("us"), "aware": pl.Datetime("us"),
        "not_applicable": pl.Boolean, "invalid": pl.Boolean,
    })
