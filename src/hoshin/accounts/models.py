"""Memberships: which user works in which organization, on which unit, in which role."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoshin.organizations.models import Organization, Unit


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STRATEGY_OFFICE = "strategy_office", _("Strategy office")
    UNIT_LEAD = "unit_lead", _("Unit lead")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "organization", "unit"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.role}"


# Registered with the app here so Django finds the models, which live with
# the functions that use them.
from hoshin.accounts.invitations import Invitation  # noqa: E402, F401
from hoshin.accounts.ratelimit import FailedAttempt  # noqa: E402, F401
from hoshin.accounts.tokens import ApiToken  # noqa: E402, F401
