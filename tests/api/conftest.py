"""API fixtures: tokens for the owner, the teammate and the outsider, and a JSON client."""

import json

import pytest
from django.test import Client

from hoshin.accounts.tokens import create_token
from hoshin.kpis import services as kpi_services


@pytest.fixture
def token(owner):
    return create_token(owner, name="pipeline", scopes=["write:measurements"])[1]


@pytest.fixture
def make_token():
    def make(user, scopes=("write:measurements",)):
        return create_token(user, name="test", scopes=list(scopes))[1]
    return make


@pytest.fixture
def api():
    """Send requests with a bearer token and return (status, parsed JSON, response)."""
    client = Client()

    def send(path, body=None, *, token=None, content_type="application/json", headers=None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        data = json.dumps(body) if content_type == "application/json" and not isinstance(body, (str, bytes)) else body
        response = client.post(path, data=data, content_type=content_type, **extra)
        return response.status_code, response.json(), response
    return send


@pytest.fixture
def nps(org):
    return kpi_services.create_kpi(None, org, key="nps", name="NPS", unit=org.units.get(key="company"), frequency="daily")


@pytest.fixture
def on_time(org):
    return kpi_services.create_kpi(None, org, key="on_time", name="On time", unit=org.units.get(key="company"),
                                   frequency="monthly", aggregation="ratio")
