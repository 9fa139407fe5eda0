"""One value per KPI, period and segment: re-imports change nothing, revisions keep the old value."""

import datetime as dt

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.core.errors import PermissionDenied
from hoshin.ingest.layout import RECORD_SCHEMA
from hoshin.ingest.service import ingest
from hoshin.kpis.models import Measurement, MeasurementRevision

pytestmark = pytest.mark.django_db


def records(*rows):
    """Build records from (kpi, day, value) or (kpi, day, value, segment) tuples."""
    data = []
    for line, row in enumerate(rows, start=2):
        kpi, day, value, *rest = row
        moment = day if isinstance(day, dt.datetime) else dt.datetime.combine(day, dt.time())
        data.append({"line": line, "kpi": kpi, "day": moment.date(), "moment": moment,
                     "segment": rest[0] if rest else "", "value": value, "numerator": None, "denominator": None})
    return pl.DataFrame(data, schema=RECORD_SCHEMA)


def test_r6_revision_replaces_value(org, make_kpi, owner):
    kpi = make_kpi("output", aggregation="sum", kind="count")
    ingest(org, records(("output", dt.date(2030, 3, 15), 100.0)), source="first", actor=owner)

    report = ingest(org, records(("output", dt.date(2030, 3, 15), 80.0)), source="second", actor=owner)

    row = Measurement.objects.get(kpi=kpi)
    assert (report.inserted, report.revised, report.unchanged) == (0, 1, 0)
    assert row.value == 80.0
    assert row.revision == 2
    assert row.source == "second"
    history = MeasurementRevision.objects.get(kpi=kpi)
    assert history.value == 100.0
    assert history.revision == 1
    assert history.source == "first"
    assert history.replaced_by == owner


def test_same_input_twice_changes_nothing(org, make_kpi):
    kpi = make_kpi("output")
    batch = records(("output", dt.date(2030, 3, 15), 100.0), ("output", dt.date(2030, 3, 16), 0.1 + 0.2))
    ingest(org, batch, source="first")
    stamps = list(Measurement.objects.filter(kpi=kpi).values_list("recorded_at", flat=True))

    report = ingest(org, batch, source="again")

    assert (report.inserted, report.revised, report.unchanged) == (0, 0, 2)
    assert list(Measurement.objects.filter(kpi=kpi).values_list("recorded_at", flat=True)) == stamps
    assert not MeasurementRevision.objects.exists()


def test_segments_are_separate_rows(org, make_kpi):
    kpi = make_kpi("sales", aggregation="sum")

    ingest(org, records(("sales", dt.date(2030, 3, 15), 10.0, "north"), ("sales", dt.date(2030, 3, 15), 20.0, "south")),
           source="file")

    assert dict(Measurement.objects.filter(kpi=kpi).values_list("segment", "value")) == {"north": 10.0, "south": 20.0}


def test_upsert_query_count_constant(org, make_kpi):
    make_kpi("output")
    small = records(*[("output", dt.date(2030, 1, 1) + dt.timedelta(days=day), float(day)) for day in range(5)])
    large = records(*[("output", dt.date(2031, 1, 1) + dt.timedelta(days=day), float(day)) for day in range(500)])

    with CaptureQueriesContext(connection) as small_queries:
        ingest(org, small, source="small")
    with CaptureQueriesContext(connection) as large_queries:
        ingest(org, large, source="large")

    assert len(large_queries) == len(small_queries)


def test_revised_rows_query_count_constant(org, make_kpi):
    make_kpi("output")
    days = [dt.date(2030, 1, 1) + dt.timedelta(days=day) for day in range(300)]
    ingest(org, records(*[("output", day, 1.0) for day in days]), source="first")

    with CaptureQueriesContext(connection) as queries:
        report = ingest(org, records(*[("output", day, 2.0) for day in days]), source="second")

    assert report.revised == 300
    assert len(queries) < 15


def test_outsider_may_not_ingest(org, make_kpi, outsider):
    make_kpi("output")

    with pytest.raises(PermissionDenied):
        ingest(org, records(("output", dt.date(2030, 3, 15), 1.0)), source="api", actor=outsider)

    assert not Measurement.objects.exists()


def test_teammate_may_ingest_own_unit(org, make_kpi, teammate):
    make_kpi("output", unit="t1")

    report = ingest(org, records(("output", dt.date(2030, 3, 15), 1.0)), source="api", actor=teammate)

    assert report.inserted == 1


def test_teammate_may_not_ingest_other_unit(org, make_kpi, teammate):
    make_kpi("own", unit="t1")
    make_kpi("other", unit="t2")
    batch = records(("own", dt.date(2030, 3, 15), 1.0), ("other", dt.date(2030, 3, 15), 1.0))

    with pytest.raises(PermissionDenied):
        ingest(org, batch, source="api", actor=teammate)

    assert not Measurement.objects.exists()


def test_duplicate_rows_rejected(org, make_kpi):
    make_kpi("output", aggregation="sum")
    batch = records(("output", dt.date(2030, 3, 15), 100.0), ("output", dt.date(2030, 3, 15), 100.0))

    report = ingest(org, batch, source="file", skip_invalid=True)

    assert report.errors[0].line == 3
    assert "already has a value for this date and segment on line 2" in report.errors[0].message
    assert Measurement.objects.get().value == 100.0
