"""The OKR board and the KPI page show the end-of-cycle forecast of key results fed by a KPI."""

import datetime as dt

import pytest
from django.urls import reverse

from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services


@pytest.fixture
def fed(org):
    today = dt.date.today()
    cycle = org_services.cycle_for_label(None, org, f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    team = org.units.get(key="t1")
    kpi = kpi_services.create_kpi(None, org, key="orders", name="Orders", unit=team, frequency="daily",
                                  aggregation="sum", kind="count")
    for offset in range(120):
        kpi_services.record_measurement(None, kpi, day=today - dt.timedelta(days=offset), value=10 + offset % 7)
    okr = okr_services.create_okr_objective(None, org, key="sell", name="Sell more", unit=team, cycle=cycle)
    okr_services.create_key_result(None, okr, key="orders-kr", name="Orders this quarter", kr_type="increase",
                                   baseline=0, target=2000, source_kpi=kpi)
    return cycle


def test_okr_board_shows_forecast(member_client, fed):
    data = member_client.get(reverse("okr-board-json", args=["acme", "t1"])).json()

    kr = data["okr_objectives"][0]["key_results"][0]
    assert kr["forecast"]["value"] > 0
    assert kr["forecast"]["outlook"] in {"likely", "possible", "at_risk"}


def test_kpi_page_shows_forecast(member_client, fed):
    data = member_client.get(reverse("kpi-json", args=["acme", "orders"])).json()

    assert data["feeds"]["key_results"][0]["forecast"]["value"] > 0
