import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services
from hoshin.scoring.cache import cached_score_document


@pytest.fixture
def scored(org):
    today = dt.date.today()
    cycle = org_services.cycle_for_label(None, org, f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    okr = okr_services.create_okr_objective(None, org, key="okr", name="OKR", unit=org.units.first(), cycle=cycle)
    kr = okr_services.create_key_result(None, okr, key="kr", name="KR", kr_type="increase", baseline=0, target=10)
    kpi = kpi_services.create_kpi(None, org, key="calls", name="Calls", unit=org.units.first(), frequency="daily",
                                  aggregation="sum", kind="count", green=10, yellow=5)
    return {"kr": kr, "kpi": kpi, "as_of": dt.date.today()}


def _progress(document, key):
    return next(item for item in document["key_results"] if item["key"] == key)["progress"]


def test_second_read_uses_cache(org, scored):
    cached_score_document(org, scored["as_of"])

    with CaptureQueriesContext(connection) as context:
        cached_score_document(org, scored["as_of"])

    assert len(context.captured_queries) == 1


def test_check_in_invalidates(org, scored):
    assert _progress(cached_score_document(org, scored["as_of"]), "kr") is None

    okr_services.record_check_in(None, scored["kr"], measured_on=dt.date.today(), value=4)

    assert _progress(cached_score_document(org, scored["as_of"]), "kr") == pytest.approx(0.4)


def test_measurement_invalidates(org, scored):
    first = cached_score_document(org, scored["as_of"])
    kpi_services.record_measurement(None, scored["kpi"], day=scored["as_of"], value=12)

    second = cached_score_document(org, scored["as_of"])

    calls = [next(item for item in doc["kpis"] if item["key"] == "calls")["actual"] for doc in (first, second)]
    assert calls == [0, 12]


def test_bulk_ingest_invalidates(org, scored):
    import polars as pl

    from hoshin.ingest.store import upsert

    cached_score_document(org, scored["as_of"])
    rows = pl.DataFrame({"kpi_id": [scored["kpi"].pk], "period_start": [scored["as_of"]], "segment": [""],
                         "value": [7.0], "numerator": [None], "denominator": [None], "value_count": [1]},
                        schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64})
    upsert(rows, source="test")

    document = cached_score_document(org, scored["as_of"])
    assert next(item for item in document["kpis"] if item["key"] == "calls")["actual"] == 7
