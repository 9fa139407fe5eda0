"""The strategy map and the objective page show the evidence verdict of each link, and root causes."""

from django.urls import reverse


def test_map_links_carry_verdict(member_client, strategy):
    response = member_client.get(reverse("strategy-map-json", args=["acme"]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    link = response.json()["links"][0]
    assert (link["cause"], link["effect"]) == ("loyalty", "revenue")
    assert link["verdict"] == "insufficient_data"
    assert link["verdict_label"] == "Not enough data yet"


def test_map_lists_verdict_legend(member_client, strategy):
    response = member_client.get(reverse("strategy-map", args=["acme"]), HTTP_ACCEPT_LANGUAGE="en")

    text = response.content.decode()
    assert "✓ Supported" in text
    assert "✗ Contradicted" in text
    assert "Not enough data yet" in text


def test_objective_page_shows_evidence_and_root_causes(member_client, strategy):
    response = member_client.get(reverse("strategic-objective-json", args=["acme", "revenue"]),
                                 HTTP_ACCEPT_LANGUAGE="en")

    data = response.json()
    assert data["causes"][0]["key"] == "loyalty"
    assert data["causes"][0]["verdict"] == "insufficient_data"
    assert data["objective"]["explain_url"] == "/o/acme/objectives/revenue/explain"


def test_off_track_objective_lists_root_causes(member_client, org):
    import datetime as dt

    from hoshin.kpis import services as kpi_services
    from hoshin.organizations import services as org_services

    company = org.units.get(key="company")
    objective = org_services.create_strategic_objective(
        None, org, key="quality", name="Quality", perspective=org.perspectives.get(key="internal"), unit=company)
    kpi = kpi_services.create_kpi(None, org, key="defects", name="Defect-free rate", unit=company,
                                  frequency="monthly", aggregation="mean", green=95, yellow=90)
    kpi_services.set_kpi_target(None, kpi, period=str(dt.date.today().year), value=95)
    org_services.set_strategic_kpis(None, objective, [kpi])
    kpi_services.record_measurement(None, kpi, day=dt.date.today(), value=40)

    data = member_client.get(reverse("strategic-objective-json", args=["acme", "quality"])).json()

    assert data["objective"]["status"] == "off_track"
    assert data["root_causes"][0]["key"] == "defects"
