"""Pushing measurements: one KPI as JSON, many KPIs as JSON lines, a JSON array or CSV."""

import datetime as dt

import pytest

from hoshin.kpis.models import Measurement, MeasurementRevision

pytestmark = pytest.mark.django_db

URL = "/api/v1/orgs/acme/kpis/nps/measurements"
BULK = "/api/v1/orgs/acme/measurements:bulk"


def stored(kpi):
    return dict(Measurement.objects.filter(kpi=kpi).values_list("period_start", "value"))


def test_push_one_value(nps, token, api):
    status, body, _ = api(URL, {"date": "2025-01-02", "value": 9.99}, token=token)

    assert status == 200
    assert body == {"rows_read": 1, "inserted": 1, "revised": 0, "unchanged": 0, "rejected": 0, "not_applicable": 0,
                    "dry_run": False, "errors": []}
    assert stored(nps) == {dt.date(2025, 1, 2): 9.99}
    assert Measurement.objects.get(kpi=nps).source == "api"


def test_push_many_values(nps, token, api):
    status, body, _ = api(URL, [{"date": "2025-01-02", "value": 1}, {"date": "2025-01-03T23:30:00-03:00", "value": 2}],
                          token=token)

    assert status == 200
    assert body["inserted"] == 2
    assert stored(nps) == {dt.date(2025, 1, 2): 1.0, dt.date(2025, 1, 3): 2.0}


def test_timestamp_moves_to_local_day(nps, token, api):
    """The organization is in São Paulo (UTC-3): 01:30 UTC on 3 January is still 2 January there."""
    api(URL, {"date": "2025-01-03T01:30:00Z", "value": 5}, token=token)

    assert stored(nps) == {dt.date(2025, 1, 2): 5.0}


def test_revision_keeps_history(nps, token, api):
    api(URL, {"date": "2030-03-15", "value": 100}, token=token)

    status, body, _ = api(URL, {"date": "2030-03-15", "value": 80}, token=token)

    assert body["revised"] == 1
    assert stored(nps) == {dt.date(2030, 3, 15): 80.0}
    assert MeasurementRevision.objects.get(kpi=nps).value == 100.0


def test_push_ratio(on_time, token, api):
    status, body, _ = api("/api/v1/orgs/acme/kpis/on_time/measurements",
                          [{"date": "2025-01-05", "numerator": 9, "denominator": 10},
                           {"date": "2025-01-20", "numerator": 20, "denominator": 100}], token=token)

    row = Measurement.objects.get(kpi=on_time)
    assert status == 200
    assert (row.numerator, row.denominator) == (29.0, 110.0)


def test_teammate_cannot_push_company_kpi(nps, teammate, make_token, api):
    status, body, _ = api(URL, {"date": "2025-01-02", "value": 1}, token=make_token(teammate))

    assert status == 403
    assert not Measurement.objects.exists()


def test_bulk_json_lines(nps, on_time, token, api):
    body = ('{"kpi": "nps", "date": "2025-01-02", "value": 9.5}\n'
            '\n'
            '{"kpi": "on_time", "date": "2025-01-02", "numerator": 1, "denominator": 2, "segment": "north"}\n')

    status, result, _ = api(BULK, body, token=token, content_type="application/x-ndjson")

    assert status == 200
    assert result["inserted"] == 2
    assert stored(nps) == {dt.date(2025, 1, 2): 9.5}
    assert Measurement.objects.get(kpi=on_time).segment == "north"


def test_bulk_json_lines_invalid_rejects_all(nps, token, api):
    body = '{"kpi": "nps", "date": "2025-01-02", "value": 9.5}\n{"kpi": "npz", "date": "2025-01-03", "value": 1}\nnot json\n'

    status, result, _ = api(BULK, body, token=token, content_type="application/x-ndjson")

    assert status == 422
    assert [detail["line"] for detail in result["error"]["details"]] == [2, 3]
    assert 'unknown KPI "npz"; did you mean nps?' == result["error"]["details"][0]["message"]
    assert not Measurement.objects.exists()


def test_bulk_skip_invalid(nps, token, api):
    body = '{"kpi": "nps", "date": "2025-01-02", "value": 9.5}\n{"kpi": "nps", "date": "yesterday", "value": 1}\n'

    status, result, _ = api(BULK + "?skip_invalid=true", body, token=token, content_type="application/x-ndjson")

    assert status == 200
    assert result["inserted"] == 1
    assert result["rejected"] == 1
    assert result["errors"][0]["line"] == 2


def test_bulk_json_array(nps, token, api):
    status, result, _ = api(BULK, [{"kpi": "nps", "date": "2025-01-02", "value": 3}], token=token)

    assert status == 200
    assert stored(nps) == {dt.date(2025, 1, 2): 3.0}


def test_bulk_csv_with_locale(nps, token, api):
    body = "\ufeffkpi;date;value\nnps;02/01/2025;9,99\nnps;13/01/2025;1.234,5\n".encode()

    status, result, _ = api(BULK + "?locale=pt-BR", body, token=token, content_type="text/csv")

    assert status == 200
    assert stored(nps) == {dt.date(2025, 1, 2): 9.99, dt.date(2025, 1, 13): 1234.5}
    assert set(Measurement.objects.values_list("source", flat=True)) == {"api"}


def test_bulk_csv_missing_column(nps, token, api):
    body = b"kpi;date;value\nnps;02/01/2025;9,99\nnps;13/01/2025\n"

    status, result, _ = api(BULK + "?locale=pt-BR", body, token=token, content_type="text/csv")

    assert status == 422
    assert result["error"]["details"] == [{"line": 3, "field": "", "message": "expected 3 columns, found 2 on line 3"}]
    assert not Measurement.objects.exists()


def test_dry_run_writes_nothing(nps, token, api):
    status, result, _ = api(URL + "?dry_run=true", {"date": "2025-01-02", "value": 1}, token=token)

    assert result["inserted"] == 1
    assert result["dry_run"] is True
    assert not Measurement.objects.exists()
