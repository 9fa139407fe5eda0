"""The scorecard and the strategy map read in a fixed number of queries, whatever the number of objectives."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services


def build_strategy(org, cycle, count: int) -> None:
    """Create `count` strategic objectives spread over the perspectives, each with a KPI, an OKR and a link."""
    company = org.units.get(key="company")
    perspectives = list(org.perspectives.order_by("position"))
    previous = None
    for number in range(count):
        objective = org_services.create_strategic_objective(
            None, org, key=f"objective-{number}", name=f"Objective {number}",
            perspective=perspectives[number % len(perspectives)], unit=company,
        )
        kpi = kpi_services.create_kpi(None, org, key=f"kpi-{number}", name=f"KPI {number}", unit=company,
                                      frequency="monthly", aggregation="mean")
        org_services.set_strategic_kpis(None, objective, [kpi])
        okr = okr_services.create_okr_objective(None, org, key=f"okr-{number}", name=f"OKR {number}",
                                                unit=company, cycle=cycle)
        okr_services.set_alignments(None, okr, strategic=[objective])
        okr_services.create_key_result(None, okr, key=f"kr-{number}", name=f"KR {number}", kr_type="milestone")
        if previous is not None:
            org_services.create_link(None, org, cause=previous, effect=objective, hypothesis=f"Hypothesis {number}")
        previous = objective


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["org-home", "strategy-map", "org-home-json", "strategy-map-json"])
def test_query_count_does_not_grow(member_client, org, q1_2026, name, settings):
    settings.HOSHIN_PAGE_CACHE_SECONDS = 0
    url = reverse(name, args=["acme"])
    build_strategy(org, q1_2026, 10)
    with_10 = count_queries(member_client, url)

    org.strategic_objectives.all().delete()
    org.okr_objectives.all().delete()
    org.kpis.all().delete()
    build_strategy(org, q1_2026, 100)
    with_100 = count_queries(member_client, url)

    assert with_100 == with_10
