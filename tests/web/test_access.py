"""Unit-scoped check-in rights and restricted visibility on the pages."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hoshin.core.choices import Visibility
from hoshin.engine import periods
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services


@pytest.fixture
def team_okrs(org, strategy):
    """One OKR objective with a key result in each team, in the running quarter."""
    today = periods.local_date(timezone.now(), org.time_zone)
    cycle = org_services.cycle_for_label(None, org, periods.period_of(today, "quarterly").label)
    for team in ("t1", "t2"):
        okr = okr_services.create_okr_objective(None, org, key=f"okr-{team}", name=f"Objective of {team}",
                                                unit=org.units.get(key=team), cycle=cycle)
        okr_services.set_alignments(None, okr, strategic=[strategy["loyalty"]])
        okr_services.create_key_result(None, okr, key=f"kr-{team}", name=f"Key result of {team}",
                                       kr_type="increase", baseline=0, target=10)
    return cycle


@pytest.fixture
def teammate_client(client, teammate):
    client.force_login(teammate)
    return client


def board(client, team, cycle):
    return client.get(reverse("okr-board", args=["acme", team]), {"cycle": cycle.key}).content.decode()


def test_contributor_form_only_on_own_unit(teammate_client, team_okrs):
    assert "check-in__form" in board(teammate_client, "t1", team_okrs)
    assert "check-in__form" not in board(teammate_client, "t2", team_okrs)


def test_contributor_post_on_other_unit_is_403(teammate_client, team_okrs):
    response = teammate_client.post(reverse("check-in", args=["acme", "okr-t2", "kr-t2"]), {"value": "1"})

    assert response.status_code == 403


def test_restricted_organization_hides_other_units(teammate_client, org, team_okrs):
    org.visibility = Visibility.RESTRICTED
    org.save(update_fields=["visibility"])

    other_board = board(teammate_client, "t2", team_okrs)
    history = teammate_client.get(reverse("history", args=["acme", "okr", "okr-t2"]))
    objective = teammate_client.get(reverse("strategic-objective-json", args=["acme", "loyalty"]),
                                    {"cycle": team_okrs.key})

    assert "Objective of t2" not in other_board
    assert history.status_code == 404
    assert [okr["key"] for okr in objective.json()["okr_objectives"]] == ["okr-t1"]


def test_open_organization_shows_every_unit(teammate_client, team_okrs):
    response = teammate_client.get(reverse("strategic-objective-json", args=["acme", "loyalty"]),
                                   {"cycle": team_okrs.key})

    assert sorted(okr["key"] for okr in response.json()["okr_objectives"]) == ["okr-t1", "okr-t2"]


def test_scorecard_counts_only_visible_okrs(org, owner, teammate, team_okrs):
    org.visibility = Visibility.RESTRICTED
    org.save(update_fields=["visibility"])

    def loyalty_count(user):
        client = Client()
        client.force_login(user)
        home = client.get(reverse("org-home-json", args=["acme"])).json()
        objectives = [objective for perspective in home["perspectives"] for objective in perspective["objectives"]]
        return next(objective["okr_count"] for objective in objectives if objective["key"] == "loyalty")

    assert loyalty_count(teammate) == 1
    assert loyalty_count(owner) == 2
