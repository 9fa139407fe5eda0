"""The strategy map: perspectives as lanes, strategic objectives as nodes, cause-effect links as arrows."""

from django.urls import reverse

from hoshin.organizations.models import CauseEffectLink, Perspective, StrategicObjective
from hoshin.web.pages import as_of_from, organization_data, organization_page, respond
from hoshin.web.report import score_report
from hoshin.web.status import status_display


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
    links = [
        {
            "cause": link.cause.key,
            "cause_name": link.cause.name,
            "effect": link.effect.key,
            "effect_name": link.effect.name,
            "hypothesis": link.hypothesis,
            "sign": link.sign,
            "lag_days": link.lag_days,
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
    }
    return respond(request, "web/strategy_map.html", data)
