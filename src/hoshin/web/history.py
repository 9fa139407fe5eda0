"""Change history of definitions, read from django-simple-history: who changed what, when and why.

Each entry compares a historical row with the previous row of the same
object, so it lists the fields that changed with their old and new values.
"""

from collections import defaultdict
from itertools import chain

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoshin.kpis.models import Kpi, KpiTarget
from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective
from hoshin.organizations.models import CauseEffectLink, StrategicKpi, StrategicObjective

OBJECT_LABELS = {
    Kpi: _("KPI"),
    KpiTarget: _("Target"),
    StrategicObjective: _("Strategic objective"),
    StrategicKpi: _("Strategic KPI"),
    CauseEffectLink: _("Cause-effect link"),
    OkrObjective: _("OKR objective"),
    Alignment: _("Alignment"),
    KeyResult: _("Key result"),
    CheckIn: _("Check-in"),
}

FIELD_LABELS = {
    "aggregation": _("Aggregation"),
    "archived": _("Archived"),
    "author": _("Author"),
    "baseline": _("Baseline"),
    "cause": _("Cause"),
    "comment": _("Comment"),
    "confidence": _("Confidence"),
    "cycle": _("Cycle"),
    "description": _("Description"),
    "direction": _("Direction"),
    "done": _("Done"),
    "effect": _("Effect"),
    "end": _("End"),
    "entered_at": _("Entered at"),
    "frequency": _("Frequency"),
    "green": _("Green threshold"),
    "green_upper": _("Green upper threshold"),
    "hypothesis": _("Hypothesis"),
    "indicator_type": _("Leading or lagging"),
    "key": _("Key"),
    "kind": _("Kind"),
    "kpi": _("KPI"),
    "kr_type": _("Key result type"),
    "lag_days": _("Lag in days"),
    "measured_on": _("Measured on"),
    "name": _("Name"),
    "objective": _("Objective"),
    "organization": _("Organization"),
    "owner": _("Owner"),
    "parent": _("Parent OKR objective"),
    "period": _("Period"),
    "perspective": _("Perspective"),
    "position": _("Position"),
    "range_high": _("Range high"),
    "range_low": _("Range low"),
    "rollup_mode": _("Roll-up"),
    "scale_max": _("Scale maximum"),
    "scale_min": _("Scale minimum"),
    "sign": _("Sign"),
    "source_kpi": _("Source KPI"),
    "start": _("Start"),
    "strategic_objective": _("Strategic objective"),
    "target": _("Target"),
    "unit": _("Unit"),
    "unit_of_measure": _("Unit of measure"),
    "value": _("Value"),
    "weight": _("Weight"),
    "yellow": _("Yellow threshold"),
    "yellow_upper": _("Yellow upper threshold"),
}

ACTIONS = {"+": ("created", _("Created")), "~": ("changed", _("Changed")), "-": ("deleted", _("Deleted"))}


def _tracked_fields(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _object_name(record) -> str:
    for attribute in ("name", "period", "measured_on"):
        value = getattr(record, attribute, None)
        if value:
            return str(value)
    return f"#{record.id}"


def _display_values(entries: list[dict]) -> None:
    """Replace choice codes by their labels and foreign-key ids by object names, with one query per related model."""
    ids_by_model = defaultdict(set)
    for entry in entries:
        for change in entry["changes"]:
            field = change.pop("_field")
            change["_related"] = field.related_model if field.is_relation else None
            if field.is_relation:
                ids_by_model[field.related_model].update(value for value in (change["old"], change["new"]) if value)
            elif field.choices:
                choices = dict(field.flatchoices)
                change["old"] = choices.get(change["old"], change["old"])
                change["new"] = choices.get(change["new"], change["new"])
    names = {model: model._default_manager.in_bulk(ids) for model, ids in ids_by_model.items()}
    for entry in entries:
        for change in entry["changes"]:
            related = change.pop("_related")
            if related is not None:
                for side in ("old", "new"):
                    obj = names[related].get(change[side])
                    change[side] = str(obj) if obj is not None else change[side]


def history_entries(querysets) -> list[dict]:
    """Return the history of several historical query sets as one list of entries, newest first."""
    records = sorted(
        chain.from_iterable(queryset.select_related("history_user") for queryset in querysets),
        key=lambda record: (record.history_date, record.history_id),
    )
    previous = {}
    entries = []
    for record in records:
        model = record.instance_type
        fields = _tracked_fields(model)
        before = previous.get((model, record.id))
        previous[(model, record.id)] = record
        changes = []
        if before is not None and record.history_type == "~":
            for field in fields:
                old, new = getattr(before, field.attname), getattr(record, field.attname)
                if old != new:
                    changes.append({"field": FIELD_LABELS.get(field.name, field.name), "old": old, "new": new,
                                    "_field": field})
            if not changes:
                continue
        action, action_label = ACTIONS.get(record.history_type, ("changed", ACTIONS["~"][1]))
        entries.append({
            "when": record.history_date,
            "who": record.history_user.get_username() if record.history_user else None,
            "reason": record.history_change_reason or "",
            "action": action,
            "action_label": action_label,
            "object_type": OBJECT_LABELS.get(model, model._meta.verbose_name),
            "object": _object_name(record),
            "changes": changes,
        })
    _display_values(entries)
    entries.reverse()
    return entries
