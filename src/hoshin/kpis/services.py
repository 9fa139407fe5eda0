"""Writes to KPI definitions, targets and measurements."""

import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoshin.accounts.permissions import authorize
from hoshin.core.errors import ValidationFailed
from hoshin.core.history import (
    clean_instance,
    delete_with_history,
    next_position,
    save_with_history,
    update_with_history,
)
from hoshin.engine import periods
from hoshin.kpis.models import Kpi, KpiTarget, Measurement, MeasurementRevision

DEFINITION_FIELDS = {
    "name", "description", "unit_of_measure", "direction", "frequency", "aggregation", "kind",
    "indicator_type", "unit", "scale_min", "scale_max", "green", "yellow", "green_upper",
    "yellow_upper", "position", "archived",
}


def _check_finite(values: dict) -> None:
    for field, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationFailed(_("%(value)s is not a finite number.") % {"value": value}, field=field)


def validate_definition(values: dict) -> None:
    """Check that scale and thresholds fit together and with the direction."""
    _check_finite(values)
    direction = values.get("direction")
    green, yellow = values.get("green"), values.get("yellow")
    scale_min, scale_max = values.get("scale_min"), values.get("scale_max")
    if scale_min is not None and scale_max is not None and scale_min >= scale_max:
        raise ValidationFailed(_("scale min (%(min)s) must be below scale max (%(max)s).") % {"min": scale_min, "max": scale_max},
                               field="scale")
    if green is None or yellow is None:
        return
    if direction == "higher_is_better" and green < yellow:
        raise ValidationFailed(
            _("For a higher-is-better KPI the green bound (%(green)s) must be at or above the yellow bound (%(yellow)s).")
            % {"green": green, "yellow": yellow}, field="thresholds")
    if direction == "lower_is_better" and green > yellow:
        raise ValidationFailed(
            _("For a lower-is-better KPI the green bound (%(green)s) must be at or below the yellow bound (%(yellow)s).")
            % {"green": green, "yellow": yellow}, field="thresholds")
    if direction == "target_range":
        green_upper, yellow_upper = values.get("green_upper"), values.get("yellow_upper")
        if green_upper is None or yellow_upper is None:
            raise ValidationFailed(_("A target-range KPI needs green and yellow bands with a lower and an upper bound."),
                                   field="thresholds")
        if not yellow <= green <= green_upper <= yellow_upper:
            raise ValidationFailed(_("The green band must lie inside the yellow band: yellow low ≤ green low ≤ green high ≤ yellow high."),
                                   field="thresholds")


@transaction.atomic
def create_kpi(actor, organization, *, key, name, unit, **values) -> Kpi:
    authorize(actor, "create_kpi", organization, unit=unit)
    if unit.organization_id != organization.pk:
        raise ValidationFailed(_("Unit %(unit)s belongs to another organization.") % {"unit": unit.key}, field="unit")
    if Kpi.objects.filter(organization=organization, key=key).exists():
        raise ValidationFailed(_("A KPI with key %(key)s already exists.") % {"key": key}, field="key")
    values.setdefault("position", next_position(Kpi.objects.filter(organization=organization)))
    kpi = Kpi(organization=organization, key=key, name=name, unit=unit, **values)
    validate_definition({field: getattr(kpi, field) for field in DEFINITION_FIELDS})
    clean_instance(kpi, exclude=["organization", "unit"])
    save_with_history(kpi, actor=actor, reason="created")
    return kpi


@transaction.atomic
def update_kpi(actor, kpi: Kpi, *, reason="", **values) -> list[str]:
    """Change a KPI's definition; threshold and scale changes keep their reason in the history."""
    authorize(actor, "change_kpi", kpi.organization, unit=kpi.unit)
    if "unit" in values:
        authorize(actor, "change_kpi", kpi.organization, unit=values["unit"])
    unknown = set(values) - DEFINITION_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown KPI fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    merged = {field: getattr(kpi, field) for field in DEFINITION_FIELDS} | values
    validate_definition(merged)
    if "unit" in values and values["unit"].organization_id != kpi.organization_id:
        raise ValidationFailed(_("Unit %(unit)s belongs to another organization.") % {"unit": values["unit"].key}, field="unit")
    return update_with_history(kpi, values, actor=actor, reason=reason)


@transaction.atomic
def set_kpi_target(actor, kpi: Kpi, *, period: str, value: float, reason="") -> KpiTarget:
    """Set the target of `kpi` for the period named by `period` (2026, 2026-Q1, 2026-03 ...)."""
    authorize(actor, "change_kpi", kpi.organization, unit=kpi.unit)
    _check_finite({"value": value})
    try:
        organization = kpi.organization
        resolved = periods.parse_period_label(str(period), organization.fiscal_year_start_month, organization.week_start)
    except ValueError as exc:
        raise ValidationFailed(
            _("%(period)s is not a period; write 2026, 2026-Q1, 2026-03, 2026-W11 or 2026-03-14.") % {"period": period},
            field="period",
        ) from exc
    target = KpiTarget.objects.filter(kpi=kpi, period=resolved.label).first()
    if target is None:
        target = KpiTarget(kpi=kpi, period=resolved.label, start=resolved.start, end=resolved.end, value=value)
        save_with_history(target, actor=actor, reason=reason or "created")
    else:
        update_with_history(target, {"value": value}, actor=actor, reason=reason)
    return target


@transaction.atomic
def delete_kpi_target(actor, target: KpiTarget, *, reason="") -> None:
    authorize(actor, "change_kpi", target.kpi.organization, unit=target.kpi.unit)
    delete_with_history(target, actor=actor, reason=reason)


@transaction.atomic
def record_measurement(actor, kpi: Kpi, *, day, value=None, segment="", numerator=None, denominator=None,
                       value_count=1, source="manual") -> tuple[Measurement, str]:
    """Store one value of `kpi` for the period containing `day`; return the row and what happened.

    The outcome is `inserted`, `revised` (the earlier value moves to the
    revision history) or `unchanged`. A ratio KPI takes a numerator and a
    denominator, from which the value is derived.
    """
    authorize(actor, "record_measurement", kpi.organization, unit=kpi.unit)
    if kpi.aggregation == "ratio":
        if numerator is None or denominator is None:
            raise ValidationFailed(_("%(kpi)s is a ratio KPI; give a numerator and a denominator.") % {"kpi": kpi.key},
                                   field="denominator")
        _check_finite({"numerator": float(numerator), "denominator": float(denominator)})
        if denominator == 0:
            raise ValidationFailed(_("The denominator is 0; a ratio needs a denominator other than 0."), field="denominator")
        value = numerator / denominator
    elif value is None:
        raise ValidationFailed(_("A value is required."), field="value")
    _check_finite({"value": float(value)})

    org = kpi.organization
    period_start = periods.period_of(day, kpi.frequency, org.fiscal_year_start_month, org.week_start).start
    now = timezone.now()
    existing = Measurement.objects.select_for_update().filter(kpi=kpi, period_start=period_start, segment=segment).first()
    if existing is None:
        row = Measurement.objects.create(kpi=kpi, period_start=period_start, segment=segment, value=value,
                                         numerator=numerator, denominator=denominator, value_count=value_count,
                                         source=source, revision=1, recorded_at=now)
        return row, "inserted"
    if (existing.value, existing.numerator, existing.denominator) == (value, numerator, denominator):
        return existing, "unchanged"
    MeasurementRevision.objects.create(
        kpi=kpi, period_start=period_start, segment=segment, value=existing.value, numerator=existing.numerator,
        denominator=existing.denominator, value_count=existing.value_count, source=existing.source,
        revision=existing.revision, recorded_at=existing.recorded_at, replaced_at=now,
        replaced_by=actor if getattr(actor, "pk", None) else None,
    )
    existing.value, existing.numerator, existing.denominator = value, numerator, denominator
    existing.value_count, existing.source = value_count, source
    existing.revision += 1
    existing.recorded_at = now
    existing.save(update_fields=["value", "numerator", "denominator", "value_count", "source", "revision", "recorded_at"])
    return existing, "revised"
