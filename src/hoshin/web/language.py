"""The language of an organization's pages: the user's choice, else the browser's, else the organization's.

`LocaleMiddleware` already applies the first two and falls back to
`LANGUAGE_CODE`. It does not know the organization, so pages inside one
call `activate_for_organization` to replace that last fallback with the
organization's default locale.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.replace("_", "-").lower())
    except LookupError:
        return None


def chosen_language(request) -> str | None:
    """Return the language the user picked with the language switch, if it is supported."""
    return _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def browser_language(request) -> str | None:
    """Return the first supported language of the Accept-Language header, if any."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            continue
        language = _supported(code)
        if language:
            return language
    return None


def language_for(request, organization) -> str:
    return (
        chosen_language(request)
        or browser_language(request)
        or _supported(organization.locale)
        or settings.LANGUAGE_CODE
    )


def activate_for_organization(request, organization) -> str:
    """Activate the page language for `organization` and return its code."""
    language = language_for(request, organization)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language
