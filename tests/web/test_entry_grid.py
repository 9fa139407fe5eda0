"""The data entry grid: values in the page language's format, saved through ingestion, all or nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from hoshin.accounts.models import Membership
from hoshin.kpis import services as kpi_services
from hoshin.kpis.models import Measurement

WEEK = "period=week&start=2026-03-09"
PORTUGUESE = {"HTTP_ACCEPT_LANGUAGE": "pt-BR"}


@pytest.fixture
def kpis(org):
    team = org.units.get(key="t1")
    energy = kpi_services.create_kpi(None, org, key="energy", name="Energy use", unit=team, unit_of_measure="kWh",
                                     direction="lower_is_better", frequency="daily", aggregation="sum", kind="count")
    scrap = kpi_services.create_kpi(None, org, key="scrap", name="Scrap rate", unit=team, unit_of_measure="%",
                                    direction="lower_is_better", frequency="weekly", aggregation="mean")
    kpi_services.record_measurement(None, energy, day=dt.date(2026, 3, 9), value=1234.5, segment="")
    return {"energy": energy, "scrap": scrap}


@pytest.fixture
def viewer(org, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="pw-viewer-123")
    Membership.objects.create(user=user, organization=org, unit=org.units.get(key="t1"), role="viewer")
    return user


def grid_url(unit="t1", query=WEEK, suffix=""):
    name = "entry-grid-json" if suffix == ".json" else "entry-grid"
    return reverse(name, args=["acme", unit]) + f"?{query}"


def stored(kpi):
    return {(row.period_start, row.segment): row.value for row in Measurement.objects.filter(kpi=kpi)}


def test_grid_renders_week_in_portuguese(member_client, kpis):
    response = member_client.get(grid_url(), **PORTUGUESE)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="1.234,5"' in html
    assert '<label for="cell-energy-2026-03-09" class="visually-hidden">Energy use, 09/03/2026</label>' in html
    assert 'name="cell:energy:2026-03-15"' in html
    assert "cell:scrap" not in html


def test_grid_month_shows_weekly_kpis(member_client, kpis):
    response = member_client.get(grid_url(query="period=month&start=2026-03-20"), **PORTUGUESE)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="cell:scrap:2026-03-02"' in html
    assert 'name="cell:scrap:2026-03-30"' in html
    assert "cell:energy" not in html


def test_grid_json_lists_cells(member_client, kpis):
    response = member_client.get(grid_url(suffix=".json"), **PORTUGUESE)

    data = response.json()
    assert response.status_code == 200
    assert [column["start"] for column in data["columns"]][:2] == ["2026-03-09", "2026-03-10"]
    assert data["rows"][0]["key"] == "energy"
    assert data["rows"][0]["cells"][0]["value"] == 1234.5
    assert data["rows"][0]["cells"][0]["text"] == "1.234,5"
    assert data["editable"] is True


def test_grid_saves_portuguese_numbers(member_client, kpis):
    response = member_client.post(grid_url(), {"cell:energy:2026-03-10": "2.345,75", "cell:energy:2026-03-11": "0,5"},
                                  **PORTUGUESE)

    assert response.status_code == 302
    values = stored(kpis["energy"])
    assert values[(dt.date(2026, 3, 10), "")] == 2345.75
    assert values[(dt.date(2026, 3, 11), "")] == 0.5
    assert values[(dt.date(2026, 3, 9), "")] == 1234.5
    assert Measurement.objects.get(kpi=kpis["energy"], period_start=dt.date(2026, 3, 10)).source == "web:entry"


def test_grid_saves_weekly_value(member_client, kpis):
    response = member_client.post(grid_url(query="period=month&start=2026-03-01"), {"cell:scrap:2026-03-16": "3,25"},
                                  **PORTUGUESE)

    assert response.status_code == 302
    assert stored(kpis["scrap"]) == {(dt.date(2026, 3, 16), ""): 3.25}


def test_grid_revises_changed_value(member_client, kpis):
    member_client.post(grid_url(), {"cell:energy:2026-03-09": "1.000"}, **PORTUGUESE)

    measurement = Measurement.objects.get(kpi=kpis["energy"], period_start=dt.date(2026, 3, 9))
    assert measurement.value == 1000
    assert measurement.revision == 2


def test_grid_invalid_cell_writes_nothing(member_client, kpis):
    before = stored(kpis["energy"])

    response = member_client.post(grid_url(), {"cell:energy:2026-03-10": "12,5", "cell:energy:2026-03-11": "1.2.3"},
                                  **PORTUGUESE)

    html = response.content.decode()
    assert response.status_code == 422
    assert stored(kpis["energy"]) == before
    assert 'aria-describedby="cell-energy-2026-03-11-error"' in html
    assert 'id="cell-energy-2026-03-11-error"' in html
    assert "1.2.3 não é um número" in html
    assert 'value="12,5"' in html


def test_grid_htmx_error_returns_grid(member_client, kpis):
    response = member_client.post(grid_url(), {"cell:energy:2026-03-10": "abc"}, HTTP_HX_REQUEST="true",
                                  HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 422
    assert html.startswith('<div id="entry-grid">')
    assert "abc is not a number; write it like 1,234.5." in html


def test_grid_htmx_save_returns_message(member_client, kpis):
    response = member_client.post(grid_url(), {"cell:energy:2026-03-12": "7"}, HTTP_HX_REQUEST="true",
                                  HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "1 value saved." in response.content.decode()
    assert stored(kpis["energy"])[(dt.date(2026, 3, 12), "")] == 7


def test_grid_json_error_lists_cells(member_client, kpis):
    response = member_client.post(grid_url(suffix=".json"), {"cell:energy:2026-03-10": "x"}, HTTP_ACCEPT_LANGUAGE="en")

    error = response.json()["error"]
    assert response.status_code == 422
    assert error["code"] == "invalid"
    assert error["field"] == "cell-energy-2026-03-10"
    assert list(error["cells"]) == ["cell-energy-2026-03-10"]


def test_grid_contributor_saves_own_unit(client, teammate, kpis):
    client.force_login(teammate)

    response = client.post(grid_url(), {"cell:energy:2026-03-13": "42"}, **PORTUGUESE)

    assert response.status_code == 302
    assert stored(kpis["energy"])[(dt.date(2026, 3, 13), "")] == 42


def test_grid_contributor_reads_other_unit(client, teammate, org):
    kpi_services.create_kpi(None, org, key="calls", name="Calls", unit=org.units.get(key="t2"), frequency="daily",
                            aggregation="sum")
    client.force_login(teammate)

    html = client.get(grid_url(unit="t2"), **PORTUGUESE).content.decode()
    response = client.post(grid_url(unit="t2"), {"cell:calls:2026-03-10": "5"}, **PORTUGUESE)

    assert "cell:calls" not in html
    assert response.status_code == 403
    assert not Measurement.objects.filter(kpi__key="calls").exists()


def test_grid_viewer_is_read_only(client, viewer, kpis):
    client.force_login(viewer)
    before = stored(kpis["energy"])

    html = client.get(grid_url(), **PORTUGUESE).content.decode()
    response = client.post(grid_url(), {"cell:energy:2026-03-10": "5"}, **PORTUGUESE)

    assert "<input type=\"text\"" not in html
    assert "1.234,5" in html
    assert response.status_code == 403
    assert stored(kpis["energy"]) == before


def test_grid_other_org_is_404(outsider_client, kpis):
    assert outsider_client.get(grid_url()).status_code == 404
    assert outsider_client.post(grid_url(), {"cell:energy:2026-03-10": "5"}).status_code == 404


def test_grid_unknown_unit_is_404(member_client, kpis, other_org):
    assert member_client.get(grid_url(unit="nope")).status_code == 404
    assert member_client.get(reverse("entry-grid", args=["globex", "company"])).status_code == 404


def test_grid_rejects_bad_period(member_client, kpis):
    response = member_client.get(grid_url(query="period=year"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422


def test_grid_default_redirects_to_home_unit(member_client, kpis):
    response = member_client.get(reverse("entry-grid-default", args=["acme"]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("entry-grid", args=["acme", "company"]))


def test_board_links_to_grid_and_upload(member_client, kpis):
    html = member_client.get(reverse("okr-board", args=["acme", "t1"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert reverse("entry-grid", args=["acme", "t1"]) in html
    assert reverse("upload", args=["acme"]) in html


def test_healthz_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
