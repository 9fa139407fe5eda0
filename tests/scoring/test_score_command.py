import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services
from hoshin.scoring.service import score_organization

UTC = dt.timezone.utc


@pytest.fixture
def clock(monkeypatch):
    """Set the moment that history rows and check-ins are stamped with."""
    from django.utils import timezone

    moment = {"now": dt.datetime(2025, 12, 1, tzinfo=UTC)}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def strategy(clock, org, q1_2026):
    company = org.units.get(key="company")
    loyalty = org_services.create_strategic_objective(
        None, org, key="loyalty", name="Customer loyalty", perspective=org.perspectives.get(key="customer"), unit=company)
    okr = okr_services.create_okr_objective(None, org, key="repurchase", name="Customers come back",
                                            unit=org.units.get(key="t1"), cycle=q1_2026)
    okr_services.set_alignments(None, okr, strategic=[loyalty])
    kr_up = okr_services.create_key_result(None, okr, key="kr-up", name="Up", kr_type="increase", baseline=0, target=100)
    kr_down = okr_services.create_key_result(None, okr, key="kr-down", name="Down", kr_type="decrease",
                                             baseline=200, target=100)
    okr_services.record_check_in(None, kr_up, measured_on=dt.date(2026, 2, 1), value=50,
                                 entered_at=dt.datetime(2026, 2, 1, 12, tzinfo=UTC))
    okr_services.record_check_in(None, kr_down, measured_on=dt.date(2026, 2, 1), value=150,
                                 entered_at=dt.datetime(2026, 2, 1, 12, tzinfo=UTC))
    stockouts = kpi_services.create_kpi(None, org, key="stockouts", name="Stock-outs", unit=company,
                                        direction="lower_is_better", frequency="daily", aggregation="sum", kind="count",
                                        green=20, yellow=30)
    org_services.set_strategic_kpis(None, loyalty, [stockouts])
    kpi_services.record_measurement(None, stockouts, day=dt.date(2026, 2, 14), value=25)
    kpi_services.record_measurement(None, stockouts, day=dt.date(2026, 2, 15), value=20)
    clock["now"] = dt.datetime(2026, 2, 16, tzinfo=UTC)
    return okr


def _document(org, as_of):
    out = StringIO()
    call_command("score", org.key, "--as-of", as_of, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_mixed_directions_average_progress(strategy, org):
    document = _document(org, "2026-02-15")

    okr = next(item for item in document["okr_objectives"] if item["key"] == "repurchase")
    assert okr["score"] == pytest.approx(0.5)
    assert (okr["children_with_data"], okr["children"]) == (2, 2)


def test_json_fields_for_every_kind(strategy, org):
    document = _document(org, "2026-02-15")

    kr = next(item for item in document["key_results"] if item["key"] == "kr-down")
    assert {"key", "score", "status", "children_with_data", "children", "current", "progress_raw", "progress",
            "expected_progress"} <= set(kr)
    kpi = next(item for item in document["kpis"] if item["key"] == "stockouts")
    assert kpi["period"] == "2026-02-15"
    assert kpi["actual"] == 20
    assert kpi["status"] == "on_track"
    assert kpi["change"]["absolute"] == -5
    assert kpi["change"]["previous_period"] == "2026-02-14"
    assert kpi["change"]["improving"] is True
    strategic = next(item for item in document["strategic_objectives"] if item["key"] == "loyalty")
    assert strategic["children"] == 2
    assert strategic["perspective"] == "customer"


def test_as_of_uses_target_valid_then(strategy, org, owner, clock):
    kr = strategy.key_results.get(key="kr-up")
    clock["now"] = dt.datetime(2026, 2, 20, tzinfo=UTC)
    okr_services.update_key_result(owner, kr, target=80, reason="scope cut")

    now = {item["key"]: item for item in _document(org, "2026-02-20")["key_results"]}
    before = {item["key"]: item for item in _document(org, "2026-02-15")["key_results"]}

    assert now["kr-up"]["progress_raw"] == pytest.approx(0.625)
    assert before["kr-up"]["progress_raw"] == pytest.approx(0.5)


def test_table_output_groups_by_perspective(strategy, org):
    out = StringIO()
    call_command("score", org.key, "--as-of", "2026-02-15", stdout=out)

    text = out.getvalue()
    assert "Scorecard by perspective" in text
    assert "loyalty: Customer loyalty" in text
    assert "kr-down: Down" in text


def test_unknown_organization_lists_known(org):
    with pytest.raises(CommandError, match="known organizations: acme"):
        call_command("score", "nope")


def test_bad_as_of_rejected(org):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("score", org.key, "--as-of", "15/02/2026")


def test_queries_constant_in_size(org, q1_2026):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            result = score_organization(org)
        return len(context.captured_queries), len(result.report.okr_objectives)

    def add_objectives(start, count):
        for i in range(start, start + count):
            okr = okr_services.create_okr_objective(None, org, key=f"o{i}", name=f"O{i}", unit=org.units.first(),
                                                    cycle=q1_2026)
            kr = okr_services.create_key_result(None, okr, key=f"k{i}", name=f"K{i}", kr_type="increase",
                                                baseline=0, target=10)
            okr_services.record_check_in(None, kr, measured_on=dt.date(2026, 2, 1), value=i % 10)

    add_objectives(0, 2)
    small, small_objectives = count_queries()
    add_objectives(2, 30)
    large, large_objectives = count_queries()

    assert (small_objectives, large_objectives) == (2, 32)
    assert large == small
