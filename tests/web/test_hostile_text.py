"""User-entered text is escaped everywhere it is shown: pages, the strategy map, exports and imported files."""

import datetime as dt

import pytest
import yaml
from django.urls import reverse

from hoshin.interchange.strategy_file import export_strategy, import_strategy
from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services

SCRIPT = "<script>alert('x')</script>"
TEMPLATE = "{{ request.user.password }}{% debug %}"
HOSTILE = f"Evil {SCRIPT} {TEMPLATE}"


@pytest.fixture
def hostile(org, q1_2026, owner):
    company = org.units.get(key="company")
    cause = org_services.create_strategic_objective(
        None, org, key="cause", name=HOSTILE, perspective=org.perspectives.get(key="customer"), unit=company)
    effect = org_services.create_strategic_objective(
        None, org, key="effect", name="Plain effect", perspective=org.perspectives.get(key="financial"), unit=company)
    org_services.create_link(None, org, cause=cause, effect=effect, hypothesis=HOSTILE)
    kpi = kpi_services.create_kpi(None, org, key="evil-kpi", name=HOSTILE, unit=company, unit_of_measure=SCRIPT,
                                  frequency="monthly", aggregation="mean")
    org_services.set_strategic_kpis(None, cause, [kpi])
    kpi_services.record_measurement(None, kpi, day=dt.date(2026, 1, 1), value=3, segment=SCRIPT)
    okr = okr_services.create_okr_objective(None, org, key="evil-okr", name=HOSTILE, unit=company, cycle=q1_2026)
    okr_services.set_alignments(None, okr, strategic=[cause])
    kr = okr_services.create_key_result(None, okr, key="evil-kr", name=HOSTILE, kr_type="increase", baseline=0,
                                        target=10)
    okr_services.record_check_in(owner, kr, measured_on=dt.date(2026, 2, 1), value=4, comment=HOSTILE)
    kpi_services.update_kpi(owner, kpi, name=HOSTILE + " v2", reason=HOSTILE)
    return {"kpi": kpi, "okr": okr, "kr": kr}


PAGES = [
    ("org-home", ["acme"]),
    ("strategy-map", ["acme"]),
    ("strategic-objective", ["acme", "cause"]),
    ("kpi", ["acme", "evil-kpi"]),
    ("okr-board-default", ["acme"]),
    ("history", ["acme", "kpi", "evil-kpi"]),
    ("key-result-history", ["acme", "evil-okr", "evil-kr"]),
    ("audit-log", ["acme"]),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_page_escapes_hostile_text(member_client, hostile, name, args):
    response = member_client.get(reverse(name, args=args), {"cycle": "2026-Q1"})

    assert response.status_code == 200
    html = response.content.decode()
    assert SCRIPT not in html
    assert "<script>alert" not in html
    assert "Evil" in html


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_template_syntax_stays_text(member_client, hostile, name, args):
    response = member_client.get(reverse(name, args=args), {"cycle": "2026-Q1"})

    html = response.content.decode()
    assert "pbkdf2" not in html
    assert "{{ request.user.password }}" in html


def test_strategy_map_data_is_json_escaped(member_client, hostile):
    html = member_client.get(reverse("strategy-map", args=["acme"])).content.decode()

    assert "\\u003Cscript\\u003E" in html
    assert "</script><script>" not in html


def test_json_twin_keeps_text_exactly(member_client, hostile):
    data = member_client.get(reverse("strategy-map-json", args=["acme"])).json()

    assert {objective["name"] for objective in data["objectives"]} >= {HOSTILE}
    assert data["links"][0]["hypothesis"] == HOSTILE


def test_export_and_reimport_keep_text(org, hostile):
    text = export_strategy(org)

    document = yaml.safe_load(text)
    names = {objective["name"] for objective in document["strategic_objectives"]}
    assert HOSTILE in names
    result = import_strategy(text, filename="hostile.yaml")
    assert "0 created" in result.summary()
    assert export_strategy(org) == text


def test_audit_csv_keeps_text_as_data(member_client, hostile):
    response = member_client.get(reverse("audit-log", args=["acme"]), {"format": "csv"})

    body = response.content.decode()
    assert HOSTILE in body
    assert not any(line.startswith(("=", "+", "@")) for line in body.splitlines())
