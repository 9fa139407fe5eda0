"""Closing cycles, calibration, lessons and the learning log."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from hoshin.core.errors import PermissionDenied, ValidationFailed
from hoshin.engine.insights.calibration import calibrate
from hoshin.insights.models import EvidenceRecord, InsightSettings, Lesson, Retrospective
from hoshin.insights.services import add_lesson, close_cycle, update_insight_settings
from hoshin.organizations.models import CauseEffectLink, Cycle, Organization

TODAY = dt.date(2025, 5, 20)


def test_calibration_reads_over_confidence():
    overall, units = calibrate([("a", 9, False), ("a", 8, True), ("b", 2, True), ("b", 3, True)])

    assert overall.count == 4
    assert overall.confidence == pytest.approx(0.55)
    assert overall.achieved == pytest.approx(0.75)
    assert units["a"].reading == "over_confident"
    assert units["b"].reading == "under_confident"
    assert units["a"].brier == pytest.approx((0.81 + 0.04) / 2)


def test_calibration_of_nothing_is_none():
    overall, units = calibrate([])

    assert overall is None
    assert units == {}


@pytest.fixture
def industry(industry_demo):
    return Organization.objects.get(key="industry")


@pytest.fixture
def previous_quarter(industry):
    return Cycle.objects.get(organization=industry, key="2025-Q1")


def user(name):
    return get_user_model().objects.get(username=name)


@pytest.mark.django_db
def test_close_cycle_keeps_final_scores(industry, previous_quarter):
    retrospective = close_cycle(None, previous_quarter, today=TODAY)

    items = {item.key: item for item in retrospective.items.all()}
    assert {item.kind for item in items.values()} == {"okr_objective", "key_result"}
    assert items["training-2025-q1"].value is not None
    assert items["training-2025-q1"].achieved in (True, False)
    assert any(item.confidence is not None for item in items.values() if item.kind == "key_result")
    assert EvidenceRecord.objects.filter(link__organization=industry, as_of=previous_quarter.end).count() == 9


@pytest.mark.django_db
def test_close_cycle_rejects_running_and_closed(industry, previous_quarter):
    running = Cycle.objects.get(organization=industry, key="2025-Q2")

    with pytest.raises(ValidationFailed, match="ends on"):
        close_cycle(None, running, today=TODAY)
    close_cycle(None, previous_quarter, today=TODAY)
    with pytest.raises(ValidationFailed, match="already closed"):
        close_cycle(None, previous_quarter, today=TODAY)


@pytest.mark.django_db
def test_viewer_may_not_close_cycle(previous_quarter):
    with pytest.raises(PermissionDenied):
        close_cycle(user("industry-viewer"), previous_quarter, today=TODAY)

    assert not Retrospective.objects.filter(cycle=previous_quarter).exists()


@pytest.mark.django_db
def test_lesson_validation_and_rights(industry):
    link = CauseEffectLink.objects.filter(organization=industry).first()

    with pytest.raises(ValidationFailed, match="Write the lesson"):
        add_lesson(None, industry, text="   ", link=link)
    with pytest.raises(ValidationFailed, match="exactly one"):
        add_lesson(None, industry, text="Two subjects", link=link, strategic_objective=link.cause)
    with pytest.raises(PermissionDenied):
        add_lesson(user("industry-viewer"), industry, text="Viewers only read", link=link)
    lesson = add_lesson(user("industry-strategy-office"), industry, text=" Margin lags by a quarter. ", link=link)

    assert lesson.text == "Margin lags by a quarter."
    assert lesson.author.username == "industry-strategy-office"


@pytest.mark.django_db
def test_settings_reject_invalid_limits(industry):
    with pytest.raises(ValidationFailed, match="at least 1"):
        update_insight_settings(None, industry, kpis_per_unit=0)
    update_insight_settings(None, industry, kpis_per_unit=20, check_in_cadence_days=7)

    settings = InsightSettings.objects.get(organization=industry)
    assert settings.kpis_per_unit == 20
    assert settings.limits().check_in_cadence_days == 7


@pytest.mark.django_db
def test_close_cycle_command(previous_quarter):
    output = io.StringIO()

    call_command("close_cycle", "industry", "2025-Q1", "--today", TODAY.isoformat(), stdout=output)

    assert "Closed 2025-Q1" in output.getvalue()
    assert Retrospective.objects.filter(cycle=previous_quarter).exists()


@pytest.mark.django_db
def test_retrospective_pages_close_and_learn(client, previous_quarter):
    client.force_login(user("industry-admin"))
    retrospective = close_cycle(None, previous_quarter, today=TODAY)
    okr = retrospective.items.filter(kind="okr_objective").first()

    listing = client.get("/o/industry/retrospectives.json").json()
    response = client.post("/o/industry/retrospectives/2025-Q1", {"objective": okr.key, "text": "Meter first."})
    detail = client.get("/o/industry/retrospectives/2025-Q1.json").json()
    page = client.get("/o/industry/retrospectives/2025-Q1")

    assert next(cycle for cycle in listing["cycles"] if cycle["key"] == "2025-Q1")["closed"] is True
    assert response.status_code == 302
    objective = next(item for item in detail["objectives"] if item["key"] == okr.key)
    assert objective["lessons"][0]["text"] == "Meter first."
    assert detail["calibration"] is not None
    assert page.status_code == 200
    assert "Meter first." in page.content.decode()


@pytest.mark.django_db
def test_learning_log_lists_evidence_and_lessons(client, industry):
    client.force_login(user("industry-strategy-office"))
    link = CauseEffectLink.objects.get(organization=industry, cause__key="deliver-on-time", effect__key="grow-margin")

    response = client.post("/o/industry/learning", {"link": link.pk, "text": "Prices follow the market."})
    document = client.get(f"/o/industry/learning.json?as_of={TODAY}").json()

    assert response.status_code == 302
    entry = next(item for item in document["links"] if item["id"] == link.pk)
    assert entry["hypothesis"]
    assert entry["evidence"]["verdict"] != "supported"
    assert entry["lessons"][0]["text"] == "Prices follow the market."
    assert Lesson.objects.filter(link=link).count() == 1


@pytest.mark.django_db
def test_viewer_lesson_post_is_forbidden(client, industry):
    client.force_login(user("industry-viewer"))
    link = CauseEffectLink.objects.filter(organization=industry).first()

    response = client.post("/o/industry/learning", {"link": link.pk, "text": "Nope."})

    assert response.status_code == 403
    assert not Lesson.objects.filter(link=link).exists()


@pytest.mark.django_db
def test_lesson_shows_on_cached_learning_page(client, industry, settings):
    settings.HOSHIN_PAGE_CACHE_SECONDS = 60
    client.force_login(user("industry-strategy-office"))
    link = CauseEffectLink.objects.filter(organization=industry).first()
    version = Organization.objects.get(pk=industry.pk).data_version

    client.get(f"/o/industry/learning?as_of={TODAY}")
    client.get(f"/o/industry/learning?as_of={TODAY}")
    client.post("/o/industry/learning", {"link": link.pk, "text": "Cached pages must show this."})
    client.get(f"/o/industry/learning?as_of={TODAY}")
    page = client.get(f"/o/industry/learning?as_of={TODAY}")

    assert "Cached pages must show this." in page.content.decode()
    assert Organization.objects.get(pk=industry.pk).data_version > version
