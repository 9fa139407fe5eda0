"""Limits on failed sign-ins and failed API token checks, per account and per client address.

Each failure is a row keyed by what it counts against (`login:user:alice`,
`login:address:203.0.113.9`, `token:user:7` ...). A key with `limit` or
more failures inside the sliding window is locked until enough of them
are older than the window. Rows live in the database, so the limit applies
across server processes. Rows older than the window are deleted on the
next failure.

Limits come from settings: `LOGIN_FAILURE_WINDOW_MINUTES` (default 15),
`LOGIN_FAILURES_PER_ACCOUNT` (5) and `LOGIN_FAILURES_PER_ADDRESS` (20).
NOTE: a locked account also locks out its owner for the window, which
lets anyone who knows a username delay that user's sign-in.
"""

import datetime as dt
import math

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import ngettext

from hoshin.core.errors import PermissionDenied


class FailedAttempt(models.Model):
    """One failed sign-in or token check, counted against `key`."""

    key = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "accounts"
        indexes = [models.Index(fields=["key", "at"], name="failed_attempt_key_at"), models.Index(fields=["at"])]


class TooManyAttempts(PermissionDenied):
    """Too many failures for an account or an address; `retry_after` is in seconds."""

    code = "rate_limited"

    def __init__(self, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        message = ngettext(
            "Too many failed attempts; try again in %(minutes)d minute.",
            "Too many failed attempts; try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(message)
        self.retry_after = retry_after


def window() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "LOGIN_FAILURE_WINDOW_MINUTES", 15))


def account_limit() -> int:
    return getattr(settings, "LOGIN_FAILURES_PER_ACCOUNT", 5)


def address_limit() -> int:
    return getattr(settings, "LOGIN_FAILURES_PER_ADDRESS", 20)


def login_keys(username: str | None, address: str | None) -> dict[str, int]:
    """Return the keys a sign-in attempt counts against, each with its limit."""
    keys = {}
    if username:
        keys[f"login:user:{username.strip().lower()}"] = account_limit()
    if address:
        keys[f"login:address:{address}"] = address_limit()
    return keys


def token_keys(user_id: int | None, address: str | None) -> dict[str, int]:
    """Return the keys an API token check counts against, each with its limit."""
    keys = {}
    if user_id is not None:
        keys[f"token:user:{user_id}"] = account_limit()
    if address:
        keys[f"token:address:{address}"] = address_limit()
    return keys


def seconds_locked(keys: dict[str, int], now: dt.datetime | None = None) -> int:
    """Return how many seconds the most restrictive key stays locked, or 0 when none is."""
    if not keys:
        return 0
    now = now or timezone.now()
    since = now - window()
    counts = dict(
        FailedAttempt.objects.filter(key__in=keys, at__gt=since).values("key").annotate(n=Count("pk")).values_list("key", "n")
    )
    longest = 0
    for key, limit in keys.items():
        count = counts.get(key, 0)
        if count < limit:
            continue
        # The key unlocks when all but `limit - 1` of its failures are older
        # than the window, that is when the (count - limit + 1)-th oldest expires.
        times = list(FailedAttempt.objects.filter(key=key, at__gt=since).order_by("at").values_list("at", flat=True))
        unlock_at = times[count - limit] + window()
        longest = max(longest, math.ceil((unlock_at - now).total_seconds()))
    return longest


def check(keys: dict[str, int]) -> None:
    """Raise `TooManyAttempts` when any of `keys` is locked."""
    retry_after = seconds_locked(keys)
    if retry_after > 0:
        raise TooManyAttempts(retry_after)


def record_failure(keys: dict[str, int]) -> None:
    now = timezone.now()
    FailedAttempt.objects.filter(at__lte=now - window()).delete()
    FailedAttempt.objects.bulk_create([FailedAttempt(key=key, at=now) for key in keys])


def clear(key: str) -> None:
    FailedAttempt.objects.filter(key=key).delete()


def client_address(request) -> str | None:
    """Return the client's IP address, taken from `X-Forwarded-For` behind trusted proxies.

    `TRUSTED_PROXY_HOPS` is the number of reverse proxies in front of the
    application. With 0 (the default) the header is ignored, because a
    client could write any address into it.
    """
    if request is None:
        return None
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None
