"""Invitations: an e-mailed link that creates a user with a membership when accepted.

The link carries a random token. Only its SHA-256 is stored, as for API
tokens, so a copy of the database cannot be used to accept invitations.
An invitation is valid once and until it expires.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from hoshin.accounts.models import Role
from hoshin.organizations.models import Organization, Unit

INVITATION_BYTES = 32
DEFAULT_INVITATION_DAYS = 7


def hash_invitation_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_invitation_token() -> tuple[str, str]:
    """Return a new raw token and its hash."""
    raw = secrets.token_urlsafe(INVITATION_BYTES)
    return raw, hash_invitation_token(raw)


class Invitation(models.Model):
    """An invitation to join an organization in a role, optionally on a unit."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        app_label = "accounts"
        ordering = ["organization", "-created_at"]
        verbose_name = gettext_lazy("invitation")
        verbose_name_plural = gettext_lazy("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.role})"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and not self.is_expired()
