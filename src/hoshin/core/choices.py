"""Enumerations shared by the model, the strategy files and the engine.

The stored values are the words of the strategy-file format and of the
engine, so no mapping layer is needed between them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupMode(models.TextChoices):
    MEAN = "mean", _("Mean of children")
    WEIGHTED = "weighted", _("Weighted mean of children")
    SUM = "sum", _("Sum against the sum of targets")
    MIN = "min", _("Weakest child")


class Sign(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", _("Higher is better")
    LOWER_IS_BETTER = "lower_is_better", _("Lower is better")
    TARGET_RANGE = "target_range", _("Within a target range")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    MEAN = "mean", _("Mean")
    LAST = "last", _("Last value")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    RATIO = "ratio", _("Ratio of sums")


class KpiKind(models.TextChoices):
    COUNT = "count", _("Count (a missing period is zero)")
    LEVEL = "level", _("Level (a missing period is no data)")


class IndicatorType(models.TextChoices):
    LEADING = "leading", _("Leading")
    LAGGING = "lagging", _("Lagging")


class KeyResultType(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")
    MAINTAIN_ABOVE = "maintain_above", _("Maintain above")
    MAINTAIN_BELOW = "maintain_below", _("Maintain below")
    WITHIN_RANGE = "within_range", _("Stay within a range")
    MILESTONE = "milestone", _("Milestone")


class CycleKind(models.TextChoices):
    QUARTER = "quarter", _("Fiscal quarter")
    YEAR = "year", _("Fiscal year")
    CUSTOM = "custom", _("Custom")


class ProrateBy(models.TextChoices):
    DAYS = "days", _("Days")
    MONTHS = "months", _("Months")


class Visibility(models.TextChoices):
    OPEN = "open", _("Every member sees everything")
    RESTRICTED = "restricted", _("Members see their units and the strategic level")
