"""`hoshin evidence`, the evidence page and its JSON for the strategy map, on the demo's ground truth."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from hoshin.insights.evidence import organization_evidence
from hoshin.insights.models import EvidenceRecord
from hoshin.organizations.models import Organization

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 5, 20)


def cause_effect_verdicts(key):
    report = organization_evidence(Organization.objects.get(key=key), AS_OF)
    return {(item["from"]["key"], item["to"]["key"]): item for item in report.cause_effect()}


@pytest.mark.parametrize("key", ["industry", "financial", "retail"])
def test_no_real_demo_link_is_contradicted(demo, key):
    verdicts = cause_effect_verdicts(key)

    for link in demo["organizations"][key]["links"]:
        item = verdicts[(link["from"], link["to"])]
        if link["real"]:
            assert item["verdict"] != "contradicted", link
        else:
            assert item["verdict"] != "supported", link


@pytest.mark.parametrize("key", ["industry", "financial", "retail"])
def test_expected_sign_follows_truth(demo, key):
    verdicts = cause_effect_verdicts(key)
    signs = {"positive": 1, "negative": -1}

    for link in demo["organizations"][key]["links"]:
        assert verdicts[(link["from"], link["to"])]["expected_sign"] in (signs[link["kpi_sign"]], None)


def test_daily_demo_links_are_supported(demo):
    verdicts = cause_effect_verdicts("financial")

    item = verdicts[("ship-reliable-software", "deepen-app-engagement")]
    assert item["verdict"] == "supported"
    assert item["best_lag_days"] == 14
    assert item["q_value"] <= 0.05
    assert item["periods_used"] == 730


def test_command_prints_json_and_records(demo):
    output = io.StringIO()

    call_command("evidence", "industry", "--json", "--as-of", AS_OF.isoformat(), "--record", stdout=output)

    document = json.loads(output.getvalue())
    links = [item for item in document["links"] if item["kind"] == "cause_effect"]
    assert len(links) == 9
    assert set(links[0]) >= {"from", "to", "verdict", "best_lag_days", "correlation", "p_value", "q_value",
                             "periods_used"}
    assert EvidenceRecord.objects.filter(link__organization__key="industry", as_of=AS_OF).count() == 9


def test_evidence_json_for_the_map(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="industry-viewer"))

    document = client.get(f"/o/industry/evidence.json?as_of={AS_OF}").json()
    page = client.get(f"/o/industry/evidence?as_of={AS_OF}")

    line = next(item for item in document["links"]
                if item["kind"] == "cause_effect" and item["from"]["key"] == "improve-energy-efficiency"
                and item["to"]["key"] == "reduce-co2")
    assert line["verdict"] == "supported"
    assert page.status_code == 200
    assert "Reduce CO2 emissions" in page.content.decode()
