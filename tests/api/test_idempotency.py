"""Idempotency-Key: a retry replays the first response, a reused key with another body is a conflict."""

import datetime as dt

import pytest
from django.utils import timezone

from hoshin.ingest.models import IdempotencyRecord
from hoshin.kpis.models import Measurement, MeasurementRevision

pytestmark = pytest.mark.django_db

URL = "/api/v1/orgs/acme/kpis/nps/measurements"


def test_same_key_same_body_replays(nps, token, api):
    first = api(URL, {"date": "2025-01-02", "value": 1}, token=token, headers={"Idempotency-Key": "k1"})
    Measurement.objects.filter(kpi=nps).update(value=5)

    second = api(URL, {"date": "2025-01-02", "value": 1}, token=token, headers={"Idempotency-Key": "k1"})

    assert second[0] == first[0] == 200
    assert second[1] == first[1]
    assert second[2]["Idempotent-Replayed"] == "true"
    assert Measurement.objects.get(kpi=nps).value == 5
    assert not MeasurementRevision.objects.exists()


def test_same_key_other_body_conflicts(nps, token, api):
    api(URL, {"date": "2025-01-02", "value": 1}, token=token, headers={"Idempotency-Key": "k1"})

    status, body, _ = api(URL, {"date": "2025-01-02", "value": 2}, token=token, headers={"Idempotency-Key": "k1"})

    assert status == 409
    assert body["error"]["code"] == "idempotency_conflict"
    assert Measurement.objects.get(kpi=nps).value == 1


def test_key_expires_after_a_day(nps, token, api):
    api(URL, {"date": "2025-01-02", "value": 1}, token=token, headers={"Idempotency-Key": "k1"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))

    status, body, _ = api(URL, {"date": "2025-01-02", "value": 2}, token=token, headers={"Idempotency-Key": "k1"})

    assert status == 200
    assert body["revised"] == 1
    assert IdempotencyRecord.objects.count() == 1


def test_keys_are_per_organization(nps, other_org, token, api):
    api(URL, {"date": "2025-01-02", "value": 1}, token=token, headers={"Idempotency-Key": "k1"})

    record = IdempotencyRecord.objects.get()

    assert record.organization.key == "acme"
    assert record.status_code == 200


def test_rejected_request_is_not_stored(nps, token, api):
    status, _body, _ = api(URL, {"date": "nope", "value": 1}, token=token, headers={"Idempotency-Key": "k1"})

    assert status == 422
    assert not IdempotencyRecord.objects.exists()
