"""Root causes of a strategic objective's shortfall, ranked (see `hoshin.engine.insights.attribution`).

Shares follow the roll-up. Beneath the objective are its strategic KPIs
and the OKR objectives aligned to it whose cycle contains the date; beneath
those, their key results and the OKR objectives aligned to them. Each
weight is normalised among the siblings that have data. Objectives that roll
up with `min` or `sum` are treated as a weighted mean here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from hoshin.core.errors import NotFound
from hoshin.engine.insights.attribution import Contributor, attribute
from hoshin.insights.evidence import VERDICT_SHORT_LABELS, organization_evidence
from hoshin.okrs.models import Alignment, KeyResult, OkrObjective
from hoshin.organizations.models import CauseEffectLink, StrategicObjective
from hoshin.scoring.cache import cached_score_document

NEEDS_EXPLANATION = {"at_risk", "off_track"}


def explain_objective(organization, key: str, as_of: dt.date, evidence=None) -> dict:
    """Return the ranked contributors to the shortfall of strategic objective `key` as of `as_of`."""
    objective = StrategicObjective.objects.filter(organization=organization, key=key, archived=False).first()
    if objective is None:
        raise NotFound(f"strategic objective {key!r} not found in {organization.key}", field="objective")
    report = cached_score_document(organization, as_of)
    scores = {kind: {item["key"]: item for item in report[kind]}
              for kind in ("strategic_objectives", "okr_objectives", "key_results", "kpis")}
    evidence = evidence or organization_evidence(organization, as_of)

    contributors, names, no_data = _contributors(objective, as_of, scores)
    feeds = _feed_evidence(evidence, objective.key)
    contributors = [_with_evidence(item, feeds) for item in contributors]
    contributors += _upstream(objective, evidence, scores, names)
    primary = objective.kpi_links.filter(kpi__archived=False).order_by("position", "pk").values_list(
        "kpi__key", flat=True).first()
    ranked = attribute(contributors, primary)

    own = scores["strategic_objectives"].get(objective.key, {})
    return {
        "organization": organization.key,
        "as_of": as_of.isoformat(),
        "objective": {"key": objective.key, "name": objective.name, "score": own.get("score"),
                      "status": own.get("status", "no_data"), "expected_progress": own.get("expected_progress")},
        "needs_explanation": own.get("status") in NEEDS_EXPLANATION,
        "primary_kpi": primary,
        "contributors": [
            {"rank": rank, "kind": entry.kind, "key": entry.key, "name": names.get((entry.kind, entry.key), entry.key),
             "contribution": entry.contribution, "fraction": entry.fraction, "gap": entry.gap, "share": entry.share,
             "passed_on": entry.passed_on, "verdict": entry.verdict,
             "verdict_label": str(VERDICT_SHORT_LABELS[entry.verdict]) if entry.verdict else None,
             "key_results": [{"key": kr, "name": names.get(("key_result", kr), kr)} for kr in entry.key_results]}
            for rank, entry in enumerate(ranked, start=1)
        ],
        "no_data": [{"kind": kind, "key": item_key, "name": names.get((kind, item_key), item_key)}
                    for kind, item_key in no_data],
    }


def _contributors(objective, as_of, scores) -> tuple[list[Contributor], dict, list]:
    names: dict[tuple[str, str], str] = {}
    no_data: list[tuple[str, str]] = []
    children: list[tuple[str, object, float]] = []
    for link in objective.kpi_links.filter(kpi__archived=False).select_related("kpi").order_by("position", "pk"):
        names[("kpi", link.kpi.key)] = link.kpi.name
        children.append(("kpi", link.kpi, link.weight))
    okrs = {okr.pk: okr for okr in OkrObjective.objects.filter(
        organization=objective.organization, archived=False, cycle__start__lte=as_of, cycle__end__gte=as_of)}
    alignments = list(Alignment.objects.filter(objective__in=list(okrs)).values_list(
        "objective_id", "strategic_objective_id", "parent_id", "weight"))
    for objective_id, strategic_id, _parent, weight in alignments:
        if strategic_id == objective.pk:
            children.append(("okr", okrs[objective_id], weight))
    child_okrs = defaultdict(list)
    for objective_id, _strategic, parent_id, weight in alignments:
        if parent_id in okrs:
            child_okrs[parent_id].append((okrs[objective_id], weight))
    key_results = defaultdict(list)
    for kr in KeyResult.objects.filter(objective__in=list(okrs), archived=False).select_related("source_kpi"):
        key_results[kr.objective_id].append(kr)
        names[("key_result", kr.key)] = kr.name
        if kr.source_kpi:
            names[("kpi", kr.source_kpi.key)] = kr.source_kpi.name

    contributors: list[Contributor] = []

    def visit(items: list[tuple[str, object, float]], share: float, seen: frozenset) -> None:
        scored = [(kind, item, weight) for kind, item, weight in items if _score(kind, item, scores) is not None]
        for kind, item, _weight in items:
            if _score(kind, item, scores) is None and kind != "okr":
                no_data.append(("key_result" if kind == "kr" else kind, item.key))
        total = sum(weight or 1.0 for _kind, _item, weight in scored)
        for kind, item, weight in scored:
            part = share * (weight or 1.0) / total
            if kind == "kpi":
                score = scores["kpis"][item.key]
                contributors.append(Contributor("kpi", item.key, part, score["score"], raw=score.get("attainment")))
            elif kind == "kr":
                score = scores["key_results"][item.key]
                contributors.append(Contributor("key_result", item.key, part, score["score"],
                                                expected=score["expected_progress"],
                                                kpi=item.source_kpi.key if item.source_kpi else None,
                                                raw=score["progress_raw"]))
            elif item.pk not in seen:
                below = [("kr", kr, kr.weight) for kr in key_results[item.pk]]
                below += [("okr", child, child_weight) for child, child_weight in child_okrs[item.pk]]
                visit(below, part, seen | {item.pk})

    visit(children, 1.0, frozenset())
    return contributors, names, no_data


def _score(kind: str, item, scores) -> float | None:
    table = {"kpi": "kpis", "kr": "key_results", "okr": "okr_objectives"}[kind]
    return scores[table].get(item.key, {}).get("score")


def _feed_evidence(evidence, objective_key: str) -> dict[tuple[str, str], dict]:
    feeds = {}
    for item in evidence.items:
        if item["to"]["key"] != objective_key:
            continue
        if item["kind"] == "kpi_objective":
            feeds[("kpi", item["from"]["key"])] = item
        elif item["kind"] == "kpi_key_result":
            feeds[("kpi", item["from"]["key"])] = item
    return feeds


def _with_evidence(item: Contributor, feeds: dict) -> Contributor:
    kpi = item.key if item.kind == "kpi" else item.kpi
    found = feeds.get(("kpi", kpi)) if kpi else None
    if found is None:
        return item
    return Contributor(item.kind, item.key, item.share, item.score, item.expected, found["verdict"],
                       found["correlation"], item.kpi, item.raw)


def _upstream(objective, evidence, scores, names) -> list[Contributor]:
    upstream = []
    causes = {link.cause.key: link.cause for link in
              CauseEffectLink.objects.filter(effect=objective, archived=False).select_related("cause")}
    for item in evidence.cause_effect():
        cause = causes.get(item["from"]["key"])
        if cause is None or item["to"]["key"] != objective.key:
            continue
        names[("strategic_objective", cause.key)] = cause.name
        score = scores["strategic_objectives"].get(cause.key, {})
        upstream.append(Contributor("strategic_objective", cause.key, 0.0, score.get("score"),
                                    expected=score.get("expected_progress") or 1.0, verdict=item["verdict"],
                                    correlation=item["correlation"]))
    return upstream
