"""Evidence for an organization's links, from its measurements.

Three kinds of link are tested, all against KPI series:

- `cause_effect`: a link of the strategy map, tested between the primary
  KPIs of its two objectives (the first strategic KPI of each, by
  position) at the link's expected lag. The KPIs' directions turn the
  link's sign into a sign on their values.
- `kpi_objective`: a strategic KPI other than the primary one, against the
  primary KPI of the objective it measures.
- `kpi_key_result`: the source KPI of a key result, against the primary KPI
  of each strategic objective its OKR objective serves. A key result to
  increase (or keep above) expects the primary KPI to improve as its KPI
  rises; one to decrease (or keep below), as it falls.

Feeds have no declared lag, so they are tested at lags from 0 up to the
engine's smallest range. Benjamini–Hochberg runs once across all of them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hoshin.engine.insights.evidence import LinkSpec, evaluate
from hoshin.insights.series import kpi_series
from hoshin.kpis.models import Kpi
from hoshin.okrs.models import Alignment, KeyResult
from hoshin.organizations.models import CauseEffectLink, StrategicKpi, StrategicObjective

DIRECTION_SIGNS = {"higher_is_better": 1, "lower_is_better": -1, "target_range": 1}
KEY_RESULT_SIGNS = {"increase": 1, "maintain_above": 1, "decrease": -1, "maintain_below": -1}
LINK_SIGNS = {"positive": 1, "negative": -1}

VERDICT_LABELS = {
    "supported": _("The data supports this link"),
    "contradicted": _("The data contradicts this link: the two move in opposite directions"),
    "no_evidence": _("The data does not support this link"),
    "insufficient_data": _("Not enough data yet"),
}
# The same verdicts in a word or two, for tables with one row per contributor.
VERDICT_SHORT_LABELS = {
    "supported": _("Supported"),
    "contradicted": _("Contradicted"),
    "no_evidence": _("No evidence"),
    "insufficient_data": _("Too little data"),
}


@dataclass(frozen=True)
class Tested:
    """One tested link with what presenting it needs."""

    kind: str
    source: dict
    target: dict
    spec: LinkSpec
    extra: dict


@dataclass
class EvidenceReport:
    organization: object
    as_of: dt.date
    items: list[dict]

    def to_json(self) -> dict:
        counts = defaultdict(int)
        for item in self.items:
            counts[item["verdict"]] += 1
        return {"organization": self.organization.key, "as_of": self.as_of.isoformat(), "counts": dict(counts),
                "links": self.items}

    def cause_effect(self) -> list[dict]:
        return [item for item in self.items if item["kind"] == "cause_effect"]


def organization_evidence(organization, as_of: dt.date) -> EvidenceReport:
    """Test every link and feed of `organization` with the history up to `as_of`."""
    kpis = {kpi.pk: kpi for kpi in Kpi.objects.filter(organization=organization, archived=False)}
    objectives = {objective.pk: objective for objective in
                  StrategicObjective.objects.filter(organization=organization, archived=False)}
    measured = defaultdict(list)
    for objective_id, kpi_id in (StrategicKpi.objects.filter(objective__in=list(objectives), kpi__in=list(kpis))
                                 .order_by("objective_id", "position", "pk").values_list("objective_id", "kpi_id")):
        measured[objective_id].append(kpis[kpi_id])
    primary = {objective_id: rows[0] for objective_id, rows in measured.items()}

    feeds = _objective_feeds(objectives, measured)
    # A KPI that measures an objective directly is tested once, not again for each key result it feeds.
    seen = {(item.spec.cause_kpi, item.target["key"]) for item in feeds}
    tested = [
        *_cause_effect(organization, objectives, primary),
        *feeds,
        *_key_result_feeds(organization, objectives, primary, kpis, seen),
    ]
    series = kpi_series(organization, {pk: (kpi.key, kpi.frequency) for pk, kpi in kpis.items()}, as_of)
    testable = [item for item in tested if item.spec.cause_kpi in series and item.spec.effect_kpi in series]
    verdicts = evaluate([item.spec for item in testable], series, organization.week_start,
                        organization.fiscal_year_start_month)
    items = [_item(item, verdict.to_json()) for item, verdict in zip(testable, verdicts, strict=True)]
    items.extend(_item(item, _untestable()) for item in tested if item not in testable)
    return EvidenceReport(organization, as_of, items)


def _cause_effect(organization, objectives: dict, primary: dict) -> list[Tested]:
    tested = []
    links = CauseEffectLink.objects.filter(organization=organization, archived=False).order_by("position", "pk")
    for link in links:
        cause, effect = objectives.get(link.cause_id), objectives.get(link.effect_id)
        if cause is None or effect is None:
            continue
        cause_kpi, effect_kpi = primary.get(cause.pk), primary.get(effect.pk)
        sign = LINK_SIGNS[link.sign]
        if cause_kpi is not None and effect_kpi is not None:
            sign *= DIRECTION_SIGNS[cause_kpi.direction] * DIRECTION_SIGNS[effect_kpi.direction]
        spec = LinkSpec(f"link:{link.pk}", cause_kpi.key if cause_kpi else "", effect_kpi.key if effect_kpi else "",
                        sign, link.lag_days)
        tested.append(Tested("cause_effect", _objective(cause), _objective(effect), spec, {
            "link_id": link.pk, "hypothesis": link.hypothesis, "sign": link.sign, "expected_lag_days": link.lag_days,
        }))
    return tested


def _objective_feeds(objectives: dict, measured: dict) -> list[Tested]:
    tested = []
    for objective_id, rows in measured.items():
        target_kpi = rows[0]
        for kpi in rows[1:]:
            sign = DIRECTION_SIGNS[kpi.direction] * DIRECTION_SIGNS[target_kpi.direction]
            spec = LinkSpec(f"kpi-objective:{kpi.key}:{objectives[objective_id].key}", kpi.key, target_kpi.key, sign, 0)
            tested.append(Tested("kpi_objective", _kpi(kpi), _objective(objectives[objective_id]), spec,
                                 {"expected_lag_days": 0}))
    return tested


def _key_result_feeds(organization, objectives: dict, primary: dict, kpis: dict, seen: set) -> list[Tested]:
    served = _served(organization)
    tested = []
    key_results = (KeyResult.objects.filter(objective__organization=organization, archived=False,
                                            objective__archived=False, source_kpi__isnull=False)
                   .select_related("objective").order_by("objective__cycle__start", "objective_id", "position"))
    for kr in key_results:
        kpi = kpis.get(kr.source_kpi_id)
        if kpi is None:
            continue
        for objective_id in sorted(served.get(kr.objective_id, ())):
            target_kpi = primary.get(objective_id)
            if objective_id not in objectives or target_kpi is None or target_kpi.pk == kpi.pk:
                continue
            pair = (kpi.key, objectives[objective_id].key)
            if pair in seen:
                continue
            seen.add(pair)
            sign = KEY_RESULT_SIGNS.get(kr.kr_type, DIRECTION_SIGNS[kpi.direction]) * DIRECTION_SIGNS[target_kpi.direction]
            spec = LinkSpec(f"kpi-key-result:{kr.key}:{objectives[objective_id].key}", kpi.key, target_kpi.key, sign, 0)
            tested.append(Tested("kpi_key_result", _kpi(kpi), _objective(objectives[objective_id]), spec, {
                "key_result": {"key": kr.key, "name": kr.name, "okr": kr.objective.key}, "expected_lag_days": 0,
            }))
    return tested


def _served(organization) -> dict[int, set[int]]:
    """Return, per OKR objective id, the strategic objectives it serves directly or through parents."""
    direct, parents = defaultdict(set), defaultdict(set)
    for objective_id, strategic_id, parent_id in Alignment.objects.filter(
            objective__organization=organization).values_list("objective_id", "strategic_objective_id", "parent_id"):
        if strategic_id:
            direct[objective_id].add(strategic_id)
        if parent_id:
            parents[objective_id].add(parent_id)
    result = {}
    for start in set(direct) | set(parents):
        found, seen, stack = set(), set(), [start]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                found |= direct[current]
                stack.extend(parents[current])
        result[start] = found
    return result


def _objective(objective) -> dict:
    return {"kind": "strategic_objective", "key": objective.key, "name": objective.name}


def _kpi(kpi) -> dict:
    return {"kind": "kpi", "key": kpi.key, "name": kpi.name}


def _untestable() -> dict:
    return {"verdict": "insufficient_data", "expected_sign": None, "frequency": None, "best_lag_days": None,
            "correlation": None, "p_correlation": None, "p_granger": None, "p_value": None, "q_value": None,
            "periods_used": 0, "periods_still_needed": None}


def _item(item: Tested, verdict: dict) -> dict:
    return {
        "kind": item.kind,
        "from": item.source,
        "to": item.target,
        "cause_kpi": item.spec.cause_kpi or None,
        "effect_kpi": item.spec.effect_kpi or None,
        **item.extra,
        **verdict,
        "verdict_label": str(VERDICT_LABELS[verdict["verdict"]]),
    }
