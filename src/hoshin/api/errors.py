"""The API's one JSON error shape, and the handlers that turn every error into it.

Every error response reads::

    {"error": {"code": "invalid_rows", "message": "2 rows are invalid, so nothing was imported.",
               "details": [{"line": 3, "field": "value", "message": "..."}]}}

`details` is a list, empty when there is nothing to add. `line` is the line
of a CSV or JSON-lines body, or the position (from 1) in a JSON array.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hoshin.core.errors import DomainError, NotFound, PermissionDenied
from hoshin.ingest.service import IngestRejected

logger = logging.getLogger(__name__)

STATUS_BY_ERROR = [(PermissionDenied, 403), (NotFound, 404), (DomainError, 422)]
CODE_BY_STATUS = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                  409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid", 429: "throttled"}


class ApiError(Exception):
    """An error raised by an API handler with its HTTP status, code and message."""

    def __init__(self, status: int, message: str, *, code: str | None = None, details: list | None = None):
        super().__init__(message)
        self.status, self.message = status, message
        self.code = code or CODE_BY_STATUS.get(status, "error")
        self.details = details or []


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "details": list(details or [])}}


def error_response(status: int, code: str, message: str, details: list | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, details), status=status)


def _domain_error(request, exc: DomainError):
    from hoshin.accounts.ratelimit import TooManyAttempts

    if isinstance(exc, TooManyAttempts):
        response = error_response(429, exc.code, exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response
    status = next(status for cls, status in STATUS_BY_ERROR if isinstance(exc, cls))
    if isinstance(exc, IngestRejected):
        details = [{"line": error.line, "field": error.column, "message": error.message} for error in exc.errors]
        return error_response(422, exc.code, exc.message, details)
    details = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return error_response(status, exc.code, exc.message, details)


def _validation_error(request, exc: NinjaValidationError):
    details = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in {"body", "query", "path", "header"}:
            location = location[1:]
        detail = {"field": ".".join(location), "message": error.get("msg", "")}
        numbers = [part for part in error.get("loc", ()) if isinstance(part, int)]
        if numbers:
            detail["line"] = numbers[0] + 1
        details.append(detail)
    return error_response(422, "invalid", _("The request is invalid."), details)


def _http_error(request, exc: HttpError):
    return error_response(exc.status_code, CODE_BY_STATUS.get(exc.status_code, "error"), exc.message)


def _authentication_error(request, exc: AuthenticationError):
    return error_response(401, "unauthenticated", _("Send an API token in the header Authorization: Bearer <token>."))


def _api_error(request, exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.details)


def _too_large(request, exc: RequestDataTooBig):
    return error_response(413, "too_large", _("The request body is too large."))


def _not_found(request, exc: Http404):
    return error_response(404, "not_found", _("Not found."))


def _unexpected(request, exc: Exception):
    logger.exception("API request %s %s failed", request.method, request.path)
    return error_response(500, "internal_error", _("The server failed to handle the request; it was logged."))


def register_error_handlers(api) -> None:
    """Register handlers so that `api` returns every error, expected or not, in the one error shape."""
    api.add_exception_handler(Exception, _unexpected)
    api.add_exception_handler(DomainError, _domain_error)
    api.add_exception_handler(NinjaValidationError, _validation_error)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(AuthenticationError, _authentication_error)
    api.add_exception_handler(ApiError, _api_error)
    api.add_exception_handler(RequestDataTooBig, _too_large)
    api.add_exception_handler(Http404, _not_found)
