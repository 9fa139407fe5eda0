"""The audit log: who changed what, when, from which value to which, and why."""

import csv
import datetime as dt
import io
import zoneinfo
from types import SimpleNamespace

import pytest
from django.utils import timezone

from hoshin.accounts.tokens import authenticate_token, create_token
from hoshin.audit.log import audit_rows, export_audit_csv
from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services


@pytest.fixture
def key_result(org, q1_2026):
    okr = okr_services.create_okr_objective(None, org, key="growth", name="Grow", unit=org.units.get(key="t1"),
                                            cycle=q1_2026)
    return okr_services.create_key_result(None, okr, key="revenue", name="Revenue", kr_type="increase",
                                          baseline=0, target=100)


def test_target_change_with_reason(org, key_result, owner):
    okr_services.update_key_result(owner, key_result, target=80, reason="scope cut")

    rows = audit_rows(org, object_type="okrs.keyresult")

    change_row = rows[0]
    assert change_row.action == "changed"
    assert change_row.user == "owner"
    assert change_row.reason == "scope cut"
    assert change_row.object_label == "revenue"
    assert [(c.field, c.old, c.new) for c in change_row.changes] == [("target", 100.0, 80.0)]
    assert rows[1].action == "created"


def test_rows_cover_every_object_type(org, key_result):
    types = {row.object_type for row in audit_rows(org)}

    assert {"organizations.organization", "organizations.unit", "organizations.perspective",
            "okrs.okrobjective", "okrs.keyresult"} <= types


def test_other_organization_rows_excluded(org, other_org, key_result):
    org_services.update_organization(None, other_org, name="Globex Corp")

    assert all(row.object_label != "globex" for row in audit_rows(org))
    assert {row.object_label for row in audit_rows(other_org, object_type="organization")} == {"globex"}


def test_filter_by_user(org, key_result, owner, teammate):
    okr_services.update_key_result(owner, key_result, target=90, reason="owner change")
    okr_services.record_check_in(teammate, key_result, measured_on=dt.date(2026, 2, 1), value=10)

    rows = audit_rows(org, user=teammate)

    assert [row.object_type for row in rows] == ["okrs.checkin"]
    assert audit_rows(org, user="owner")[0].reason == "owner change"
    assert audit_rows(org, user="nobody") == []


def test_filter_by_date_range(org, key_result):
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(org.time_zone)).date()

    assert audit_rows(org, date_from=today, date_to=today) != []
    assert audit_rows(org, date_to=today - dt.timedelta(days=1)) == []
    assert audit_rows(org, date_from=today + dt.timedelta(days=1)) == []


def test_foreign_keys_shown_by_key(org, key_result, q1_2026):
    other = okr_services.create_okr_objective(None, org, key="retention", name="Keep", unit=org.units.get(key="t2"),
                                              cycle=q1_2026)
    okr_services.move_key_result(None, key_result, other, reason="reorganised")

    change = audit_rows(org, object_type="keyresult")[0].changes[0]

    assert (change.field, change.old, change.new) == ("objective", "growth", "retention")


def test_deleted_object_stays_in_log(org, key_result, owner):
    okr_services.delete_key_result(owner, key_result, reason="duplicate")

    rows = audit_rows(org, object_type="keyresult")

    assert [row.action for row in rows] == ["deleted", "created"]
    assert rows[0].reason == "duplicate"


def test_deleted_objects_keep_log(org, key_result):
    stand_in = SimpleNamespace(pk=org.pk, time_zone=org.time_zone)
    before = len(audit_rows(stand_in))
    okr_services.delete_key_result(None, key_result)
    key_result.objective.delete()

    assert len(audit_rows(stand_in)) == before + 2


def test_token_named_on_change(org, key_result, teammate):
    _, raw = create_token(teammate, name="sensor", scopes=["write:okrs"])
    user = authenticate_token(raw, "write:okrs")

    okr_services.record_check_in(user, key_result, measured_on=dt.date(2026, 2, 1), value=10)

    row = audit_rows(org, object_type="checkin")[0]
    assert row.user == "teammate"
    assert row.token.startswith("sensor (hsn_")


def test_measurement_revision_in_log(org, owner):
    kpi = kpi_services.create_kpi(None, org, key="nps", name="NPS", unit=org.units.get(key="t1"), frequency="daily")
    kpi_services.record_measurement(owner, kpi, day=dt.date(2030, 3, 15), value=100)
    kpi_services.record_measurement(owner, kpi, day=dt.date(2030, 3, 15), value=80)

    row = audit_rows(org, object_type="measurement")[0]

    assert row.object_label == "nps 2030-03-15"
    assert row.user == "owner"
    assert [(c.field, c.old, c.new) for c in row.changes] == [("value", 100.0, 80.0)]


def test_csv_export_one_line_per_field(org, key_result, owner):
    okr_services.update_key_result(owner, key_result, target=80, baseline=10, reason="scope cut")

    lines = list(csv.DictReader(io.StringIO(export_audit_csv(org, object_type="keyresult"))))

    changed = [line for line in lines if line["action"] == "changed"]
    assert [(line["field"], line["old"], line["new"]) for line in changed] == [
        ("baseline", "0.0", "10.0"), ("target", "100.0", "80.0")
    ]
    assert {line["reason"] for line in changed} == {"scope cut"}
    assert changed[0]["at"].endswith("-03:00")


def test_csv_export_defuses_formulas(org, key_result):
    okr_services.update_key_result(None, key_result, name="=HYPERLINK(\"http://evil\")")

    output = io.StringIO()
    export_audit_csv(org, output, object_type="keyresult")

    assert "'=HYPERLINK" in output.getvalue()
