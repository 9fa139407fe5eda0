"""Insight pages: hygiene, evidence for links, root causes, forecasts, retrospectives and the learning log.

Every page goes through `organization_page` (login, membership, language,
JSON twin at `.json`) and builds one plain dict.
"""

from hoshin.insights.evidence import organization_evidence
from hoshin.insights.explain import explain_objective
from hoshin.insights.forecasts import organization_forecasts
from hoshin.insights.hygiene import check_organization
from hoshin.organizations.models import StrategicObjective
from hoshin.web.access import scoped_get
from hoshin.web.pages import as_of_from, organization_data, organization_page, respond


@organization_page
def hygiene_page(request, organization):
    as_of = as_of_from(request, organization)
    report = check_organization(organization, as_of)

    data = {**report.to_json(), "organization": organization_data(organization), "as_of": as_of}
    return respond(request, "insights/hygiene.html", data)


@organization_page
def evidence_page(request, organization):
    as_of = as_of_from(request, organization)
    report = organization_evidence(organization, as_of)

    data = {**report.to_json(), "organization": organization_data(organization), "as_of": as_of}
    return respond(request, "insights/evidence.html", data)


@organization_page
def explain_page(request, organization, key: str):
    objective = scoped_get(request, StrategicObjective, key=key)
    as_of = as_of_from(request, organization)
    document = explain_objective(organization, objective.key, as_of)

    data = {**document, "organization": organization_data(organization), "as_of": as_of}
    return respond(request, "insights/explain.html", data)


@organization_page
def forecasts_page(request, organization):
    as_of = as_of_from(request, organization)
    document = organization_forecasts(organization, as_of)

    data = {**document, "organization": organization_data(organization), "as_of": as_of}
    return respond(request, "insights/forecasts.html", data)
