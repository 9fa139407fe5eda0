"""The strategy map: perspectives as lanes, strategic objectives as nodes, cause-effect links as arrows."""

from django.urls import reverse

from hoshin.insights.evidence import VERDICT_SHORT_LABELS, organization_evidence
from hoshin.organizations.models import CauseEffectLink, Perspective, StrategicObjective
from hoshin.web.pages import as_of_from, organization_data, organization_page, respond
from hoshin.web.report import score_report
from hoshin.web.status import status_display


VERDICT_BADGES = {"supported": "✓", "contradicted": "✗", "no_evidence": "?", "insufficient_data": "…"}
NO_VERDICT = {"verdict": "insufficient_data", "verdict_label": "", "correlation": None, "q_value": None,
              "best_lag_days": None}


def link_verdicts(organization, as_of) -> dict[tuple[str, str], dict]:
    """Return the evidence verdict of each cause-effect link, keyed by (cause key, effect key)."""
    verdicts = {}
    for item in organization_evidence(organization, as_of).cause_effect():
        verdicts[(item["from"]["key"], item["to"]["key"])] = {
            "verdict": item["verdict"], "verdict_label": item["verdict_label"], "correlation": item["correlation"],
            "q_value": item["q_value"], "best_lag_days": item["best_lag_days"],
        }
    return verdicts


@organization_page
def strategy_map(request, organization):
    as_of = as_of_from(request, organization)
    report = score_report(organization, as_of)

    perspectives = list(Perspective.objects.filter(organization=organization, archived=False).order_by("position", "key"))
    lane_keys = {perspective.pk: perspective.key for perspective in perspectives}
    objectives = []
    for objective in StrategicObjective.objects.filter(organization=organization, archived=False).order_by(
        "perspective__position", "position", "key"
    ):
        if objective.perspective_id not in lane_keys:
            continue
        scored = report.item("strategic_objectives", objective.key)
        status = status_display(scored["status"])
        objectives.append({
            "key": objective.key,
            "name": objective.name,
            "perspective": lane_keys[objective.perspective_id],
            "score": scored["score"],
            "status": status.code,
            "status_label": str(status.label),
            "status_icon": status.icon,
            "url": reverse("strategic-objective", args=[organization.key, objective.key]),
        })

    on_map = {objective["key"] for objective in objectives}
    verdicts = link_verdicts(organization, as_of)
    links = [
        {
            "cause": link.cause.key,
            "cause_name": link.cause.name,
            "effect": link.effect.key,
            "effect_name": link.effect.name,
            "hypothesis": link.hypothesis,
            "sign": link.sign,
            "lag_days": link.lag_days,
            **verdicts.get((link.cause.key, link.effect.key), NO_VERDICT),
        }
        for link in CauseEffectLink.objects.filter(organization=organization, archived=False)
        .select_related("cause", "effect")
        .order_by("position", "pk")
        if link.cause.key in on_map and link.effect.key in on_map
    ]

    data = {
        "organization": organization_data(organization),
        "as_of": as_of,
        "perspectives": [{"key": perspective.key, "name": perspective.name} for perspective in perspectives],
        "objectives": objectives,
        "links": links,
        "verdict_legend": [
            {"verdict": verdict, "badge": badge, "label": str(VERDICT_SHORT_LABELS[verdict])}
            for verdict, badge in VERDICT_BADGES.items()
        ],
    }
    return respond(request, "web/strategy_map.html", data)
