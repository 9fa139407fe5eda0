"""The organization-wide audit log page: admins only, filters, CSV export."""

from django.urls import reverse

from hoshin.kpis import services as kpi_services


def test_admin_sees_target_change_with_reason(member_client, owner, strategy):
    kpi_services.update_kpi(owner, strategy["kpi"], green=35, reason="new benchmark")

    response = member_client.get(reverse("audit-log-json", args=["acme"]), {"object_type": "kpis.kpi"})

    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows[0]["reason"] == "new benchmark"
    assert rows[0]["user"] == "owner"
    assert {"field": "green", "old": 30.0, "new": 35.0} in rows[0]["changes"]
    assert all(row["object_type"] == rows[0]["object_type"] for row in rows)


def test_audit_csv_export(member_client, owner, strategy):
    kpi_services.update_kpi(owner, strategy["kpi"], green=35, reason="new benchmark")

    response = member_client.get(reverse("audit-log", args=["acme"]), {"format": "csv", "user": "owner"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "new benchmark" in body
    assert body.count("\n") >= 2


def test_contributor_gets_403(client, teammate, strategy):
    client.force_login(teammate)

    response = client.get(reverse("audit-log", args=["acme"]))

    assert response.status_code == 403


def test_bad_date_filter_is_reported(member_client, strategy):
    response = member_client.get(reverse("audit-log-json", args=["acme"]), {"date_from": "yesterday"})

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "date_from"
