"""Rendered organization pages are reused until the organization's data changes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoshin.kpis import services as kpi_services


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_second_view_is_served_from_cache(member_client, org):
    url = reverse("org-home", args=["acme"])
    get(member_client, url)

    first, first_queries = get(member_client, url)
    second, second_queries = get(member_client, url)

    assert second.content == first.content
    assert second_queries < first_queries


def test_write_renders_page_again(member_client, org):
    kpi = kpi_services.create_kpi(None, org, key="visits", name="Store visits", unit=org.units.first(),
                                  frequency="daily", aggregation="sum", kind="count")
    url = reverse("kpi", args=["acme", "visits"])
    get(member_client, url)
    before, _ = get(member_client, url)

    kpi_services.update_kpi(None, kpi, name="Store visitors", reason="clearer name")
    after, _ = get(member_client, url)

    assert b"Store visits" in before.content
    assert b"Store visitors" in after.content


def test_cache_off_renders_every_time(member_client, org, settings):
    settings.HOSHIN_PAGE_CACHE_SECONDS = 0
    url = reverse("org-home", args=["acme"])
    get(member_client, url)

    _, first_queries = get(member_client, url)
    _, second_queries = get(member_client, url)

    assert second_queries == first_queries
