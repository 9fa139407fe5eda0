"""The organization's scorecard: strategic objectives by perspective."""

from django.db.models import Count, Q
from django.urls import reverse

from hoshin.accounts.visibility import visible_unit_ids
from hoshin.organizations.models import Perspective, StrategicObjective
from hoshin.web.cascade import scored
from hoshin.web.pages import as_of_from, organization_data, organization_page, respond
from hoshin.web.report import score_report


def objectives_with_counts(request, organization, as_of):
    """Return the active strategic objectives with the number of aligned OKRs (in cycles running on `as_of`) and KPIs.

    Only OKRs of units the user may see are counted. One query for the
    units and one for the objectives, whatever the number of objectives.
    """
    current_okr = Q(
        aligned_okrs__objective__archived=False,
        aligned_okrs__objective__cycle__start__lte=as_of,
        aligned_okrs__objective__cycle__end__gte=as_of,
        aligned_okrs__objective__unit__in=visible_unit_ids(request.user, organization),
    )
    return (
        StrategicObjective.objects.filter(organization=organization, archived=False)
        .select_related("unit")
        .annotate(
            okr_count=Count("aligned_okrs__objective", filter=current_okr, distinct=True),
            kpi_count=Count("kpi_links__kpi", filter=Q(kpi_links__kpi__archived=False), distinct=True),
        )
        .order_by("perspective__position", "position", "key")
    )


def perspective_scores(report, perspective, objectives: list[dict]) -> list[dict]:
    """Return the perspective's score in each unit scorecard that has objectives in it."""
    units = {objective["unit_key"]: objective["unit"] for objective in objectives}
    return [
        {"unit": name, **scored(report.item("perspectives", f"{unit_key}/{perspective.key}"))}
        for unit_key, name in units.items()
    ]


@organization_page
def home(request, organization):
    as_of = as_of_from(request, organization)
    report = score_report(organization, as_of)

    perspectives = list(Perspective.objects.filter(organization=organization, archived=False).order_by("position", "key"))
    by_perspective = {perspective.pk: [] for perspective in perspectives}
    scorecards = {}
    for objective in objectives_with_counts(request, organization, as_of):
        if objective.perspective_id not in by_perspective:
            continue
        scorecards[objective.unit.key] = objective.unit.name
        by_perspective[objective.perspective_id].append({
            "key": objective.key,
            "name": objective.name,
            "unit_key": objective.unit.key,
            "unit": objective.unit.name,
            **scored(report.item("strategic_objectives", objective.key)),
            "okr_count": objective.okr_count,
            "kpi_count": objective.kpi_count,
            "url": reverse("strategic-objective", args=[organization.key, objective.key]),
        })

    data = {
        "organization": organization_data(organization),
        "as_of": as_of,
        "scorecards": [
            {"unit_key": unit_key, "unit": name, **scored(report.item("scorecards", unit_key))}
            for unit_key, name in scorecards.items()
        ],
        "perspectives": [
            {
                "key": perspective.key,
                "name": perspective.name,
                "scores": perspective_scores(report, perspective, by_perspective[perspective.pk]),
                "objectives": by_perspective[perspective.pk],
            }
            for perspective in perspectives
        ],
    }
    return respond(request, "web/home.html", data)
