"""SQL sources that Hoshin pulls measurements from, and API idempotency records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from hoshin.ingest.crypto import EncryptedTextField
from hoshin.kpis.models import Kpi
from hoshin.organizations.models import KEY_HELP, Organization


def mask_url(url: str) -> str:
    """Return `url` with its password replaced by ***, for display and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "***"


class DataSource(models.Model):
    """An external SQL database queried for one KPI's values, or several KPIs' values.

    The query returns the columns `period` (a date or timestamp), `value`
    and optionally `segment`, `numerator`, `denominator` and `kpi`, and takes
    the bound parameters `:start` and `:end`. With `kpi` set, every row
    belongs to that KPI; without it the query returns a `kpi` column whose
    values are KPI keys, or names translated by `kpi_mapping`.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="data_sources")
    key = models.SlugField(max_length=64, help_text=KEY_HELP)
    name = models.CharField(max_length=200)
    url = EncryptedTextField(help_text=_("SQLAlchemy URL such as postgresql://user:password@host/db; stored encrypted."))
    query = models.TextField(help_text=_("SELECT returning period, value and optionally segment, numerator, denominator, kpi; "
                                         "bound parameters :start and :end."))
    kpi = models.ForeignKey(Kpi, null=True, blank=True, on_delete=models.CASCADE, related_name="data_sources")
    kpi_mapping = models.JSONField(default=dict, blank=True,
                                   help_text=_("Values of the query's kpi column mapped to KPI keys."))
    timeout_seconds = models.PositiveIntegerField(default=30, help_text=_("Statement timeout in seconds."))
    lookback_days = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Days before today that :start covers; empty for a default by KPI frequency.")
    )
    pull_interval_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Minutes between scheduled pulls; empty for a default by KPI frequency.")
    )
    enabled = models.BooleanField(default=True)
    next_pull_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    last_rows = models.PositiveIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "key"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="data_source_key_unique")]

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<DataSource {self.key} {self.display_url}>"

    @property
    def display_url(self) -> str:
        return mask_url(self.url)


class DataSourceRun(models.Model):
    """One pull of a data source: when, how long, how many rows and the error if it failed."""

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    revised = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["source", "-started_at"]

    @property
    def succeeded(self) -> bool:
        return not self.error


class IdempotencyRecord(models.Model):
    """The response to an API write sent with an `Idempotency-Key`, replayed for 24 hours."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.TextField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="idempotency_key_unique")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]
