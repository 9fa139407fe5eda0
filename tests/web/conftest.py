"""Fixtures for the web pages: a small strategy in the shared organization, and logged-in clients."""

import datetime as dt

import pytest

from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services


@pytest.fixture
def member_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def strategy(org, q1_2026):
    """Two linked strategic objectives, a strategic KPI with measurements, an aligned OKR with two key results."""
    company = org.units.get(key="company")
    team = org.units.get(key="t1")
    loyalty = org_services.create_strategic_objective(
        None, org, key="loyalty", name="Customer loyalty", perspective=org.perspectives.get(key="customer"), unit=company
    )
    revenue = org_services.create_strategic_objective(
        None, org, key="revenue", name="Grow revenue", perspective=org.perspectives.get(key="financial"), unit=company
    )

    link = org_services.create_link(None, org, cause=loyalty, effect=revenue, hypothesis="Loyal customers buy more")
    kpi = kpi_services.create_kpi(
        None, org, key="repurchase-rate", name="Repurchase rate", unit=company, unit_of_measure="%",
        direction="higher_is_better", frequency="monthly", aggregation="mean", green=30, yellow=20,
    )
    org_services.set_strategic_kpis(None, loyalty, [kpi])

    for month, value in ((1, 21.5), (2, 24.0), (3, 1234.5)):
        kpi_services.record_measurement(None, kpi, day=dt.date(2026, month, 1), value=value, segment="")

    okr = okr_services.create_okr_objective(
        None, org, key="come-back", name="Customers come back", unit=team, cycle=q1_2026
    )
    okr_services.set_alignments(None, okr, strategic=[loyalty])
    increase = okr_services.create_key_result(
        None, okr, key="repurchase", name="Repurchase rate to 30 %", kr_type="increase", baseline=20, target=30,
        unit_of_measure="%", source_kpi=None,
    )
    milestone = okr_services.create_key_result(None, okr, key="loyalty-card", name="Launch the loyalty card",
                                               kr_type="milestone")

    return {
        "loyalty": loyalty, "revenue": revenue, "link": link, "kpi": kpi, "okr": okr,
        "increase": increase, "milestone": milestone, "cycle": q1_2026,
    }
