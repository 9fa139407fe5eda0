"""The API's one error shape, pinned, and the status of each kind of error."""

import pytest
from django.test import Client

from hoshin.api.errors import error_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/orgs/acme/kpis/nps/measurements"


def assert_error_shape(body):
    assert list(body) == ["error"]
    assert list(body["error"]) == ["code", "message", "details"]
    assert isinstance(body["error"]["code"], str)
    assert isinstance(body["error"]["message"], str)
    assert isinstance(body["error"]["details"], list)


def test_error_body_shape_pinned():
    body = error_body("invalid_rows", "1 row is invalid.", [{"line": 3, "field": "value", "message": "bad"}])

    assert body == {"error": {"code": "invalid_rows", "message": "1 row is invalid.",
                              "details": [{"line": 3, "field": "value", "message": "bad"}]}}


def test_invalid_rows_shape(nps, token, api):
    status, body, _ = api(URL, [{"date": "2025-01-02", "value": 1}, {"date": "2025-02-30", "value": 2}], token=token)

    assert status == 422
    assert body == {"error": {"code": "invalid_rows", "message": "1 row is invalid, so nothing was imported.",
                              "details": [{"line": 2, "field": "date",
                                           "message": "'2025-02-30' is not an ISO 8601 date or timestamp"}]}}


def test_missing_token_is_401(nps, api):
    status, body, _ = api(URL, {"date": "2025-01-02", "value": 1})

    assert status == 401
    assert_error_shape(body)
    assert body["error"]["code"] == "unauthenticated"


def test_unknown_token_is_403(nps, api):
    status, body, _ = api(URL, {"date": "2025-01-02", "value": 1}, token="hsn_abc_def")

    assert status == 403
    assert_error_shape(body)
    assert body["error"]["code"] == "forbidden"


def test_token_without_scope_is_403(nps, owner, make_token, api):
    status, body, _ = api(URL, {"date": "2025-01-02", "value": 1}, token=make_token(owner, ["read"]))

    assert status == 403
    assert "lacks the scope write:measurements" in body["error"]["message"]


def test_other_organization_is_404(nps, outsider, make_token, api):
    status, body, _ = api(URL, {"date": "2025-01-02", "value": 1}, token=make_token(outsider))

    assert status == 404
    assert body["error"]["code"] == "not_found"
    assert body["error"]["details"] == [{"field": "org", "message": "Organization acme not found."}]


def test_unknown_kpi_is_404(nps, token, api):
    status, body, _ = api("/api/v1/orgs/acme/kpis/npx/measurements", {"date": "2025-01-02", "value": 1}, token=token)

    assert status == 404
    assert body["error"]["message"] == "KPI npx not found."


def test_schema_validation_is_422(nps, token, api):
    status, body, _ = api(URL, {"date": "2025-01-02", "value": "many"}, token=token)

    assert status == 422
    assert_error_shape(body)
    assert body["error"]["code"] == "invalid"
    assert body["error"]["details"]


def test_domain_validation_is_422(nps, token, api):
    status, body, _ = api("/api/v1/orgs/acme/measurements:bulk?locale=xx-nowhere", "kpi,date,value\nnps,2025-01-02,1\n",
                          token=token, content_type="text/csv")

    assert status == 422
    assert body["error"]["details"][0]["field"] == "locale"


def test_unsupported_media_type_is_415(nps, token, api):
    status, body, _ = api("/api/v1/orgs/acme/measurements:bulk", "<xml/>", token=token, content_type="application/xml")

    assert status == 415
    assert body["error"]["code"] == "unsupported_media_type"


def test_body_over_limit_is_413(nps, token, api, monkeypatch):
    monkeypatch.setattr("hoshin.api.measurements.MAX_BODY_BYTES", 100)

    status, body, _ = api("/api/v1/orgs/acme/measurements:bulk", "x" * 101, token=token, content_type="text/csv")

    assert status == 413
    assert body["error"]["code"] == "too_large"


def test_openapi_document_loads():
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/orgs/{org}/kpis/{kpi}/measurements" in paths
    assert "/api/v1/orgs/{org}/measurements:bulk" in paths


def test_repeated_bad_tokens_are_429(nps, api, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3

    statuses = [api(URL, {"date": "2025-01-02", "value": 1}, token="hoshin_bad_token")[0] for _ in range(3)]
    status, body, response = api(URL, {"date": "2025-01-02", "value": 1}, token="hoshin_bad_token")

    assert statuses == [403, 403, 403]
    assert status == 429
    assert_error_shape(body)
    assert body["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
