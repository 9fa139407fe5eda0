"""The KPI page: chart periods and segments aggregated by the engine, thresholds, history and what the KPI feeds."""

import datetime as dt

import pytest
from django.urls import reverse

from hoshin.kpis import services as kpi_services


def kpi_json(client, key, **params):
    return client.get(reverse("kpi-json", args=["acme", key]), params, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def store_kpi(org):
    """A weekly mean KPI measured in two stores, with a different number of underlying values per row."""
    kpi = kpi_services.create_kpi(
        None, org, key="basket", name="Basket size", unit=org.units.get(key="company"), frequency="weekly",
        aggregation="mean", direction="higher_is_better", green=50, yellow=40,
    )
    rows = [
        (dt.date(2026, 1, 5), "north", 40.0, 1),
        (dt.date(2026, 1, 5), "south", 70.0, 3),
        (dt.date(2026, 1, 12), "north", 60.0, 1),
        (dt.date(2026, 2, 2), "north", 80.0, 2),
    ]
    for day, segment, value, count in rows:
        kpi_services.record_measurement(None, kpi, day=day, value=value, segment=segment, value_count=count)
    return kpi


def test_monthly_points_weigh_by_value_count(member_client, store_kpi):
    chart = kpi_json(member_client, "basket", period="monthly").json()["chart"]

    points = {point["label"]: point for point in chart["points"]}
    assert points["2026-01"]["value"] == pytest.approx((40 + 70 * 3 + 60) / 5)
    assert points["2026-02"]["value"] == pytest.approx(80.0)
    assert points["2026-01"]["status"] == "on_track"


def test_segment_filter_keeps_one_segment(member_client, store_kpi):
    chart = kpi_json(member_client, "basket", period="monthly", segment="north").json()["chart"]

    points = {point["label"]: point for point in chart["points"]}
    assert chart["segments"] == ["north", "south"]
    assert chart["segment"] == "north"
    assert points["2026-01"]["value"] == pytest.approx(50.0)


def test_weekly_points_are_the_measured_weeks(member_client, store_kpi):
    chart = kpi_json(member_client, "basket").json()["chart"]

    points = {point["label"]: point for point in chart["points"]}
    assert chart["period"] == "weekly"
    assert points["2026-W02"]["value"] == pytest.approx((40 + 70 * 3) / 4)
    assert points["2026-W02"]["status"] == "on_track"
    assert points["2026-W03"]["value"] == pytest.approx(60.0)
    assert points["2026-W04"]["value"] is None
    assert points["2026-W04"]["status"] == "no_data"


@pytest.mark.parametrize(("params", "field"), [({"period": "daily"}, "period"), ({"period": "hourly"}, "period"),
                                               ({"segment": "west"}, "segment")])
def test_invalid_chart_choice_is_422(member_client, store_kpi, params, field):
    response = kpi_json(member_client, "basket", **params)

    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_sum_target_prorated_to_point(member_client, org):
    kpi = kpi_services.create_kpi(None, org, key="sales", name="Sales", unit=org.units.get(key="company"),
                                  frequency="monthly", aggregation="sum", kind="count")
    kpi_services.record_measurement(None, kpi, day=dt.date(2026, 1, 1), value=100)
    kpi_services.set_kpi_target(None, kpi, period="2026-Q1", value=900)

    chart = kpi_json(member_client, "sales").json()["chart"]

    points = {point["label"]: point for point in chart["points"]}
    assert points["2026-01"]["target"] == pytest.approx(900 * 31 / 90)
    assert points["2026-02"]["target"] == pytest.approx(900 * 28 / 90)
    assert points["2026-02"]["value"] == 0
    assert chart["show_thresholds"] is False


def test_history_shows_who_when_and_why(member_client, owner, strategy):
    kpi_services.update_kpi(owner, strategy["kpi"], green=35, reason="Benchmark raised")

    response = member_client.get(reverse("history", args=["acme", "kpi", "repurchase-rate"]), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert "Benchmark raised" in html
    assert "owner" in html
    assert "Green threshold" in html
    assert "<del>30" in html
    assert "<ins>35" in html


def test_kpi_page_lists_what_it_feeds(member_client, strategy):
    feeds = kpi_json(member_client, "repurchase-rate").json()["feeds"]

    assert [item["key"] for item in feeds["strategic_objectives"]] == ["loyalty"]
    assert feeds["key_results"] == []


def test_kpi_feeding_nothing_is_flagged(member_client, store_kpi):
    response = member_client.get(reverse("kpi", args=["acme", "basket"]), HTTP_ACCEPT_LANGUAGE="en")

    assert "This KPI feeds no strategic objective and no key result." in response.content.decode()
