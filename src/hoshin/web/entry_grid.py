"""The data entry grid of a unit: its daily or weekly KPIs against the days or weeks of one week or month.

`period=week` shows the unit's daily KPIs against the seven days of a week;
`period=month` shows its weekly KPIs against the weeks that start in a
month. Cells are typed in the page language's number format and parsed
with Babel, and the values go to the ingestion service as one input, so
one invalid cell writes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from hoshin.core.errors import ValidationFailed
from hoshin.engine import periods
from hoshin.kpis.models import Kpi, Measurement

# The KPI frequency each grid period shows, and the frequency of its columns.
ROW_FREQUENCY = {"week": "daily", "month": "weekly"}
SOURCE = "web:entry"
# Cells show up to six decimals; more precision is kept in the database.
DISPLAY_PATTERN = "#,##0.######"


@dataclass(frozen=True)
class Column:
    start: dt.date
    end: dt.date


def babel_locale() -> str:
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def grid_columns(organization, period: str, start: dt.date) -> tuple[dt.date, dt.date, list[Column]]:
    """Return the first and last day of the week or month holding `start`, and its columns."""
    week_start = organization.week_start
    if period == "week":
        week = periods.period_of(start, "weekly", week_start=week_start)
        days = [week.start + dt.timedelta(days=offset) for offset in range(7)]
        return week.start, week.end, [Column(day, day) for day in days]

    month = periods.period_of(start, "monthly")
    weeks = periods.periods_between(month.start, month.end, "weekly", week_start=week_start)
    return month.start, month.end, [Column(week.start, week.end) for week in weeks if week.start >= month.start]


def parse_period(raw: str | None) -> str:
    period = (raw or "week").strip()
    if period not in ROW_FREQUENCY:
        raise ValidationFailed(_("The period must be week or month, not %(value)s.") % {"value": period}, field="period")
    return period


def parse_start(raw: str | None, today: dt.date) -> dt.date:
    if not raw:
        return today
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed(
            _("%(value)s is not a date; use the form 2026-03-14.") % {"value": raw}, field="start"
        ) from None


def grid_kpis(unit, period: str) -> list[Kpi]:
    return list(
        Kpi.objects.filter(unit=unit, archived=False, frequency=ROW_FREQUENCY[period]).order_by("position", "key")
    )


def stored_values(kpis: list[Kpi], first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], float | None]:
    """Return the stored value of each KPI and period start in `first`..`last`, without segment."""
    rows = Measurement.objects.filter(
        kpi__in=kpis, segment="", period_start__gte=first, period_start__lte=last
    ).values_list("kpi_id", "period_start", "value")
    return {(kpi_id, start): value for kpi_id, start, value in rows}


def cell_name(kpi_key: str, day: dt.date) -> str:
    return f"cell:{kpi_key}:{day.isoformat()}"


def cell_id(kpi_key: str, day: dt.date) -> str:
    return f"cell-{kpi_key}-{day.isoformat()}"


def format_value(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return format_decimal(value, format=DISPLAY_PATTERN, locale=babel_locale())


def parse_value(text: str) -> float:
    """Parse a number typed in the page language's format (1.234,5 in pt-BR); raise ValueError when invalid."""
    try:
        number = float(parse_decimal(text, locale=babel_locale(), strict=True))
    except (NumberFormatError, ValueError):
        raise ValueError(text) from None
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def example_number() -> str:
    return format_decimal(1234.5, format=DISPLAY_PATTERN, locale=babel_locale())


def is_editable_kpi(kpi: Kpi) -> bool:
    """Tell whether the grid can take a KPI's value: a ratio KPI needs a numerator and a denominator."""
    return kpi.aggregation != "ratio"


def parse_cells(post, kpis: list[Kpi], columns: list[Column], stored: dict) -> tuple[list[dict], dict, dict]:
    """Parse the posted cells; return the rows that changed, the errors by cell id and the typed texts by cell id.

    An empty cell is left alone: the grid does not delete stored values.
    """
    rows, errors, texts = [], {}, {}
    for kpi in kpis:
        if not is_editable_kpi(kpi):
            continue
        for column in columns:
            text = post.get(cell_name(kpi.key, column.start), "").strip()
            identifier = cell_id(kpi.key, column.start)
            texts[identifier] = text
            if not text:
                continue
            try:
                value = parse_value(text)
            except ValueError:
                errors[identifier] = _("%(value)s is not a number; write it like %(example)s.") % {
                    "value": text, "example": example_number()}
                continue
            if stored.get((kpi.pk, column.start)) == value:
                continue
            rows.append({"kpi": kpi.key, "date": column.start, "value": value, "cell": identifier})
    return rows, errors, texts


def grid_rows(kpis: list[Kpi], columns: list[Column], stored: dict, *, texts=None, errors=None) -> list[dict]:
    """Build one row per KPI with one cell per column: the typed text after a failed save, else the stored value."""
    texts, errors = texts or {}, errors or {}
    rows = []
    for kpi in kpis:
        cells = []
        for column in columns:
            identifier = cell_id(kpi.key, column.start)
            value = stored.get((kpi.pk, column.start))
            cells.append({
                "id": identifier,
                "name": cell_name(kpi.key, column.start),
                "date": column.start,
                "value": value,
                "text": texts[identifier] if identifier in texts else format_value(value),
                "error": errors.get(identifier),
            })
        rows.append({
            "key": kpi.key, "name": kpi.name, "unit_of_measure": kpi.unit_of_measure,
            "aggregation": kpi.aggregation, "editable": is_editable_kpi(kpi), "cells": cells,
        })
    return rows
