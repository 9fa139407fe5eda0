"""Narrow insight documents to what the requesting user may see in a restricted organization.

Strategic objectives, cause-effect links, units and the KPIs that measure
strategic objectives are visible to every member; OKR objectives, key
results and other KPIs only to members of their units (see
`hoshin.accounts.visibility`). Counts and indexes stay whole: they name
no hidden object.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoshin.core.choices import Visibility
from hoshin.kpis.models import Kpi
from hoshin.okrs.models import KeyResult, OkrObjective
from hoshin.web.access import visible


@dataclass(frozen=True)
class VisibleKeys:
    """The keys of the KPIs, OKR objectives and key results a user may see; None means all of them."""

    kpis: frozenset[str] | None = None
    okr_objectives: frozenset[str] | None = None
    key_results: frozenset[str] | None = None

    def allows(self, kind: str, key: str | None) -> bool:
        allowed = {"kpi": self.kpis, "okr_objective": self.okr_objectives, "key_result": self.key_results}.get(kind)
        return allowed is None or key is None or key in allowed


def visible_keys(request, organization) -> VisibleKeys:
    if organization.visibility != Visibility.RESTRICTED:
        return VisibleKeys()

    def keys(queryset) -> frozenset[str]:
        return frozenset(visible(request, queryset).values_list("key", flat=True))

    return VisibleKeys(
        kpis=keys(Kpi.objects.filter(organization=organization)),
        okr_objectives=keys(OkrObjective.objects.filter(organization=organization)),
        key_results=keys(KeyResult.objects.filter(objective__organization=organization)),
    )


def hygiene_findings(findings: list[dict], allowed: VisibleKeys) -> list[dict]:
    return [finding for finding in findings
            if allowed.allows(finding["object"]["kind"], finding["object"]["key"])
            and allowed.allows("kpi", finding["params"].get("keep"))]


def evidence_items(items: list[dict], allowed: VisibleKeys) -> list[dict]:
    return [item for item in items
            if allowed.allows("kpi", item["cause_kpi"]) and allowed.allows("kpi", item["effect_kpi"])
            and allowed.allows("key_result", (item.get("key_result") or {}).get("key"))]


def contributors(items: list[dict], allowed: VisibleKeys) -> list[dict]:
    shown = []
    for item in items:
        if not allowed.allows(item["kind"], item["key"]):
            continue
        shown.append({**item, "key_results": [kr for kr in item.get("key_results", [])
                                              if allowed.allows("key_result", kr["key"])]})
    return shown


def key_results(items: list[dict], allowed: VisibleKeys) -> list[dict]:
    return [item for item in items if allowed.allows("key_result", item["key"])]


def objectives(items: list[dict], allowed: VisibleKeys) -> list[dict]:
    return [{**item, "key_results": key_results(item["key_results"], allowed)}
            for item in items if allowed.allows("okr_objective", item["key"])]
