"""API tokens: long random secrets that let a program act as a user with limited scopes.

A raw token reads `hsn_<prefix>_<secret>`. The prefix is stored in clear
and indexed, so a request finds its token with one query. The secret is
stored only as SHA-256 over a per-token random salt and the secret. A fast
hash is enough here because the secret has 256 random bits, so guessing it
is infeasible at any hashing speed. A password hasher (PBKDF2 with about a
million rounds) would add a noticeable delay to every API request.
The raw token is returned once by `create_token` and never stored or logged.

A token acts as its user: the services still check the user's role, and
the scope only narrows what the token may be used for.
"""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from hoshin.accounts import ratelimit
from hoshin.core.errors import PermissionDenied, ValidationFailed

TOKEN_PREFIX = "hsn"
PREFIX_BYTES = 6
SECRET_BYTES = 32
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class Scope(models.TextChoices):
    READ = "read", gettext_lazy("Read everything the user may see")
    WRITE_MEASUREMENTS = "write:measurements", gettext_lazy("Write KPI measurements")
    WRITE_OKRS = "write:okrs", gettext_lazy("Write OKR objectives, key results and check-ins")
    ADMIN = "admin", gettext_lazy("Everything the user may do")


# A scope also grants the scopes listed here. Writing implies reading what
# one writes, and `admin` grants every scope.
IMPLIED_SCOPES = {
    Scope.ADMIN: set(Scope.values),
    Scope.WRITE_MEASUREMENTS: {Scope.READ},
    Scope.WRITE_OKRS: {Scope.READ},
}


def granted_scopes(scopes) -> set[str]:
    """Return `scopes` together with every scope they imply."""
    granted = set(scopes)
    for scope in scopes:
        granted |= {str(implied) for implied in IMPLIED_SCOPES.get(scope, set())}
    return granted


def hash_secret(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


class ApiToken(models.Model):
    """A named API token of one user; the secret is kept only as a salted hash."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=16, unique=True)
    salt = models.CharField(max_length=32)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["salt", "key_hash", "last_used_at"])

    class Meta:
        app_label = "accounts"
        ordering = ["user", "-created_at"]
        verbose_name = gettext_lazy("API token")
        verbose_name_plural = gettext_lazy("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}_{self.prefix}_…)"

    @property
    def display_key(self) -> str:
        """The part of the raw token that may be shown again to identify it."""
        return f"{TOKEN_PREFIX}_{self.prefix}_…"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_secret(self.salt, secret))


def _validate_scopes(scopes) -> list[str]:
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationFailed(_("Give the token at least one scope."), field="scopes")
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown scope %(scope)s; use one of %(choices)s.")
            % {"scope": ", ".join(unknown), "choices": ", ".join(Scope.values)},
            field="scopes",
        )
    return scopes


def create_token(user, *, name: str, scopes, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with the raw token, which is not retrievable later."""
    scopes = _validate_scopes(scopes)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name."), field="name")
    if expires_in_days is not None and expires_in_days < 1:
        raise ValidationFailed(_("A token must be valid for at least one day."), field="expires_in_days")

    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    salt = secrets.token_hex(16)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        scopes=scopes,
        prefix=prefix,
        salt=salt,
        key_hash=hash_secret(salt, secret),
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    token._history_user = user
    token.save()
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def revoke_token(token: ApiToken, *, actor=None, reason: str = "") -> ApiToken:
    """Mark `token` revoked from now on; revoking twice keeps the first moment."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        if actor is not None and getattr(actor, "pk", None) is not None:
            token._history_user = actor
        token._change_reason = reason
        token.save(update_fields=["revoked_at"])
    return token


def _split(raw: str) -> tuple[str, str] | None:
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def find_token(raw: str, *, address: str | None = None) -> ApiToken:
    """Return the token whose prefix and secret match `raw`, or raise `PermissionDenied`.

    Failures count against `address` and, when the prefix names a token,
    against the token's user. Once either has too many failures, every
    attempt raises `TooManyAttempts` until the window has passed, even
    with the right secret.
    """
    ratelimit.check(ratelimit.token_keys(None, address))
    parts = _split(raw)
    if parts is None:
        ratelimit.record_failure(ratelimit.token_keys(None, address))
        raise PermissionDenied(_("The API token is malformed. It should start with %(prefix)s_.") % {"prefix": TOKEN_PREFIX})

    prefix, secret = parts
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    keys = ratelimit.token_keys(token.user_id if token else None, address)
    ratelimit.check(keys)
    if token is None or not token.matches(secret):
        ratelimit.record_failure(keys)
        raise PermissionDenied(_("The API token is unknown or its secret does not match."))
    return token


def authenticate_token(raw: str, scope: str, *, address: str | None = None):
    """Return the user that the raw token `raw` acts for if the token grants `scope`.

    Raises `PermissionDenied` with a message saying why when the token is
    malformed, unknown, revoked, expired, its user is inactive, or it lacks
    `scope`. The returned user carries the token as `user.api_token`, so
    history rows written with this user as actor can name the token.
    `address` is the client's IP address (see `ratelimit.client_address`),
    used to limit failed attempts.
    """
    if scope not in Scope.values:
        raise ValueError(f"unknown token scope {scope!r}")

    token = find_token(raw, address=address)
    now = timezone.now()
    if token.revoked_at is not None:
        raise PermissionDenied(_("The API token %(token)s was revoked.") % {"token": token.display_key})
    if token.is_expired(now):
        raise PermissionDenied(_("The API token %(token)s has expired.") % {"token": token.display_key})
    if not token.user.is_active:
        raise PermissionDenied(_("The user of the API token %(token)s is inactive.") % {"token": token.display_key})
    if scope not in granted_scopes(token.scopes):
        raise PermissionDenied(
            _("The API token %(token)s lacks the scope %(scope)s.") % {"token": token.display_key, "scope": scope}
        )

    _touch(token, now)
    user = token.user
    user.api_token = token
    return user


def _touch(token: ApiToken, now: dt.datetime) -> None:
    # A conditional update, at most once a minute, so busy clients do not
    # write the row on every request and no history row is created.
    stale = models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
