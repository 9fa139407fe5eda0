"""KPI definitions, their targets and thresholds, and measurements."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoshin.core.choices import Aggregation, Direction, Frequency, IndicatorType, KpiKind
from hoshin.organizations.models import KEY_HELP, Organization, Unit


class Kpi(models.Model):
    """An indicator: strategic when it measures a strategic objective, operational when it feeds a key result.

    Thresholds are direction-aware. For `higher_is_better` a value is green
    at or above `green` and yellow at or above `yellow`; for
    `lower_is_better` green at or below `green` and yellow at or below
    `yellow`. For `target_range` the green band is `green`..`green_upper`
    and the yellow band `yellow`..`yellow_upper`.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="kpis")
    key = models.SlugField(max_length=64, help_text=KEY_HELP)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit_of_measure = models.CharField(max_length=40, blank=True)
    direction = models.CharField(max_length=20, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices, default=Aggregation.MEAN)
    kind = models.CharField(max_length=10, choices=KpiKind.choices, default=KpiKind.LEVEL)
    indicator_type = models.CharField(max_length=10, choices=IndicatorType.choices, default=IndicatorType.LAGGING)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="kpis")
    scale_min = models.FloatField(null=True, blank=True)
    scale_max = models.FloatField(null=True, blank=True)
    green = models.FloatField(null=True, blank=True, help_text=_("Green bound (lower bound of the green band for a range)."))
    yellow = models.FloatField(null=True, blank=True, help_text=_("Yellow bound (lower bound of the yellow band for a range)."))
    green_upper = models.FloatField(null=True, blank=True)
    yellow_upper = models.FloatField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="kpi_key_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_percent(self) -> bool:
        return self.unit_of_measure.strip() == "%"

    @property
    def has_thresholds(self) -> bool:
        return self.green is not None or self.yellow is not None


class KpiTarget(models.Model):
    """The target of a KPI for one period (a fiscal year, quarter, month...)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    period = models.CharField(max_length=20, help_text=_("Period label: 2026, 2026-Q1, 2026-03, 2026-W11 or 2026-03-14."))
    start = models.DateField()
    end = models.DateField()
    value = models.FloatField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "start"]
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="kpi_target_unique")]


class Measurement(models.Model):
    """The current value of a KPI for one period and segment.

    One row per (KPI, period start, segment). A later revision replaces the
    value here and moves the earlier one to `MeasurementRevision`, so values
    from several sources are never added up by accident.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    period_start = models.DateField(help_text=_("First day of the period in the organization's time zone."))
    segment = models.CharField(max_length=120, blank=True, default="")
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value_count = models.PositiveIntegerField(
        default=1, help_text=_("Number of underlying values, so longer means weigh correctly.")
    )
    source = models.CharField(max_length=120, blank=True, default="")
    revision = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period_start", "segment"], name="measurement_unique"),
        ]
        indexes = [models.Index(fields=["kpi", "period_start"], name="measurement_kpi_period")]


class MeasurementRevision(models.Model):
    """An earlier value of a measurement, kept when a revision replaced it."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurement_revisions")
    period_start = models.DateField()
    segment = models.CharField(max_length=120, blank=True, default="")
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value_count = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=120, blank=True, default="")
    revision = models.PositiveIntegerField()
    recorded_at = models.DateTimeField()
    replaced_at = models.DateTimeField()
    replaced_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["kpi", "period_start", "segment", "revision"]
        indexes = [models.Index(fields=["kpi", "period_start", "segment"], name="revision_kpi_period")]
