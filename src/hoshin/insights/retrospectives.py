"""Page data for closed cycles, calibration and the learning log."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse

from hoshin.engine.insights.calibration import calibrate
from hoshin.insights.evidence import VERDICT_LABELS, organization_evidence
from hoshin.insights.models import EvidenceRecord, Lesson, Retrospective, RetrospectiveItem
from hoshin.organizations.models import CauseEffectLink, Cycle


def cycles_document(organization, today: dt.date) -> dict:
    """List the cycles that have started, newest first, with whether each has ended and been closed."""
    closed = set(Retrospective.objects.filter(organization=organization).values_list("cycle_id", flat=True))
    cycles = Cycle.objects.filter(organization=organization, start__lte=today).order_by("-start", "key")
    return {
        "organization": organization.key,
        "today": today.isoformat(),
        "cycles": [
            {"key": cycle.key, "name": cycle.name, "start": cycle.start.isoformat(), "end": cycle.end.isoformat(),
             "ended": cycle.end < today, "closed": cycle.pk in closed,
             "url": reverse("retrospective", args=[organization.key, cycle.key])}
            for cycle in cycles
        ],
        "calibration": calibration_document(organization),
    }


def calibration_document(organization, retrospective: Retrospective | None = None) -> dict:
    """Return confidence against achievement per unit and overall, for one closed cycle or all of them."""
    items = RetrospectiveItem.objects.filter(kind="key_result", confidence__isnull=False, achieved__isnull=False)
    items = items.filter(retrospective=retrospective) if retrospective else items.filter(
        retrospective__organization=organization)
    overall, units = calibrate(list(items.values_list("unit", "confidence", "achieved")))
    names = dict(organization.units.values_list("key", "name"))
    return {
        "overall": overall.to_json() if overall else None,
        "units": [{"unit": unit, "name": names.get(unit, unit), **value.to_json()} for unit, value in units.items()],
    }


def retrospective_document(organization, cycle: Cycle) -> dict:
    retrospective = Retrospective.objects.filter(cycle=cycle).select_related("closed_by").first()
    document = {
        "organization": organization.key,
        "cycle": {"key": cycle.key, "name": cycle.name, "start": cycle.start.isoformat(), "end": cycle.end.isoformat()},
        "closed": retrospective is not None,
        "closed_at": retrospective.closed_at.isoformat() if retrospective else None,
        "closed_by": retrospective.closed_by.get_username() if retrospective and retrospective.closed_by else None,
        "objectives": [],
        "calibration": None,
    }
    if retrospective is None:
        return document
    lessons = defaultdict(list)
    for lesson in Lesson.objects.filter(okr_objective__cycle=cycle).select_related("okr_objective", "author"):
        lessons[lesson.okr_objective.key].append(lesson_data(lesson))
    key_results = defaultdict(list)
    items = list(retrospective.items.all())
    for item in items:
        if item.kind == "key_result":
            key_results[item.objective].append(item_data(item))
    document["objectives"] = [
        {**item_data(item), "key_results": key_results[item.key], "lessons": lessons[item.key]}
        for item in items if item.kind == "okr_objective"
    ]
    document["calibration"] = calibration_document(organization, retrospective)
    return document


def item_data(item: RetrospectiveItem) -> dict:
    return {"kind": item.kind, "key": item.key, "name": item.name, "unit": item.unit, "score": item.score,
            "status": item.status, "value": item.value, "confidence": item.confidence, "achieved": item.achieved}


def lesson_data(lesson: Lesson) -> dict:
    return {"text": lesson.text, "author": lesson.author.get_username() if lesson.author else None,
            "created_at": lesson.created_at.isoformat(), "cycle": lesson.cycle.key if lesson.cycle else None}


def learning_log(organization, as_of: dt.date) -> dict:
    """Return each cause-effect link's hypothesis, today's evidence, the evidence kept over time, and its lessons."""
    today = {item["link_id"]: item for item in organization_evidence(organization, as_of).cause_effect()}
    records = defaultdict(list)
    for record in EvidenceRecord.objects.filter(link__organization=organization).order_by("as_of"):
        records[record.link_id].append({
            "as_of": record.as_of.isoformat(), "verdict": record.verdict,
            "verdict_label": str(VERDICT_LABELS[record.verdict]), "correlation": record.correlation,
            "q_value": record.q_value, "best_lag_days": record.best_lag_days, "periods_used": record.periods_used,
        })
    lessons = defaultdict(list)
    for lesson in Lesson.objects.filter(organization=organization, link__isnull=False).select_related("author", "cycle"):
        lessons[lesson.link_id].append(lesson_data(lesson))
    links = CauseEffectLink.objects.filter(organization=organization, archived=False).select_related(
        "cause", "effect").order_by("position", "pk")
    return {
        "organization": organization.key,
        "as_of": as_of.isoformat(),
        "links": [
            {"id": link.pk, "cause": {"key": link.cause.key, "name": link.cause.name},
             "effect": {"key": link.effect.key, "name": link.effect.name}, "hypothesis": link.hypothesis,
             "sign": link.sign, "lag_days": link.lag_days, "evidence": today.get(link.pk),
             "history": records[link.pk], "lessons": lessons[link.pk]}
            for link in links
        ],
    }
