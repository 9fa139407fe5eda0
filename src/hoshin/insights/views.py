"""Insight pages: hygiene, evidence for links, root causes, forecasts, retrospectives and the learning log.

Every page goes through `organization_page` (login, membership, language,
JSON twin at `.json`) and builds one plain dict.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from hoshin.insights.evidence import organization_evidence
from hoshin.insights import visibility
from hoshin.insights.explain import explain_objective
from hoshin.insights.forecasts import organization_forecasts
from hoshin.insights.hygiene import check_organization
from hoshin.insights.retrospectives import cycles_document, learning_log, retrospective_document
from hoshin.insights.services import add_lesson, close_cycle
from hoshin.okrs.models import OkrObjective
from hoshin.organizations.models import CauseEffectLink, Cycle, StrategicObjective
from hoshin.web.access import scoped_get
from hoshin.web.pages import as_of_from, organization_data, organization_page, respond, today_for


@organization_page
def hygiene_page(request, organization):
    as_of = as_of_from(request, organization)
    report = check_organization(organization, as_of)
    document = report.to_json()
    document["findings"] = visibility.hygiene_findings(document["findings"], visibility.visible_keys(request, organization))

    data = {**document, "organization": organization_data(organization), "as_of": as_of}
    return respond(request, "insights/hygiene.html", data)


@organization_page
def evidence_page(request, organization):
    as_of = as_of_from(request, organization)
    report = organization_evidence(organization, as_of)
    document = report.to_json()
    document["links"] = visibility.evidence_items(document["links"], visibility.visible_keys(request, organization))

    data = {**document, "organization": organization_data(organization), "as_of": as_of}
    return respond(request, "insights/evidence.html", data)


@organization_page
def explain_page(request, organization, key: str):
    objective = scoped_get(request, StrategicObjective, key=key)
    as_of = as_of_from(request, organization)
    document = explain_objective(organization, objective.key, as_of)
    allowed = visibility.visible_keys(request, organization)
    document["contributors"] = visibility.contributors(document["contributors"], allowed)
    document["no_data"] = visibility.contributors(document["no_data"], allowed)

    data = {**document, "organization": organization_data(organization), "as_of": as_of}
    return respond(request, "insights/explain.html", data)


@organization_page
def forecasts_page(request, organization):
    as_of = as_of_from(request, organization)
    document = organization_forecasts(organization, as_of)
    document["key_results"] = visibility.key_results(document["key_results"], visibility.visible_keys(request, organization))

    data = {**document, "organization": organization_data(organization), "as_of": as_of}
    return respond(request, "insights/forecasts.html", data)


@organization_page
def retrospectives_page(request, organization):
    if request.method == "POST":
        cycle = scoped_get(request, Cycle, key=request.POST.get("cycle", ""))
        close_cycle(request.user, cycle)
        messages.success(request, _("Cycle %(cycle)s is closed; its final scores are kept.") % {"cycle": cycle.name})
        return redirect("retrospective", organization.key, cycle.key)

    data = {**cycles_document(organization, today_for(organization)), "organization": organization_data(organization)}
    return respond(request, "insights/retrospectives.html", data)


@organization_page
def retrospective_page(request, organization, cycle_key: str):
    cycle = scoped_get(request, Cycle, key=cycle_key)
    if request.method == "POST":
        okr = scoped_get(request, OkrObjective, key=request.POST.get("objective", ""), cycle=cycle)
        add_lesson(request.user, organization, text=request.POST.get("text", ""), okr_objective=okr, cycle=cycle)
        messages.success(request, _("Lesson saved."))
        return redirect("retrospective", organization.key, cycle.key)

    document = retrospective_document(organization, cycle)
    document["objectives"] = visibility.objectives(document["objectives"], visibility.visible_keys(request, organization))

    data = {**document, "organization": organization_data(organization)}
    return respond(request, "insights/retrospective.html", data)


@organization_page
def learning_page(request, organization):
    if request.method == "POST":
        link = get_object_or_404(CauseEffectLink, organization=organization, pk=request.POST.get("link") or 0)
        add_lesson(request.user, organization, text=request.POST.get("text", ""), link=link)
        messages.success(request, _("Lesson saved."))
        return redirect("learning", organization.key)

    as_of = as_of_from(request, organization)
    data = {**learning_log(organization, as_of), "organization": organization_data(organization), "as_of": as_of}
    return respond(request, "insights/learning.html", data)
