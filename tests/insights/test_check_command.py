"""`hoshin check` and the hygiene page on small organizations and on the demo's planted weak indicators."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from hoshin.insights.hygiene import check_organization
from hoshin.insights.models import InsightSettings
from hoshin.kpis import services as kpi_services
from hoshin.organizations import services as org_services

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 5, 20)


def run_check(*arguments):
    output = io.StringIO()
    try:
        call_command("check", *arguments, stdout=output)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, output.getvalue()


@pytest.fixture
def objective(org):
    return org_services.create_strategic_objective(
        None, org, key="grow", name="Grow revenue", perspective=org.perspectives.get(key="financial"),
        unit=org.units.get(key="company"))


def make_kpi(org, key, **values):
    defaults = {"name": key.title(), "unit": org.units.get(key="company"), "frequency": "monthly",
                "aggregation": "mean", "green": 10, "yellow": 5}
    return kpi_services.create_kpi(None, org, key=key, **{**defaults, **values})


def test_unscorable_kpi_is_an_error_with_exit_status_1(org, objective):
    kpi = make_kpi(org, "sales", green=None, yellow=None)
    org_services.set_strategic_kpis(None, objective, [kpi])

    code, output = run_check("acme", "--json", "--as-of", "2026-02-15")

    document = json.loads(output)
    assert code == 1
    assert document["counts"]["error"] == 1
    finding = next(item for item in document["findings"] if item["code"] == "kpi_unscorable")
    assert finding["severity"] == "error"
    assert finding["object"] == {"kind": "kpi", "kind_label": "KPI", "key": "sales", "name": "Sales"}
    assert finding["explanation"]
    assert finding["action"]


def test_organization_without_errors_exits_0(org, objective):
    org_services.set_strategic_kpis(None, objective, [make_kpi(org, "sales")])

    code, output = run_check("acme", "--as-of", "2026-02-15")

    assert code == 0
    assert "objective_without_okr" in output


def test_orphan_kpi_found_in_database(org, objective):
    org_services.set_strategic_kpis(None, objective, [make_kpi(org, "sales")])
    make_kpi(org, "footfall")

    report = check_organization(org, dt.date(2026, 2, 15))

    orphans = [finding["object"]["key"] for finding in report.findings if finding["code"] == "kpi_orphan"]
    assert orphans == ["footfall"]
    assert report.inflation["organization"]["orphans"] == 1


def test_limits_come_from_the_organization_settings(org, objective):
    org_services.set_strategic_kpis(None, objective, [make_kpi(org, "a"), make_kpi(org, "b")])

    before = check_organization(org, dt.date(2026, 2, 15))
    InsightSettings.objects.create(organization=org, kpis_per_objective=1)
    after = check_organization(org, dt.date(2026, 2, 15))

    assert "too_many_kpis_per_objective" not in [finding["code"] for finding in before.findings]
    assert "too_many_kpis_per_objective" in [finding["code"] for finding in after.findings]


def test_check_without_organization_runs_system_checks():
    code, output = run_check()

    assert code == 0
    assert "System check identified no issues" in output


def test_hygiene_page_and_json(member_client, org, objective):
    org_services.set_strategic_kpis(None, objective, [make_kpi(org, "sales")])
    make_kpi(org, "footfall")

    page = member_client.get("/o/acme/insights?as_of=2026-02-15")
    document = member_client.get("/o/acme/insights.json?as_of=2026-02-15").json()

    assert page.status_code == 200
    assert "Footfall" in page.content.decode()
    assert {finding["code"] for finding in document["findings"]} >= {"kpi_orphan", "objective_without_okr"}


def test_hygiene_page_of_other_organization_is_404(outsider_client, org):
    assert outsider_client.get("/o/acme/insights.json").status_code == 404


@pytest.mark.parametrize("key", ["industry", "financial", "retail"])
def test_demo_planted_weak_indicators_are_found(demo, key):
    from hoshin.organizations.models import Organization

    planted = demo["organizations"][key]["weak_indicators"]

    report = check_organization(Organization.objects.get(key=key), AS_OF)

    found = {(finding["code"], finding["object"]["key"]) for finding in report.findings}
    assert ("kpi_orphan", planted["orphan"]) in found
    assert ("kpi_stale", planted["stale"]["kpi"]) in found
    duplicates = [finding for finding in report.findings if finding["code"] == "kpi_duplicate"]
    assert [{finding["object"]["key"], finding["params"]["keep"]} for finding in duplicates] == [set(planted["duplicate"])]
    orphans = {key for code, key in found if code == "kpi_orphan"}
    assert orphans == {planted["orphan"]}


def test_restricted_organization_hides_other_units_kpis(client, org, teammate, objective):
    org_services.set_strategic_kpis(None, objective, [make_kpi(org, "sales")])
    make_kpi(org, "team-one", unit=org.units.get(key="t1"))
    make_kpi(org, "team-two", unit=org.units.get(key="t2"))
    org.visibility = "restricted"
    org.save(update_fields=["visibility"])
    client.force_login(teammate)

    document = client.get("/o/acme/insights.json?as_of=2026-02-15").json()

    keys = {finding["object"]["key"] for finding in document["findings"]}
    assert "team-one" in keys
    assert "team-two" not in keys
    assert document["inflation"]["organization"]["orphans"] == 2
