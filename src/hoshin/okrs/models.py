"""OKR objectives, their alignments, key results and check-ins."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoshin.core.choices import Aggregation, KeyResultType, RollupMode
from hoshin.organizations.models import KEY_HELP, Cycle, Organization, StrategicObjective, Unit


class OkrObjective(models.Model):
    """A qualitative goal of one unit in one cycle."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="okr_objectives")
    key = models.SlugField(max_length=64, help_text=KEY_HELP)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="okr_objectives")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="okr_objectives")
    rollup_mode = models.CharField(max_length=10, choices=RollupMode.choices, default=RollupMode.MEAN)
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "cycle__start", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="okr_objective_key_unique")]

    def __str__(self) -> str:
        return self.name


class Alignment(models.Model):
    """An OKR objective serving a strategic objective or a parent OKR objective (exactly one of the two)."""

    objective = models.ForeignKey(OkrObjective, on_delete=models.CASCADE, related_name="alignments")
    strategic_objective = models.ForeignKey(
        StrategicObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="aligned_okrs"
    )
    parent = models.ForeignKey(OkrObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="child_alignments")
    weight = models.FloatField(default=1.0)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(strategic_objective__isnull=False, parent__isnull=True)
                           | models.Q(strategic_objective__isnull=True, parent__isnull=False)),
                name="alignment_one_target",
            ),
            models.UniqueConstraint(fields=["objective", "strategic_objective"], name="alignment_strategic_unique"),
            models.UniqueConstraint(fields=["objective", "parent"], name="alignment_parent_unique"),
        ]


class KeyResult(models.Model):
    """A verifiable result of an OKR objective.

    Progress comes from check-ins, or from `source_kpi` aggregated over the
    cycle with the KPI's own rule unless `rollup_mode` overrides it. A
    `within_range` key result uses `range_low`..`range_high` (inclusive)
    instead of a baseline and a target.
    """

    objective = models.ForeignKey(OkrObjective, on_delete=models.CASCADE, related_name="key_results")
    key = models.SlugField(max_length=64, help_text=KEY_HELP)
    name = models.CharField(max_length=300)
    kr_type = models.CharField(max_length=20, choices=KeyResultType.choices, default=KeyResultType.INCREASE)
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    range_low = models.FloatField(null=True, blank=True)
    range_high = models.FloatField(null=True, blank=True)
    unit_of_measure = models.CharField(max_length=40, blank=True)
    weight = models.FloatField(default=1.0)
    rollup_mode = models.CharField(
        max_length=10, choices=Aggregation.choices, blank=True, default="",
        help_text=_("How the source KPI's values combine over the cycle; empty uses the KPI's own aggregation."),
    )
    source_kpi = models.ForeignKey("kpis.Kpi", null=True, blank=True, on_delete=models.PROTECT, related_name="key_results")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["objective", "key"], name="key_result_key_unique")]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """An update of a key result: the value on the date it measures, entered at some moment."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    measured_on = models.DateField()
    entered_at = models.DateTimeField()
    value = models.FloatField(null=True, blank=True)
    done = models.BooleanField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(10)])
    comment = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["key_result", "measured_on", "entered_at"]
        indexes = [models.Index(fields=["key_result", "measured_on"], name="checkin_kr_measured")]
