"""Organization, unit tree, perspectives, strategic objectives and the strategy map."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoshin.core.choices import CycleKind, ProrateBy, RollupMode, Sign, Visibility

KEY_HELP = _("Stable identifier used in strategy files, URLs and imports.")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not an IANA time zone such as America/Sao_Paulo."), params={"zone": value})


class Organization(models.Model):
    """The tenant: every other object belongs to exactly one organization."""

    key = models.SlugField(max_length=64, unique=True, help_text=KEY_HELP)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    locale = models.CharField(max_length=10, default="en")
    week_start = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(6)], help_text=_("First day of the week: 0 is Monday, 6 is Sunday.")
    )
    prorate_by = models.CharField(max_length=10, choices=ProrateBy.choices, default=ProrateBy.DAYS)
    visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    # Raised by every write that can change a score; cached scores are keyed by it.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["data_version"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of the organization's tree: company, division, department, team."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    key = models.SlugField(max_length=64, help_text=KEY_HELP)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    archived = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="unit_key_unique")]

    def __str__(self) -> str:
        return self.name


class Perspective(models.Model):
    """A balanced-scorecard lens; the four classic ones by default, renamable and extensible."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="perspectives")
    key = models.SlugField(max_length=64, help_text=KEY_HELP)
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="perspective_key_unique")]

    def __str__(self) -> str:
        return self.name


class StrategicObjective(models.Model):
    """A scorecard objective in one perspective, owned by a unit."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="strategic_objectives")
    key = models.SlugField(max_length=64, help_text=KEY_HELP)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    perspective = models.ForeignKey(Perspective, on_delete=models.PROTECT, related_name="objectives")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="strategic_objectives")
    rollup_mode = models.CharField(max_length=10, choices=RollupMode.choices, default=RollupMode.MEAN)
    weight = models.FloatField(default=1.0)
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "perspective__position", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="strategic_objective_key_unique")]

    def __str__(self) -> str:
        return self.name


class StrategicKpi(models.Model):
    """A KPI that measures a strategic objective directly."""

    objective = models.ForeignKey(StrategicObjective, on_delete=models.CASCADE, related_name="kpi_links")
    kpi = models.ForeignKey("kpis.Kpi", on_delete=models.CASCADE, related_name="strategic_links")
    weight = models.FloatField(default=1.0)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "position"]
        constraints = [models.UniqueConstraint(fields=["objective", "kpi"], name="strategic_kpi_unique")]


class CauseEffectLink(models.Model):
    """"Objective A drives objective B" on the strategy map."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="links")
    cause = models.ForeignKey(StrategicObjective, on_delete=models.CASCADE, related_name="effects")
    effect = models.ForeignKey(StrategicObjective, on_delete=models.CASCADE, related_name="causes")
    hypothesis = models.TextField(blank=True)
    sign = models.CharField(max_length=10, choices=Sign.choices, default=Sign.POSITIVE)
    lag_days = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cause", "effect"], name="link_unique"),
            models.CheckConstraint(condition=~models.Q(cause=models.F("effect")), name="link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.cause.key} → {self.effect.key}"


class Cycle(models.Model):
    """An OKR period: a fiscal quarter, a fiscal year or a custom range of dates."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="cycles")
    key = models.CharField(max_length=64, help_text=_("For example 2026-Q1, 2026 or a custom name."))
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=CycleKind.choices, default=CycleKind.QUARTER)
    start = models.DateField()
    end = models.DateField(help_text=_("Last day of the cycle, inclusive."))

    class Meta:
        ordering = ["organization", "start", "key"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="cycle_key_unique"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="cycle_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.name
