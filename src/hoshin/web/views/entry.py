"""The data entry grid page: shows a unit's KPI values for a week or a month and saves them through ingestion."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoshin.accounts.permissions import authorize, is_allowed
from hoshin.ingest.rows import records_from_rows
from hoshin.ingest.service import IngestRejected, ingest
from hoshin.organizations.models import Unit
from hoshin.web import entry_grid
from hoshin.web.access import home_unit, scoped_get
from hoshin.web.pages import json_response, organization_data, organization_page, respond, today_for

# The key of errors that belong to no single cell.
NON_CELL = "form"


def entry_url(organization, unit, period: str, start: dt.date) -> str:
    return reverse("entry-grid", args=[organization.key, unit.key]) + f"?period={period}&start={start.isoformat()}"


def grid_data(request, organization, unit, period, start, *, texts=None, errors=None) -> dict:
    """Build the page data: the columns of the week or month holding `start` and one row per KPI."""
    first, last, columns = entry_grid.grid_columns(organization, period, start)
    kpis = entry_grid.grid_kpis(unit, period)
    stored = entry_grid.stored_values(kpis, first, last)
    previous_start = first - dt.timedelta(days=1)
    next_start = last + dt.timedelta(days=1)
    return {
        "organization": organization_data(organization),
        "unit": {"key": unit.key, "name": unit.name},
        "units": [
            {"key": item.key, "name": item.name}
            for item in Unit.objects.filter(organization=organization, archived=False).order_by("name")
        ],
        "period": period,
        "row_frequency": entry_grid.ROW_FREQUENCY[period],
        "first_day": first,
        "last_day": last,
        "columns": [{"start": column.start, "end": column.end} for column in columns],
        "rows": entry_grid.grid_rows(kpis, columns, stored, texts=texts, errors=errors),
        "editable": is_allowed(request.user, "record_measurement", organization, unit=unit),
        "errors": errors or {},
        "number_example": entry_grid.example_number(),
        "url": entry_url(organization, unit, period, first),
        "previous_url": entry_url(organization, unit, period, previous_start),
        "next_url": entry_url(organization, unit, period, next_start),
        "week_url": entry_url(organization, unit, "week", first),
        "month_url": entry_url(organization, unit, "month", first),
        "board_url": reverse("okr-board", args=[organization.key, unit.key]),
        "upload_url": reverse("upload", args=[organization.key]),
    }


def save_cells(request, organization, unit, period, start) -> tuple[dict, dict, int]:
    """Parse and store the posted cells; return the errors by cell id, the typed texts and the number saved.

    Nothing is written when any cell is invalid: parse errors stop before
    the ingestion service, and the service rejects its input whole.
    """
    first, last, columns = entry_grid.grid_columns(organization, period, start)
    kpis = entry_grid.grid_kpis(unit, period)
    stored = entry_grid.stored_values(kpis, first, last)
    rows, errors, texts = entry_grid.parse_cells(request.POST, kpis, columns, stored)
    if errors or not rows:
        return errors, texts, 0

    cells = {line: row.pop("cell") for line, row in enumerate(rows, start=1)}
    records, row_errors = records_from_rows(
        [{**row, "line": line} for line, row in enumerate(rows, start=1)], organization
    )
    try:
        report = ingest(organization, records, actor=request.user, source=entry_grid.SOURCE, errors=row_errors)
    except IngestRejected as rejected:
        for error in rejected.errors:
            errors[cells.get(error.line, NON_CELL)] = error.message
        return errors, texts, 0
    return {}, {}, report.inserted + report.revised


@organization_page
def entry(request, organization, unit_key: str | None = None):
    if unit_key is None:
        unit = home_unit(request.user, organization)
        if unit is None:
            raise Http404("The organization has no units.")
        name = "entry-grid-json" if request.path.endswith(".json") else "entry-grid"
        return redirect(reverse(name, args=[organization.key, unit.key]) + (f"?{request.GET.urlencode()}" if request.GET else ""))

    unit = scoped_get(request, Unit, key=unit_key)
    picked = request.GET.get("unit")
    if picked and picked != unit_key:
        unit = scoped_get(request, Unit, key=picked)
        query = request.GET.copy()
        del query["unit"]
        return redirect(reverse("entry-grid", args=[organization.key, unit.key]) + f"?{query.urlencode()}")

    period = entry_grid.parse_period(request.GET.get("period"))
    start = entry_grid.parse_start(request.GET.get("start"), today_for(organization))

    if request.method != "POST":
        return respond(request, "web/entry.html", grid_data(request, organization, unit, period, start))

    authorize(request.user, "record_measurement", organization, unit=unit)
    errors, texts, saved = save_cells(request, organization, unit, period, start)
    if errors:
        data = grid_data(request, organization, unit, period, start, texts=texts, errors=errors)
        if request.wants_json:
            message = ngettext("%(count)d cell is invalid, so nothing was saved.",
                               "%(count)d cells are invalid, so nothing was saved.", len(errors)) % {"count": len(errors)}
            body = {"error": {"code": "invalid", "message": message, "field": next(iter(errors)), "cells": errors}}
            return json_response(body, status=422)
        template = "web/partials/entry_grid.html" if request.headers.get("HX-Request") else "web/entry.html"
        return render(request, template, data, status=422)

    message = ngettext("%(count)d value saved.", "%(count)d values saved.", saved) % {"count": saved}
    if saved == 0:
        message = _("No value changed.")
    data = grid_data(request, organization, unit, period, start)
    if request.wants_json:
        return json_response({**data, "saved": saved, "message": message})
    if request.headers.get("HX-Request"):
        return render(request, "web/partials/entry_grid.html", {**data, "message": message})
    messages.success(request, message)
    return redirect(data["url"])
