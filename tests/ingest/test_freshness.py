"""Freshness: the last period received and whether the KPI is stale."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.ingest.freshness import is_stale, kpi_freshness, overdue_after
from hoshin.ingest.service import ingest
from tests.ingest.test_upsert_revisions import records

D = dt.date


@pytest.mark.parametrize("frequency,last,as_of,stale", [
    ("daily", D(2026, 3, 10), D(2026, 3, 12), False),
    ("daily", D(2026, 3, 10), D(2026, 3, 13), True),
    ("weekly", D(2026, 3, 9), D(2026, 3, 25), False),
    ("weekly", D(2026, 3, 9), D(2026, 3, 26), True),
    ("monthly", D(2026, 1, 1), D(2026, 3, 10), False),
    ("monthly", D(2026, 1, 1), D(2026, 3, 11), True),
    ("quarterly", D(2026, 1, 1), D(2026, 7, 30), False),
    ("quarterly", D(2026, 1, 1), D(2026, 7, 31), True),
    ("yearly", D(2025, 1, 1), D(2027, 3, 1), False),
    ("yearly", D(2025, 1, 1), D(2027, 3, 2), True),
    ("daily", None, D(2026, 3, 13), False),
])
def test_stale_rule(frequency, last, as_of, stale):
    assert is_stale(last, frequency, as_of) is stale


def test_fiscal_quarter_overdue():
    """With a fiscal year from February, the quarter after Feb-Apr ends on 31 July."""
    assert overdue_after(D(2025, 2, 1), "quarterly", fiscal_start_month=2) == D(2025, 8, 30)


@pytest.mark.django_db
def test_kpi_freshness_from_measurements(org, make_kpi):
    daily = make_kpi("daily_kpi")
    monthly = make_kpi("monthly_kpi", frequency="monthly")
    empty = make_kpi("empty_kpi")
    ingest(org, records(("daily_kpi", D(2026, 3, 9), 1.0), ("daily_kpi", D(2026, 3, 10), 1.0),
                        ("monthly_kpi", D(2026, 2, 14), 1.0)), source="test")

    with CaptureQueriesContext(connection) as queries:
        result = kpi_freshness(org, as_of=D(2026, 3, 13))

    assert len(queries) == 2
    assert result[daily.pk].last_period.label == "2026-03-10"
    assert result[daily.pk].stale is True
    assert result[monthly.pk].last_period.label == "2026-02"
    assert result[monthly.pk].stale is False
    assert result[empty.pk].has_data is False
    assert result[empty.pk].stale is False
