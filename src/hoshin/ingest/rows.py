"""Records from Python rows, for the push API and SQL sources.

Each row is a mapping with `kpi`, `date`, `value` and optionally `segment`,
`numerator` and `denominator`, plus the `line` it came from. A date is a
`date`, a `datetime`, or an ISO 8601 text (`2025-01-02`,
`2025-01-02T08:30:00-03:00`). A timestamp without an offset is read in
`timestamp_zone`, which is the organization's zone by default.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import polars as pl
from django.utils.translation import gettext as _

from hoshin.engine.periods import local_date
from hoshin.ingest.layout import RECORD_SCHEMA
from hoshin.ingest.readers import RowError


def _moment(value, zone: ZoneInfo) -> dt.datetime | dt.date | None:
    if isinstance(value, (dt.date, dt.datetime)):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            moment = dt.date.fromisoformat(text) if len(text) <= 10 else dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if isinstance(moment, dt.datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def _number(row: dict, name: str, line: int, errors: list[RowError]) -> float | None:
    value = row.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        errors.append(RowError(line, _("%(name)s must be a finite number, not %(value)r") % {"name": name, "value": value},
                               name))
        return None
    return float(value)


def records_from_rows(rows, organization, *, timestamp_zone: str | None = None) -> tuple[pl.DataFrame, list[RowError]]:
    zone = ZoneInfo(timestamp_zone or organization.time_zone)
    data = {name: [] for name in RECORD_SCHEMA}
    errors: list[RowError] = []
    for position, row in enumerate(rows, start=1):
        line = row.get("line", position)
        moment = _moment(row.get("date"), zone)
        if moment is None:
            errors.append(RowError(line, _("%(date)r is not an ISO 8601 date or timestamp") % {"date": row.get("date")},
                                   "date"))
            continue
        numbers = {name: _number(row, name, line, errors) for name in ("value", "numerator", "denominator")}
        if isinstance(moment, dt.datetime):
            day = local_date(moment, organization.time_zone)
            instant = moment.astimezone(dt.UTC).replace(tzinfo=None)
        else:
            day, instant = moment, dt.datetime.combine(moment, dt.time())
        data["line"].append(line)
        data["kpi"].append(None if row.get("kpi") is None else str(row["kpi"]))
        data["day"].append(day)
        data["moment"].append(instant)
        data["segment"].append(str(row.get("segment") or "").strip())
        for name, number in numbers.items():
            data[name].append(number)
    return pl.DataFrame(data, schema=RECORD_SCHEMA), errors
