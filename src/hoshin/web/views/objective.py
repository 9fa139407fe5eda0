"""A strategic objective and the cascade under it: its KPIs, the OKRs aligned to it and their key results."""

from collections import defaultdict

from django.urls import reverse

from hoshin.insights.evidence import organization_evidence
from hoshin.insights.explain import NEEDS_EXPLANATION, explain_objective
from hoshin.okrs.models import Alignment, OkrObjective
from hoshin.organizations.models import CauseEffectLink, Cycle, StrategicObjective
from hoshin.web.access import scoped_get, visible
from hoshin.web.cascade import key_results_with_last_check_in, kpi_data, okr_objective_data, scored
from hoshin.web.pages import as_of_from, organization_data, organization_page, respond
from hoshin.web.report import score_report


def aligned_okr_objectives(request, objective: StrategicObjective) -> list[OkrObjective]:
    """Return the active OKR objectives that serve `objective`, directly or through parent OKR objectives.

    Parents come before the objectives that serve them. Only objectives the
    user may see are listed. One query for the direct ones and one for all
    parent alignments of the organization.
    """
    direct = list(visible(request, OkrObjective.objects.filter(alignments__strategic_objective=objective, archived=False))
                  .select_related("unit", "cycle")
                  .distinct())
    children_of = defaultdict(list)
    for alignment in visible(request, Alignment.objects.filter(
        parent__organization=objective.organization, objective__archived=False
    )).select_related("objective__unit", "objective__cycle"):
        children_of[alignment.parent_id].append(alignment.objective)

    ordered, seen = [], set()
    stack = list(reversed(direct))
    while stack:
        okr = stack.pop()
        if okr.pk in seen:
            continue
        seen.add(okr.pk)
        ordered.append(okr)
        stack.extend(reversed(children_of.get(okr.pk, [])))
    return ordered


def selected_cycle(request, organization, okr_objectives, as_of) -> Cycle | None:
    """Return the cycle picked with `?cycle=`, else the one running on `as_of`, else the latest with OKRs."""
    cycles = {okr.cycle.key: okr.cycle for okr in okr_objectives}
    picked = request.GET.get("cycle")
    if picked:
        return scoped_get(request, Cycle, key=picked)
    running = [cycle for cycle in cycles.values() if cycle.start <= as_of <= cycle.end]
    if running:
        return min(running, key=lambda cycle: cycle.end - cycle.start)
    return max(cycles.values(), key=lambda cycle: cycle.start, default=None)


def cycle_options(okr_objectives) -> list[dict]:
    """Return the distinct cycles of `okr_objectives`, newest first."""
    cycles = {okr.cycle.pk: okr.cycle for okr in okr_objectives}
    ordered = sorted(cycles.values(), key=lambda cycle: cycle.start, reverse=True)
    return [{"key": cycle.key, "name": cycle.name} for cycle in ordered]


ROOT_CAUSES_SHOWN = 5


def root_causes(organization, objective: StrategicObjective, status: str, as_of, evidence) -> list[dict]:
    """Return the largest contributors to the shortfall of an objective that is at risk or off track."""
    if status not in NEEDS_EXPLANATION:
        return []
    explained = explain_objective(organization, objective.key, as_of, evidence=evidence)
    return explained["contributors"][:ROOT_CAUSES_SHOWN]


def verdicts_for(organization, objective: StrategicObjective, as_of, evidence=None) -> dict[tuple, dict]:
    """Return the evidence verdicts of the links into and out of `objective` and of the KPIs measuring it.

    Keys are ("link", cause key, effect key) and ("kpi", KPI key).
    """
    verdicts = {}
    for item in (evidence or organization_evidence(organization, as_of)).items:
        verdict = {"verdict": item["verdict"], "verdict_label": item["verdict_label"]}
        if item["kind"] == "cause_effect" and objective.key in (item["from"]["key"], item["to"]["key"]):
            verdicts[("link", item["from"]["key"], item["to"]["key"])] = verdict
        elif item["kind"] == "kpi_objective" and item["to"]["key"] == objective.key:
            verdicts[("kpi", item["from"]["key"])] = verdict
    return verdicts


def link_data(link: CauseEffectLink, other: StrategicObjective, report, organization, verdicts=None) -> dict:
    verdict = (verdicts or {}).get(("link", link.cause.key, link.effect.key), {})
    return {
        **verdict,
        "key": other.key,
        "name": other.name,
        "url": reverse("strategic-objective", args=[organization.key, other.key]),
        "hypothesis": link.hypothesis,
        "sign": link.sign,
        "lag_days": link.lag_days,
        **scored(report.item("strategic_objectives", other.key)),
    }


@organization_page
def strategic_objective(request, organization, key: str):
    objective = scoped_get(request, StrategicObjective.objects.select_related("perspective", "unit"), key=key)
    as_of = as_of_from(request, organization)
    report = score_report(organization, as_of)

    kpis = [link.kpi for link in objective.kpi_links.select_related("kpi").filter(kpi__archived=False)]
    okr_objectives = aligned_okr_objectives(request, objective)
    cycle = selected_cycle(request, organization, okr_objectives, as_of)
    in_cycle = [okr for okr in okr_objectives if cycle is not None and okr.cycle_id == cycle.pk]
    key_results = defaultdict(list)
    for key_result in key_results_with_last_check_in(in_cycle):
        key_results[key_result.objective_id].append(key_result)
    causes = CauseEffectLink.objects.filter(effect=objective, archived=False).select_related("cause", "effect")
    effects = CauseEffectLink.objects.filter(cause=objective, archived=False).select_related("cause", "effect")
    evidence = organization_evidence(organization, as_of)
    verdicts = verdicts_for(organization, objective, as_of, evidence)
    own = scored(report.item("strategic_objectives", objective.key))

    data = {
        "organization": organization_data(organization),
        "as_of": as_of,
        "objective": {
            "key": objective.key,
            "name": objective.name,
            "description": objective.description,
            "perspective": objective.perspective.name,
            "unit": objective.unit.name,
            "rollup_mode": objective.get_rollup_mode_display(),
            "weight": objective.weight,
            **own,
            "history_url": reverse("history", args=[organization.key, "objective", objective.key]),
            "explain_url": reverse("explain", args=[organization.key, objective.key]),
        },
        "causes": [link_data(link, link.cause, report, organization, verdicts) for link in causes],
        "effects": [link_data(link, link.effect, report, organization, verdicts) for link in effects],
        "kpis": [{**kpi_data(kpi, report, organization), **verdicts.get(("kpi", kpi.key), {})} for kpi in kpis],
        "root_causes": root_causes(organization, objective, own["status"], as_of, evidence),
        "cycle": {"key": cycle.key, "name": cycle.name} if cycle else None,
        "cycles": cycle_options(okr_objectives),
        "okr_objectives": [okr_objective_data(okr, key_results[okr.pk], report, organization) for okr in in_cycle],
    }
    return respond(request, "web/strategic_objective.html", data)
