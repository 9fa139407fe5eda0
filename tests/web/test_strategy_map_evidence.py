"""The strategy map says what the data shows of each cause-effect link."""

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
