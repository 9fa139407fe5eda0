"""The shape every organization page shares: authorize, pick the language, respond with HTML or JSON.

A view decorated with `organization_page` receives the organization from
the URL, already checked against the user's memberships. It builds one
plain dict of page data and hands it to `respond`, which renders it with
a template or returns it as JSON. The JSON variant is asked for with a
`.json` suffix on the URL or with `Accept: application/json`.

Errors have one JSON shape, `{"error": {"code", "message", "field"}}`,
built in `error_response`.
"""

import datetime as dt
import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.core import exceptions as django_exceptions
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hoshin.core.errors import DomainError, PermissionDenied, ValidationFailed
from hoshin.engine import periods
from hoshin.web.access import organization_for
from hoshin.web.language import activate_for_organization

logger = logging.getLogger(__name__)

JSON_TYPE = "application/json"


def wants_json(request, as_json: bool = False) -> bool:
    if as_json:
        return True
    return request.get_preferred_type(["text/html", JSON_TYPE]) == JSON_TYPE


def organization_page(view):
    """Wrap a page view: login, organization scope, language, JSON variant, page cache and error pages.

    The view is called as `view(request, organization, **url_kwargs)`.
    """

    @login_required
    @wraps(view)
    def wrapper(request, org: str, *args, as_json: bool = False, **kwargs):
        request.wants_json = wants_json(request, as_json)
        try:
            organization = organization_for(request.user, org)
            request.organization = organization
            activate_for_organization(request, organization)
            key = page_cache_key(request, organization)
            response = cache.get(key) if key else None
            if response is None:
                response = view(request, organization, *args, **kwargs)
                if key and response.status_code == 200 and not response.cookies:
                    cache.set(key, response, settings.HOSHIN_PAGE_CACHE_SECONDS)
            return response
        except Http404:
            if request.wants_json:
                return error_response(request, "not_found", _("Not found."), status=404)
            raise
        except (PermissionDenied, django_exceptions.PermissionDenied) as error:
            message = getattr(error, "message", None) or str(error) or _("You may not open this page.")
            logger.info("permission denied for user %s on %s: %s", request.user.pk, request.path, message)
            return error_response(request, "forbidden", message, status=403)
        except DomainError as error:
            return domain_error_response(request, error)

    return wrapper


def page_cache_key(request, organization) -> str | None:
    """Return the cache key of a page, or None when the page must be rendered afresh.

    A page depends on the URL and its query, the language, the browser
    session (the user, their rights and the CSRF token of its forms), the
    day, and the organization's data version, which every write raises.
    Pages with messages waiting to be shown, and requests other than GET,
    are never cached. The organization was read at the start of this
    request, so its data version is current.
    """
    if not settings.HOSHIN_PAGE_CACHE_SECONDS:
        return None
    session_key = getattr(request.session, "session_key", None)
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if request.method != "GET" or not session_key or not csrf_cookie or len(get_messages(request)):
        return None
    parts = [
        request.get_full_path(), get_language(), str(request.wants_json), session_key, csrf_cookie,
        str(organization.pk), str(organization.created_at.timestamp() if organization.created_at else 0),
        today_for(organization).isoformat(), str(organization.data_version),
    ]
    return "hoshin:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def today_for(organization) -> dt.date:
    """Return today's date in the organization's time zone."""
    return periods.local_date(timezone.now(), organization.time_zone)


def as_of_from(request, organization) -> dt.date:
    """Return the `as_of` query parameter (YYYY-MM-DD), or today in the organization's time zone."""
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return today_for(organization)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(_("%(value)s is not a date; use the form 2026-03-14.") % {"value": raw}, field="as_of") from None


def organization_data(organization) -> dict:
    return {"key": organization.key, "name": organization.name, "time_zone": organization.time_zone}


def json_response(data: dict, *, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def respond(request, template: str, data: dict, *, status: int = 200) -> HttpResponse:
    """Render `data` with `template`, or return it as JSON when the request prefers JSON."""
    if getattr(request, "wants_json", False):
        return json_response(data, status=status)
    return render(request, template, data, status=status)


def error_response(request, code: str, message: str, *, field: str | None = None, status: int = 400) -> HttpResponse:
    """Return the error as JSON, as an htmx fragment for the status region, or as a full page."""
    if getattr(request, "wants_json", False):
        body = {"error": {"code": code, "message": message, "field": field}}
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    context = {"code": code, "message": message, "status": status}
    if request.headers.get("HX-Request"):
        response = render(request, "web/partials/flash.html", {"level": "error", "text": message}, status=status)
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "web/error.html", context, status=status)


def domain_error_response(request, error: DomainError) -> HttpResponse:
    status = 403 if isinstance(error, PermissionDenied) else 422
    return error_response(request, error.code, error.message, field=error.field, status=status)
