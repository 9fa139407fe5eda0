"""Values land in the KPI's period and combine by the KPI's aggregation."""

import datetime as dt

import pytest

from hoshin.ingest.service import ingest
from hoshin.kpis.models import Measurement
from tests.ingest.test_upsert_revisions import records

pytestmark = pytest.mark.django_db

HOURS = [(dt.datetime(2030, 3, 15, hour), value) for hour, value in [(8, 10.0), (12, 30.0), (18, 20.0)]]


@pytest.mark.parametrize("aggregation,expected", [
    ("sum", 60.0), ("mean", 20.0), ("last", 20.0), ("min", 10.0), ("max", 30.0),
])
def test_hours_into_day_by_aggregation(org, make_kpi, aggregation, expected):
    kpi = make_kpi("load", aggregation=aggregation)

    ingest(org, records(*[("load", moment, value) for moment, value in HOURS]), source="meter")

    row = Measurement.objects.get(kpi=kpi)
    assert row.period_start == dt.date(2030, 3, 15)
    assert row.value == expected
    assert row.value_count == 3


def test_days_into_iso_week(org, make_kpi):
    kpi = make_kpi("visits", frequency="weekly", aggregation="sum")

    ingest(org, records(("visits", dt.date(2026, 3, 9), 1.0), ("visits", dt.date(2026, 3, 15), 2.0),
                        ("visits", dt.date(2026, 3, 16), 4.0)), source="file")

    assert dict(Measurement.objects.filter(kpi=kpi).values_list("period_start", "value")) == {
        dt.date(2026, 3, 9): 3.0, dt.date(2026, 3, 16): 4.0}


def test_week_start_sunday(org, make_kpi):
    org.week_start = 6
    org.save()
    kpi = make_kpi("visits", frequency="weekly", aggregation="sum")

    ingest(org, records(("visits", dt.date(2026, 3, 14), 1.0), ("visits", dt.date(2026, 3, 15), 2.0)), source="file")

    assert dict(Measurement.objects.filter(kpi=kpi).values_list("period_start", "value")) == {
        dt.date(2026, 3, 8): 1.0, dt.date(2026, 3, 15): 2.0}


def test_fiscal_quarter_start(org, make_kpi):
    org.fiscal_year_start_month = 4
    org.save()
    kpi = make_kpi("revenue", frequency="quarterly", aggregation="sum")

    ingest(org, records(("revenue", dt.date(2026, 3, 31), 1.0), ("revenue", dt.date(2026, 4, 1), 2.0)), source="file")

    assert dict(Measurement.objects.filter(kpi=kpi).values_list("period_start", "value")) == {
        dt.date(2026, 1, 1): 1.0, dt.date(2026, 4, 1): 2.0}


def test_month_mean_weights_values(org, make_kpi):
    kpi = make_kpi("temperature", frequency="monthly", aggregation="mean")

    ingest(org, records(*[("temperature", dt.date(2026, 5, day), float(day)) for day in range(1, 5)]), source="file")

    row = Measurement.objects.get(kpi=kpi)
    assert row.value == 2.5
    assert row.value_count == 4


def test_timestamp_with_offset_lands_on_local_day(org, make_kpi):
    """T1: 22:30 UTC on 31 March is already 1 April at UTC+2."""
    org.time_zone = "Europe/Berlin"
    org.save()
    kpi = make_kpi("events", aggregation="sum")

    ingest(org, records(("events", dt.datetime(2026, 4, 1, 0, 30), 1.0)), source="api")

    assert Measurement.objects.get(kpi=kpi).period_start == dt.date(2026, 4, 1)
