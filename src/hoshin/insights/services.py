"""Every write of the insights app: settings, evidence records, retrospectives and lessons.

Each function authorizes, validates, changes and commits in one
transaction, like the services of the other apps, and raises the
organization's data version so cached pages show the change.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoshin.accounts.permissions import authorize
from hoshin.core.errors import ValidationFailed
from hoshin.insights.models import EvidenceRecord, InsightSettings, Lesson, Retrospective, RetrospectiveItem
from hoshin.okrs.models import CheckIn, KeyResult, OkrObjective
from hoshin.scoring.cache import bump_version
from hoshin.scoring.service import score_organization, today_for

LIMIT_FIELDS = ("objectives_per_unit_cycle", "key_results_per_objective", "kpis_per_objective", "kpis_per_unit",
                "check_in_cadence_days")
LESSON_MAX_LENGTH = 5000


@transaction.atomic
def update_insight_settings(actor, organization, **limits) -> InsightSettings:
    """Set the organization's hygiene limits; each must be a whole number of at least 1."""
    authorize(actor, "change_organization", organization)
    unknown = sorted(set(limits) - set(LIMIT_FIELDS))
    if unknown:
        raise ValidationFailed(_("Unknown setting: %(name)s.") % {"name": unknown[0]}, field=unknown[0])
    for name, value in limits.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationFailed(_("%(value)s is not a whole number of at least 1.") % {"value": value}, field=name)
    settings, _created = InsightSettings.objects.get_or_create(organization=organization)
    for name, value in limits.items():
        setattr(settings, name, value)
    settings.save(update_fields=list(limits) or None)
    bump_version(organization.pk)
    return settings


@transaction.atomic
def record_evidence(actor, organization, report) -> int:
    """Keep the verdict of each cause-effect link in `report` for its date, replacing one kept earlier that day."""
    authorize(actor, "change_link", organization)
    count = _keep_evidence(report)
    bump_version(organization.pk)
    return count


def _keep_evidence(report) -> int:
    now = timezone.now()
    count = 0
    for item in report.cause_effect():
        EvidenceRecord.objects.update_or_create(
            link_id=item["link_id"], as_of=report.as_of,
            defaults={"verdict": item["verdict"], "best_lag_days": item["best_lag_days"],
                      "correlation": item["correlation"], "p_value": item["p_value"], "q_value": item["q_value"],
                      "periods_used": item["periods_used"], "recorded_at": now},
        )
        count += 1
    return count


@transaction.atomic
def close_cycle(actor, cycle, *, today: dt.date | None = None) -> Retrospective:
    """Close an ended cycle: keep the final score of its OKR objectives and key results, and the links' evidence.

    Each key result also keeps the confidence of its last check-in in the
    cycle and whether it reached its target, for calibration.
    """
    from hoshin.insights.evidence import organization_evidence

    organization = cycle.organization
    authorize(actor, "create_cycle", organization)
    today = today or today_for(organization)
    if today <= cycle.end:
        raise ValidationFailed(_("Cycle %(cycle)s ends on %(end)s; close it after that day.")
                               % {"cycle": cycle.key, "end": cycle.end.isoformat()}, field="cycle")
    if Retrospective.objects.filter(cycle=cycle).exists():
        raise ValidationFailed(_("Cycle %(cycle)s is already closed.") % {"cycle": cycle.key}, field="cycle")

    report = score_organization(organization, cycle.end).to_json()
    objectives = {okr.key: okr for okr in OkrObjective.objects.filter(cycle=cycle, archived=False).select_related("unit")}
    key_results = list(KeyResult.objects.filter(objective__in=objectives.values(), archived=False)
                       .select_related("objective__unit"))
    confidences = _last_confidences(key_results, cycle.end)
    retrospective = Retrospective.objects.create(
        organization=organization, cycle=cycle, closed_at=timezone.now(),
        closed_by=actor if getattr(actor, "pk", None) else None)

    scores = {item["key"]: item for item in report["okr_objectives"]}
    kr_scores = {item["key"]: item for item in report["key_results"]}
    items = [
        RetrospectiveItem(retrospective=retrospective, kind="okr_objective", key=okr.key, name=okr.name,
                          unit=okr.unit.key, score=scores.get(okr.key, {}).get("score"),
                          status=scores.get(okr.key, {}).get("status", "no_data"))
        for okr in objectives.values()
    ]
    for kr in key_results:
        scored = kr_scores.get(kr.key, {})
        progress = scored.get("progress")
        items.append(RetrospectiveItem(
            retrospective=retrospective, kind="key_result", key=kr.key, name=kr.name, unit=kr.objective.unit.key,
            objective=kr.objective.key, score=scored.get("score"), status=scored.get("status", "no_data"),
            value=scored.get("current"), confidence=confidences.get(kr.pk),
            achieved=None if progress is None else progress >= 1.0,
        ))
    RetrospectiveItem.objects.bulk_create(items)
    _keep_evidence(organization_evidence(organization, cycle.end))
    bump_version(organization.pk)
    return retrospective


def _last_confidences(key_results, end: dt.date) -> dict[int, int]:
    """Return the confidence of each key result's last check-in measured by `end` that has one."""
    rows = (CheckIn.objects.filter(key_result__in=key_results, measured_on__lte=end, confidence__isnull=False)
            .order_by("key_result_id", "measured_on", "entered_at", "pk")
            .values_list("key_result_id", "confidence"))
    return dict(rows)


@transaction.atomic
def add_lesson(actor, organization, *, text: str, strategic_objective=None, okr_objective=None, link=None,
               cycle=None) -> Lesson:
    """Record what was learned about exactly one strategic objective, OKR objective or cause-effect link."""
    subjects = [subject for subject in (strategic_objective, okr_objective, link) if subject is not None]
    if len(subjects) != 1:
        raise ValidationFailed(_("A lesson is about exactly one objective or link."), field="subject")
    subject = subjects[0]
    if subject.organization_id != organization.pk or (cycle is not None and cycle.organization_id != organization.pk):
        raise ValidationFailed(_("The lesson's subject belongs to another organization."), field="subject")
    if okr_objective is not None:
        authorize(actor, "change_okr_objective", organization, unit=okr_objective.unit)
    elif strategic_objective is not None:
        authorize(actor, "change_strategic_objective", organization)
    else:
        authorize(actor, "change_link", organization)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write the lesson before saving it."), field="text")
    if len(text) > LESSON_MAX_LENGTH:
        raise ValidationFailed(_("A lesson has at most %(limit)s characters; this one has %(length)s.")
                               % {"limit": LESSON_MAX_LENGTH, "length": len(text)}, field="text")
    lesson = Lesson.objects.create(
        organization=organization, strategic_objective=strategic_objective, okr_objective=okr_objective, link=link,
        cycle=cycle, text=text, author=actor if getattr(actor, "pk", None) else None, created_at=timezone.now())
    bump_version(organization.pk)
    return lesson
