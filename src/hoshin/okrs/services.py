"""Writes to OKR objectives, alignments, key results and check-ins."""

import datetime as dt
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoshin.accounts.permissions import authorize
from hoshin.core.errors import CycleRejected, ValidationFailed
from hoshin.core.graph import closes_cycle
from hoshin.core.history import (
    clean_instance,
    delete_with_history,
    next_position,
    save_with_history,
    update_with_history,
)
from hoshin.engine import periods
from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective

KEY_RESULT_FIELDS = {
    "name", "kr_type", "baseline", "target", "range_low", "range_high", "unit_of_measure", "weight",
    "rollup_mode", "source_kpi", "owner", "position", "archived",
}


def _same_org(organization, obj, field):
    if obj is not None and obj.organization_id != organization.pk:
        raise ValidationFailed(_("%(object)s belongs to another organization.") % {"object": obj}, field=field)


@transaction.atomic
def create_okr_objective(actor, organization, *, key, name, unit, cycle, **values) -> OkrObjective:
    authorize(actor, "create_okr_objective", organization, unit=unit)
    _same_org(organization, unit, "unit")
    _same_org(organization, cycle, "cycle")
    if OkrObjective.objects.filter(organization=organization, key=key).exists():
        raise ValidationFailed(_("An OKR objective with key %(key)s already exists.") % {"key": key}, field="key")
    values.setdefault("position", next_position(OkrObjective.objects.filter(organization=organization)))
    objective = OkrObjective(organization=organization, key=key, name=name, unit=unit, cycle=cycle, **values)
    clean_instance(objective, exclude=["organization", "unit", "cycle"])
    save_with_history(objective, actor=actor, reason="created")
    return objective


@transaction.atomic
def update_okr_objective(actor, objective: OkrObjective, *, reason="", **values) -> list[str]:
    authorize(actor, "change_okr_objective", objective.organization, unit=objective.unit)
    if "unit" in values:
        authorize(actor, "change_okr_objective", objective.organization, unit=values["unit"])
    _same_org(objective.organization, values.get("unit"), "unit")
    _same_org(objective.organization, values.get("cycle"), "cycle")
    return update_with_history(objective, values, actor=actor, reason=reason)


def _okr_parent_successors(organization):
    edges: dict[int, list[int]] = {}
    for child_id, parent_id in Alignment.objects.filter(
        objective__organization=organization, parent__isnull=False
    ).values_list("objective_id", "parent_id"):
        edges.setdefault(child_id, []).append(parent_id)
    return lambda node: edges.get(node, [])


@transaction.atomic
def set_alignments(actor, objective: OkrObjective, *, strategic=(), parents=(), reason="") -> bool:
    """Make the objective serve exactly these strategic objectives and parent OKR objectives.

    Each item is an object or an (object, weight) pair. Returns whether
    anything changed; a parent that would close a cycle rejects the whole
    change.
    """
    authorize(actor, "change_okr_objective", objective.organization, unit=objective.unit)
    wanted = []
    for kind, items in (("strategic_objective", strategic), ("parent", parents)):
        for item in items:
            target, weight = item if isinstance(item, tuple) else (item, 1.0)
            _same_org(objective.organization, target, "aligned_to")
            if weight is None or not 0 < weight < math.inf:
                raise ValidationFailed(_("weight must be a positive number, not %(weight)s.") % {"weight": weight},
                                       field="weight")
            wanted.append((kind, target, weight))

    successors = _okr_parent_successors(objective.organization)
    for kind, target, _weight in wanted:
        if kind == "parent" and closes_cycle(objective.pk, target.pk, successors):
            raise CycleRejected(
                _("%(child)s cannot serve %(parent)s because %(parent)s already serves %(child)s.")
                % {"child": objective.key, "parent": target.key},
                field="aligned_to",
            )

    current = {}
    for alignment in objective.alignments.all():
        kind = "parent" if alignment.parent_id else "strategic_objective"
        current[(kind, alignment.parent_id or alignment.strategic_objective_id)] = alignment
    wanted_keys = {(kind, target.pk) for kind, target, _weight in wanted}
    changed = False
    for key in set(current) - wanted_keys:
        delete_with_history(current[key], actor=actor, reason=reason)
        changed = True
    for position, (kind, target, weight) in enumerate(wanted):
        alignment = current.get((kind, target.pk))
        if alignment is None:
            save_with_history(Alignment(objective=objective, weight=weight, position=position, **{kind: target}),
                              actor=actor, reason=reason or "created")
            changed = True
        elif update_with_history(alignment, {"weight": weight, "position": position}, actor=actor, reason=reason):
            changed = True
    return changed


def validate_key_result(values: dict) -> None:
    """Check a key result's numbers against its type; raise naming the field at fault."""
    for field in ("baseline", "target", "range_low", "range_high", "weight"):
        value = values.get(field)
        if value is not None and not math.isfinite(value):
            raise ValidationFailed(_("%(value)s is not a finite number.") % {"value": value}, field=field)
    weight = values.get("weight", 1.0)
    if weight is None or weight <= 0:
        raise ValidationFailed(_("weight must be a positive number, not %(weight)s; leave it out to count as 1.") % {"weight": weight},
                               field="weight")

    kr_type = values.get("kr_type")
    baseline, target = values.get("baseline"), values.get("target")
    if kr_type in ("increase", "decrease"):
        if baseline is None:
            raise ValidationFailed(_("An %(type)s key result needs a baseline.") % {"type": kr_type}, field="baseline")
        if target is None:
            raise ValidationFailed(_("An %(type)s key result needs a target.") % {"type": kr_type}, field="target")
        if baseline == target:
            raise ValidationFailed(
                _("baseline equals target (%(value)s); a key result needs a target different from its baseline") % {"value": baseline},
                field="target",
            )
        if kr_type == "increase" and target < baseline:
            raise ValidationFailed(_("An increase key result needs a target above its baseline (%(baseline)s → %(target)s); use type decrease.")
                                   % {"baseline": baseline, "target": target}, field="target")
        if kr_type == "decrease" and target > baseline:
            raise ValidationFailed(_("A decrease key result needs a target below its baseline (%(baseline)s → %(target)s); use type increase.")
                                   % {"baseline": baseline, "target": target}, field="target")
    elif kr_type in ("maintain_above", "maintain_below"):
        if target is None:
            raise ValidationFailed(_("A %(type)s key result needs a target (the level to hold).") % {"type": kr_type}, field="target")
    elif kr_type == "within_range":
        low, high = values.get("range_low"), values.get("range_high")
        if low is None or high is None or low >= high:
            raise ValidationFailed(_("A within-range key result needs a range with low below high."), field="range")


@transaction.atomic
def create_key_result(actor, objective: OkrObjective, *, key, name, kr_type, **values) -> KeyResult:
    authorize(actor, "change_okr_objective", objective.organization, unit=objective.unit)
    if KeyResult.objects.filter(objective__organization=objective.organization, key=key).exists():
        raise ValidationFailed(_("A key result with key %(key)s already exists.") % {"key": key}, field="key")
    _same_org(objective.organization, values.get("source_kpi"), "source")
    validate_key_result({"kr_type": kr_type, **values})
    values.setdefault("position", next_position(KeyResult.objects.filter(objective=objective)))
    key_result = KeyResult(objective=objective, key=key, name=name, kr_type=kr_type, **values)
    clean_instance(key_result, exclude=["objective", "source_kpi", "owner"])
    save_with_history(key_result, actor=actor, reason="created")
    return key_result


@transaction.atomic
def update_key_result(actor, key_result: KeyResult, *, reason="", **values) -> list[str]:
    """Change a key result; target and weight changes keep their reason in the history."""
    authorize(actor, "change_okr_objective", key_result.objective.organization, unit=key_result.objective.unit)
    unknown = set(values) - KEY_RESULT_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown key result fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    _same_org(key_result.objective.organization, values.get("source_kpi"), "source")
    merged = {field: getattr(key_result, field) for field in KEY_RESULT_FIELDS} | values
    validate_key_result(merged)
    return update_with_history(key_result, values, actor=actor, reason=reason)


@transaction.atomic
def move_key_result(actor, key_result: KeyResult, new_objective: OkrObjective, *, reason="") -> None:
    """Move a key result, with its check-ins, under another objective of the same organization."""
    authorize(actor, "change_okr_objective", key_result.objective.organization, unit=key_result.objective.unit)
    authorize(actor, "change_okr_objective", key_result.objective.organization, unit=new_objective.unit)
    _same_org(key_result.objective.organization, new_objective, "objective")
    update_with_history(key_result, {"objective": new_objective}, actor=actor, reason=reason)


@transaction.atomic
def delete_key_result(actor, key_result: KeyResult, *, reason="") -> None:
    authorize(actor, "change_okr_objective", key_result.objective.organization, unit=key_result.objective.unit)
    delete_with_history(key_result, actor=actor, reason=reason)


@transaction.atomic
def record_check_in(actor, key_result: KeyResult, *, measured_on: dt.date | None = None, value=None, done=None,
                    confidence=None, comment="", entered_at: dt.datetime | None = None) -> CheckIn:
    """Record a check-in; it may be entered after the cycle ended but must measure a day inside it.

    Without `measured_on` the check-in measures the calendar day of
    `entered_at` in the organization's time zone.
    """
    objective = key_result.objective
    organization = objective.organization
    authorize(actor, "check_in", organization, unit=objective.unit, owner=key_result.owner_id)
    entered_at = entered_at or timezone.now()
    if measured_on is None:
        measured_on = periods.local_date(entered_at, organization.time_zone)
    cycle = objective.cycle
    if not cycle.start <= measured_on <= cycle.end:
        raise ValidationFailed(
            _("%(day)s is outside the cycle %(cycle)s (%(start)s to %(end)s); a check-in must measure a day of its cycle.")
            % {"day": measured_on.isoformat(), "cycle": cycle.key, "start": cycle.start.isoformat(), "end": cycle.end.isoformat()},
            field="measured_on",
        )
    if key_result.kr_type == "milestone":
        if done is None:
            raise ValidationFailed(_("A milestone check-in says whether it is done."), field="done")
    elif value is None or not math.isfinite(value):
        raise ValidationFailed(_("A check-in needs a finite value."), field="value")
    if confidence is not None and not 0 <= confidence <= 10:
        raise ValidationFailed(_("confidence must be between 0 and 10, not %(value)s.") % {"value": confidence},
                               field="confidence")
    check_in = CheckIn(key_result=key_result, measured_on=measured_on, entered_at=entered_at, value=value, done=done,
                       confidence=confidence, comment=comment,
                       author=actor if getattr(actor, "pk", None) else None)
    save_with_history(check_in, actor=actor, reason="checked in")
    return check_in
