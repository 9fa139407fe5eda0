"""Formatting in the active locale, status badges and the site header.

Numbers and percentages go through Babel, so 1234.5 reads 1.234,5 in
Portuguese and Spanish. Dates use Django's SHORT_DATE_FORMAT of the active
language (14/03/2026 in pt-BR). A missing number prints as an em dash.
"""

import datetime as dt
import math

from babel.numbers import format_decimal, format_percent
from django import template
from django.conf import settings
from django.utils import formats, translation

from hoshin.web.access import user_organizations
from hoshin.web.status import status_display

register = template.Library()

MISSING = "—"


def _babel_locale() -> str:
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@register.filter
def num(value, digits=1):
    """Format a number with up to `digits` decimals and the locale's separators."""
    if not _is_number(value):
        return MISSING
    pattern = "#,##0." + "#" * int(digits) if int(digits) > 0 else "#,##0"
    return format_decimal(value, format=pattern, locale=_babel_locale())


@register.simple_tag
def quantity(value, unit_of_measure="", digits=2):
    """Format a number followed by its unit of measure; a missing number prints a dash without the unit."""
    if not _is_number(value):
        return MISSING
    return f"{num(value, digits)} {unit_of_measure}".strip()


@register.filter
def percent(value, digits=0):
    """Format a fraction (0.734) as a percentage (73 %) in the active locale."""
    if not _is_number(value):
        return MISSING
    return format_percent(round(value, int(digits) + 2), locale=_babel_locale(), decimal_quantization=False)


@register.filter
def bar_width(value) -> str:
    """Return a fraction clamped to [0, 1] as a CSS percentage with a dot, for bar widths."""
    if not _is_number(value):
        return "0%"
    return f"{min(max(value, 0.0), 1.0) * 100:.1f}%"


@register.filter
def shortdate(value):
    if not isinstance(value, (dt.date, dt.datetime)):
        return MISSING
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def shortdatetime(value):
    if not isinstance(value, dt.datetime):
        return MISSING
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")


@register.inclusion_tag("web/partials/status.html")
def status_badge(status, score=None):
    """Render a status as an icon and a text label, with the score when there is one."""
    return {"status": status_display(status), "score": score}


@register.inclusion_tag("web/partials/site_header.html", takes_context=True)
def site_header(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    organization = getattr(request, "organization", None)
    organizations = list(user_organizations(user).only("key", "name")) if user is not None else []
    return {
        "request": request,
        "user": user,
        "organization": organization,
        "organizations": organizations,
        "languages": settings.LANGUAGES,
        "current_language": translation.get_language(),
        "next_url": request.get_full_path() if request is not None else "/",
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def get_item(mapping, key):
    """Return `mapping[key]`, or an empty string when the mapping lacks it."""
    if not isinstance(mapping, dict):
        return ""
    return mapping.get(key, "")
