"""Every organization page and API endpoint returns 404 to an outsider, with none of the organization's data.

The routes are read from the URL configuration, so a page added later is
covered without editing this test.
"""

import pytest
from django.urls import get_resolver, reverse

from hoshin.accounts.tokens import create_token

# The keys of the shared test organization's objects, per URL parameter. A route whose `key` follows
# `objectives/` names a strategic objective; after `kpis/` or `history/<kind>/` it names a KPI.
ARGUMENTS = {
    "org": "acme",
    "unit_key": "t1",
    "okr_key": "come-back",
    "kr_key": "repurchase",
    "cycle_key": "2026-Q1",
    "kind": "kpi",
}
SECRETS = ["Customer loyalty", "Grow revenue", "Repurchase rate", "Customers come back", "Loyal customers buy more"]


def organization_routes():
    """Yield (route, name) for every named route with an organization in its path."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif pattern.name:
                yield prefix + str(pattern.pattern), pattern.name

    for route, name in walk(get_resolver().url_patterns):
        if "<slug:org>" in route:
            yield route, name


def arguments_for(route: str) -> dict:
    kwargs = {}
    for name, value in ARGUMENTS.items():
        if f":{name}>" in route:
            kwargs[name] = value
    if ":key>" in route:
        kwargs["key"] = "loyalty" if "objectives/" in route else "repurchase-rate"
    return kwargs


ROUTES = sorted(organization_routes())


def test_routes_are_found():
    names = {name for _route, name in ROUTES}

    assert {"org-home", "strategy-map", "kpi", "check-in", "upload", "entry-grid", "insights"} <= names


@pytest.mark.parametrize(("route", "name"), ROUTES)
def test_outsider_get_is_404_without_data(outsider_client, strategy, route, name):
    url = reverse(name, kwargs=arguments_for(route))

    response = outsider_client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404, url
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body, (url, secret)


@pytest.mark.parametrize(("route", "name"), [(r, n) for r, n in ROUTES if n in {"check-in", "entry-grid", "upload"}])
def test_outsider_post_is_404_and_writes_nothing(outsider_client, strategy, route, name):
    from hoshin.kpis.models import Measurement
    from hoshin.okrs.models import CheckIn

    before = (CheckIn.objects.count(), Measurement.objects.count())
    url = reverse(name, kwargs=arguments_for(route))

    response = outsider_client.post(url, {"value": "25", "measured_on": "2026-02-01", "confidence": "7"})

    assert response.status_code == 404, url
    assert (CheckIn.objects.count(), Measurement.objects.count()) == before


@pytest.mark.parametrize("path", ["/api/v1/orgs/acme/kpis/repurchase-rate/measurements",
                                  "/api/v1/orgs/acme/measurements:bulk"])
def test_outsider_api_is_404_without_data(client, outsider, strategy, path):
    from hoshin.kpis.models import Measurement

    _token, raw = create_token(outsider, name="probe", scopes=["write:measurements"])
    before = Measurement.objects.count()

    response = client.post(path, data='{"date": "2026-02-01", "value": 1}', content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 404
    assert "Repurchase rate" not in response.content.decode()
    assert Measurement.objects.count() == before
