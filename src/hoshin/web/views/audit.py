"""The organization-wide audit log: every change, filtered by object type, user and dates, and as CSV."""

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _

from hoshin.accounts.permissions import authorize
from hoshin.audit.log import audit_rows, export_audit_csv, tracked_history_models
from hoshin.core.errors import ValidationFailed
from hoshin.web.pages import organization_data, organization_page, respond

ROW_LIMIT = 500


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValidationFailed(_("%(value)s is not a date; write YYYY-MM-DD.") % {"value": value}, field=field) from error


def audit_filters(request) -> dict:
    """Read the filters from the query string; empty ones are left out."""
    filters = {
        "object_type": request.GET.get("object_type") or None,
        "user": request.GET.get("user") or None,
        "date_from": _date(request.GET.get("date_from", ""), "date_from"),
        "date_to": _date(request.GET.get("date_to", ""), "date_to"),
    }
    return {name: value for name, value in filters.items() if value is not None}


def object_types() -> list[dict]:
    types = [{"value": model._meta.label_lower, "label": str(model._meta.verbose_name)}
             for model in tracked_history_models()]
    return sorted(types, key=lambda item: item["label"])


@organization_page
def audit_log(request, organization):
    authorize(request.user, "view_audit_log", organization)
    filters = audit_filters(request)

    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{organization.key}-audit.csv"'
        export_audit_csv(organization, output=response, **filters)
        return response

    rows = audit_rows(organization, limit=ROW_LIMIT, **filters)
    data = {
        "organization": organization_data(organization),
        "filters": {name: str(value) for name, value in filters.items()},
        "object_types": object_types(),
        "limit": ROW_LIMIT,
        "rows": [
            {
                "at": row.at, "user": row.user, "token": row.token, "object_type": row.object_type_name,
                "object": row.object_label, "action": row.action, "reason": row.reason,
                "changes": [{"field": change.field, "old": change.old, "new": change.new} for change in row.changes],
            }
            for row in rows
        ],
    }
    return respond(request, "web/audit.html", data)
