"""Every page renders for a member, is served as JSON at its `.json` twin, and hides other organizations."""

import pytest
from django.urls import reverse

from hoshin.kpis import services as kpi_services


def page_urls(strategy):
    return {
        "org-home": ["acme"],
        "strategy-map": ["acme"],
        "strategic-objective": ["acme", "loyalty"],
        "kpi": ["acme", "repurchase-rate"],
        "okr-board-default": ["acme"],
        "okr-board": ["acme", "t1"],
        "history": ["acme", "kpi", "repurchase-rate"],
        "key-result-history": ["acme", "come-back", "repurchase"],
    }


PAGES = [
    ("org-home", "Customer loyalty"),
    ("strategy-map", "Loyal customers buy more"),
    ("strategic-objective", "Customers come back"),
    ("kpi", "Repurchase rate"),
    ("okr-board-default", "2026-Q1"),
    ("okr-board", "Launch the loyalty card"),
    ("history", "Created"),
    ("key-result-history", "Created"),
]


@pytest.mark.parametrize(("name", "content"), PAGES)
def test_page_renders_for_member(member_client, strategy, name, content):
    response = member_client.get(reverse(name, args=page_urls(strategy)[name]), {"cycle": "2026-Q1"},
                                 HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert content in response.content.decode()


@pytest.mark.parametrize(("name", "content"), PAGES)
def test_page_json_twin(member_client, strategy, name, content):
    response = member_client.get(reverse(f"{name}-json", args=page_urls(strategy)[name]), {"cycle": "2026-Q1"},
                                 HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert content in response.content.decode()


@pytest.mark.parametrize(("name", "content"), PAGES)
def test_page_requires_login(client, strategy, name, content):
    response = client.get(reverse(name, args=page_urls(strategy)[name]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "content"), PAGES)
def test_outsider_gets_404(outsider_client, strategy, name, content):
    response = outsider_client.get(reverse(name, args=page_urls(strategy)[name]))

    assert response.status_code == 404


def test_portuguese_labels_and_number_formats(member_client, strategy):
    kpi_services.set_kpi_target(None, strategy["kpi"], period="2026-Q1", value=2500.75)

    response = member_client.get(reverse("kpi", args=["acme", "repurchase-rate"]), HTTP_ACCEPT_LANGUAGE="pt-BR")

    html = response.content.decode()
    assert '<html lang="pt-br">' in html
    assert "Medições" in html
    assert "O que este KPI alimenta" in html
    assert "1.234,5" in html
    assert "2.500,75" in html
    assert "01/01/2026" in html
    assert "31/03/2026" in html


def test_spanish_labels(member_client, strategy):
    response = member_client.get(reverse("org-home", args=["acme"]), HTTP_ACCEPT_LANGUAGE="es")

    html = response.content.decode()
    assert "Objetivo estratégico" in html
    assert "OKR alineados" in html
