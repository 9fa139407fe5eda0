"""Check-ins from the board: saved through the service, errors next to their field, scores re-rendered."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hoshin.accounts.models import Membership
from hoshin.engine import periods
from hoshin.kpis.models import Kpi
from hoshin.okrs import services as okr_services
from hoshin.okrs.models import CheckIn
from hoshin.organizations import services as org_services

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def today(org):
    return periods.local_date(timezone.now(), org.time_zone)


@pytest.fixture
def current(org, strategy, today):
    """An OKR objective in the running quarter, aligned to `loyalty`, with an increase and a milestone key result."""
    label = periods.period_of(today, "quarterly", org.fiscal_year_start_month).label
    cycle = org_services.cycle_for_label(None, org, label)
    okr = okr_services.create_okr_objective(None, org, key="now", name="Win back lapsed customers",
                                            unit=org.units.get(key="t1"), cycle=cycle)
    okr_services.set_alignments(None, okr, strategic=[strategy["loyalty"]])
    increase = okr_services.create_key_result(None, okr, key="lapsed", name="Lapsed customers won back",
                                              kr_type="increase", baseline=0, target=200)
    milestone = okr_services.create_key_result(None, okr, key="campaign", name="Run the win-back campaign",
                                               kr_type="milestone")
    return {"cycle": cycle, "okr": okr, "increase": increase, "milestone": milestone}


def check_in_url(okr_key, kr_key, suffix=""):
    name = "check-in-json" if suffix == ".json" else "check-in"
    return reverse(name, args=["acme", okr_key, kr_key])


def test_htmx_check_in_saves_and_rerenders(member_client, owner, current, today):
    response = member_client.post(
        check_in_url("now", "lapsed"),
        {"value": "150", "measured_on": today.isoformat(), "confidence": "8", "comment": "Campaign works"},
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    check_in = CheckIn.objects.get(key_result=current["increase"])
    assert check_in.value == 150
    assert check_in.confidence == 8
    assert check_in.author == owner
    assert 'id="kr-now--lapsed"' in html
    assert "Progress 75%" in html
    assert 'id="okr-score-now" hx-swap-oob="true"' in html
    assert 'id="okr-coverage-now" hx-swap-oob="true">1 of 2 key results with data' in html
    assert 'id="so-score-loyalty" hx-swap-oob="true"' in html
    assert "Check-in saved for Lapsed customers won back." in html


def test_board_shows_check_in_form_with_labels(member_client, current):
    response = member_client.get(reverse("okr-board", args=["acme", "t1"]), {"cycle": current["cycle"].key},
                                 HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert 'hx-post="/o/acme/okrs/now/key-results/lapsed/check-in"' in html
    for field in ("value", "measured-on", "confidence", "comment"):
        assert f'<label for="ci-now--lapsed-{field}">' in html
        assert f'id="ci-now--lapsed-{field}"' in html


def test_unparsable_value_shown_next_to_field(member_client, current, today):
    response = member_client.post(check_in_url("now", "lapsed"), {"value": "lots", "measured_on": today.isoformat()},
                                  **HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert 'aria-describedby="ci-now--lapsed-value-error"' in html
    assert 'id="ci-now--lapsed-value-error"' in html
    assert "<details class=\"check-in\" open>" in html
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("kr_key", "posted", "field", "message"),
    [
        ("lapsed", {"value": "10", "measured_on": "2020-01-01"}, "measured-on", "is outside the cycle"),
        ("lapsed", {"value": "10", "confidence": "11"}, "confidence", "confidence must be between 0 and 10"),
        ("lapsed", {"value": ""}, "value", "A check-in needs a finite value."),
        ("campaign", {"done": ""}, "done", "A milestone check-in says whether it is done."),
    ],
)
def test_service_error_shown_next_to_field(member_client, current, kr_key, posted, field, message):
    response = member_client.post(check_in_url("now", kr_key), posted, **HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    error = html.split(f'id="ci-now--{kr_key}-{field}-error"')[1].split("</p>")[0]
    assert message in error
    assert not CheckIn.objects.exists()


def test_milestone_done_check_in(member_client, current, today):
    response = member_client.post(check_in_url("now", "campaign"), {"done": "true", "measured_on": today.isoformat()},
                                  **HTMX)

    assert response.status_code == 200
    assert CheckIn.objects.get(key_result=current["milestone"]).done is True
    assert "Done" in response.content.decode()


def test_plain_post_redirects_to_board_with_message(member_client, current, today):
    response = member_client.post(check_in_url("now", "lapsed"), {"value": "20", "measured_on": today.isoformat()},
                                  HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.redirect_chain[0][0] == reverse("okr-board", args=["acme", "t1"]) + f"?cycle={current['cycle'].key}"
    assert "Check-in saved for Lapsed customers won back." in response.content.decode()


def test_json_check_in_returns_new_scores(member_client, current, today):
    response = member_client.post(check_in_url("now", "lapsed", ".json"),
                                  {"value": "50", "measured_on": today.isoformat()})

    assert response.status_code == 201
    body = response.json()
    assert body["check_in"]["value"] == 50
    assert body["key_result"]["current"] == 50
    assert body["key_result"]["progress_raw"] == 0.25
    assert body["okr_objective"]["key"] == "now"
    assert [item["key"] for item in body["strategic_objectives"]] == ["loyalty"]


def test_json_validation_error_shape(member_client, current):
    response = member_client.post(check_in_url("now", "lapsed", ".json"), {"value": "1", "confidence": "12"})

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "confidence"
    assert response.json()["error"]["code"] == "invalid"


def test_viewer_gets_403_with_message(client, org, current, today, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="pw-viewer-123")
    Membership.objects.create(user=viewer, organization=org, role="viewer")
    client.force_login(viewer)

    response = client.post(check_in_url("now", "lapsed"), {"value": "1", "measured_on": today.isoformat()},
                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "You may not" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_viewer_board_has_no_form(client, org, current, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="pw-viewer-123")
    Membership.objects.create(user=viewer, organization=org, role="viewer")
    client.force_login(viewer)

    response = client.get(reverse("okr-board", args=["acme", "t1"]), {"cycle": current["cycle"].key})

    assert response.status_code == 200
    assert "check-in__form" not in response.content.decode()


def test_ended_cycle_is_read_only(member_client, strategy):
    response = member_client.post(check_in_url("come-back", "repurchase"),
                                  {"value": "25", "measured_on": "2026-02-01"}, HTTP_ACCEPT_LANGUAGE="en")
    board = member_client.get(reverse("okr-board", args=["acme", "t1"]), {"cycle": "2026-Q1"},
                              HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    assert "check-in__form" not in board.content.decode()
    assert "Its board is read-only." in board.content.decode()


def test_key_result_with_source_kpi_rejects_check_ins(member_client, current, strategy):
    okr_services.update_key_result(None, current["increase"], source_kpi=Kpi.objects.get(key="repurchase-rate"))

    response = member_client.post(check_in_url("now", "lapsed"), {"value": "1"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert not CheckIn.objects.exists()


def test_outsider_check_in_is_404(outsider_client, current):
    response = outsider_client.post(check_in_url("now", "lapsed"), {"value": "1"})

    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_check_in_page_without_scripts(member_client, current):
    response = member_client.get(check_in_url("now", "lapsed"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert '<details class="check-in" open>' in response.content.decode()


def test_localized_decimal_accepted(member_client, current, today):
    response = member_client.post(check_in_url("now", "lapsed"),
                                  {"value": "12,5", "measured_on": today.isoformat()},
                                  HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="pt-BR")

    assert response.status_code == 200
    assert CheckIn.objects.get().value == 12.5


def test_measured_on_defaults_inside_cycle(member_client, current, today):
    response = member_client.get(check_in_url("now", "lapsed"))

    assert current["cycle"].start <= today <= current["cycle"].end
    assert f'value="{today.isoformat()}"' in response.content.decode()


def test_check_in_form_json(member_client, current, today):
    response = member_client.get(check_in_url("now", "lapsed", ".json"))

    assert response.status_code == 200
    assert response.json()["kr"]["key"] == "lapsed"
    assert response.json()["values"]["measured_on"] == today.isoformat()
