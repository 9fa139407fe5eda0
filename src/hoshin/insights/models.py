"""Models of the insights app: each organization's limits, closed cycles, lessons and past evidence."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoshin.engine.insights.evidence import VERDICTS
from hoshin.engine.insights.hygiene import Limits
from hoshin.organizations.models import CauseEffectLink, Cycle, Organization, StrategicObjective

DEFAULT_LIMITS = Limits()


class InsightSettings(models.Model):
    """An organization's limits for the hygiene check; an organization without a row uses the defaults."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="insight_settings")
    objectives_per_unit_cycle = models.PositiveSmallIntegerField(
        default=DEFAULT_LIMITS.objectives_per_unit_cycle, validators=[MinValueValidator(1)],
        help_text=_("Most OKR objectives one unit should have in one cycle."))
    key_results_per_objective = models.PositiveSmallIntegerField(
        default=DEFAULT_LIMITS.key_results_per_objective, validators=[MinValueValidator(1)],
        help_text=_("Most key results one OKR objective should have."))
    kpis_per_objective = models.PositiveSmallIntegerField(
        default=DEFAULT_LIMITS.kpis_per_objective, validators=[MinValueValidator(1)],
        help_text=_("Most KPIs that should measure one strategic objective directly."))
    kpis_per_unit = models.PositiveSmallIntegerField(
        default=DEFAULT_LIMITS.kpis_per_unit, validators=[MinValueValidator(1)],
        help_text=_("Most KPIs one unit should own."))
    check_in_cadence_days = models.PositiveSmallIntegerField(
        default=DEFAULT_LIMITS.check_in_cadence_days, validators=[MinValueValidator(1)],
        help_text=_("Days after which a key result without a source KPI needs a new check-in."))

    class Meta:
        verbose_name = _("insight settings")
        verbose_name_plural = _("insight settings")

    def limits(self) -> Limits:
        return Limits(self.objectives_per_unit_cycle, self.key_results_per_objective, self.kpis_per_objective,
                      self.kpis_per_unit, self.check_in_cadence_days)


class Retrospective(models.Model):
    """A closed cycle: the final scores of its OKR objectives and key results, kept as they were."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="retrospectives")
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="retrospective")
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["organization", "-cycle__start"]


class RetrospectiveItem(models.Model):
    """The final score of one OKR objective or key result of a closed cycle.

    `confidence` is the last check-in confidence (0–10) entered for a key
    result during the cycle, and `achieved` whether it reached its target.
    """

    KINDS = [("okr_objective", _("OKR objective")), ("key_result", _("Key result"))]

    retrospective = models.ForeignKey(Retrospective, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=KINDS)
    key = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=64)
    objective = models.CharField(max_length=64, blank=True)
    score = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=20)
    value = models.FloatField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    achieved = models.BooleanField(null=True)

    class Meta:
        ordering = ["retrospective", "kind", "key"]
        constraints = [models.UniqueConstraint(fields=["retrospective", "kind", "key"], name="retrospective_item_unique")]


class Lesson(models.Model):
    """A lesson learned about exactly one strategic objective, OKR objective or cause-effect link."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="lessons")
    strategic_objective = models.ForeignKey(StrategicObjective, null=True, blank=True, on_delete=models.CASCADE,
                                            related_name="lessons")
    okr_objective = models.ForeignKey("okrs.OkrObjective", null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="lessons")
    link = models.ForeignKey(CauseEffectLink, null=True, blank=True, on_delete=models.CASCADE, related_name="lessons")
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(strategic_objective__isnull=False, okr_objective__isnull=True, link__isnull=True)
                           | models.Q(strategic_objective__isnull=True, okr_objective__isnull=False, link__isnull=True)
                           | models.Q(strategic_objective__isnull=True, okr_objective__isnull=True, link__isnull=False)),
                name="lesson_one_subject",
            ),
        ]


class EvidenceRecord(models.Model):
    """A link's verdict as computed on one day, kept so the learning log shows evidence over time."""

    link = models.ForeignKey(CauseEffectLink, on_delete=models.CASCADE, related_name="evidence_records")
    as_of = models.DateField()
    verdict = models.CharField(max_length=20, choices=[(verdict, verdict) for verdict in VERDICTS])
    best_lag_days = models.IntegerField(null=True, blank=True)
    correlation = models.FloatField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    q_value = models.FloatField(null=True, blank=True)
    periods_used = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["link", "as_of"]
        constraints = [models.UniqueConstraint(fields=["link", "as_of"], name="evidence_record_unique")]
