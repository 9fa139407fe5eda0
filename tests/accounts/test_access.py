"""Who may check in, edit and view: the two-team case, key result owners and restricted visibility."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from hoshin.accounts.models import Membership
from hoshin.accounts.permissions import authorize, is_allowed
from hoshin.accounts.visibility import can_view, filter_visible, visible_unit_ids
from hoshin.core.errors import PermissionDenied
from hoshin.kpis import services as kpi_services
from hoshin.kpis.models import Kpi
from hoshin.okrs import services as okr_services
from hoshin.okrs.models import CheckIn, KeyResult, OkrObjective
from hoshin.organizations import services as org_services


def snapshot() -> str:
    output = io.StringIO()
    call_command("dumpdata", exclude=["contenttypes", "auth.permission"], stdout=output)
    return output.getvalue()


def member(django_user_model, org, username, role, unit_key=None):
    user = django_user_model.objects.create_user(username)
    unit = org.units.get(key=unit_key) if unit_key else None
    Membership.objects.create(user=user, organization=org, unit=unit, role=role)
    return user


@pytest.fixture
def team_kr(org, q1_2026, django_user_model):
    okr = okr_services.create_okr_objective(None, org, key="t1-okr", name="Team 1 goal", unit=org.units.get(key="t1"),
                                            cycle=q1_2026)
    kr_owner = member(django_user_model, org, "kr-owner", "contributor", "t2")
    return okr_services.create_key_result(None, okr, key="t1-kr", name="Team 1 result", kr_type="increase",
                                          baseline=0, target=100, owner=kr_owner)


@pytest.fixture
def t2_member(org, django_user_model):
    return member(django_user_model, org, "t2-member", "contributor", "t2")


def check_in(actor, key_result, value=40):
    return okr_services.record_check_in(actor, key_result, measured_on=dt.date(2026, 2, 1), value=value)


def test_admin_may_edit_and_check_in(team_kr, owner):
    okr_services.update_key_result(owner, team_kr, target=120, reason="stretch")
    check_in(owner, team_kr)

    team_kr.refresh_from_db()
    assert team_kr.target == 120
    assert team_kr.check_ins.count() == 1


def test_t1_member_may_check_in(team_kr, teammate):
    check_in(teammate, team_kr)

    assert CheckIn.objects.get(key_result=team_kr).author == teammate


def test_kr_owner_from_other_unit_may_check_in(team_kr):
    check_in(team_kr.owner, team_kr)

    assert CheckIn.objects.get(key_result=team_kr).author == team_kr.owner


def test_t2_member_may_not_check_in(team_kr, t2_member):
    before = snapshot()

    with pytest.raises(PermissionDenied, match="check in on key results of unit Team 1"):
        check_in(t2_member, team_kr)

    assert snapshot() == before


def test_t2_member_may_not_edit(team_kr, t2_member):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        okr_services.update_key_result(t2_member, team_kr, target=1)

    assert snapshot() == before


def test_t2_member_views_in_open_org(team_kr, t2_member):
    assert can_view(t2_member, team_kr)
    assert can_view(t2_member, team_kr.objective)


def test_t2_member_cannot_view_in_restricted_org(org, team_kr, t2_member):
    org_services.update_organization(None, org, visibility="restricted")

    assert not can_view(t2_member, team_kr)
    assert not can_view(t2_member, team_kr.objective)
    assert filter_visible(t2_member, org, KeyResult.objects.filter(objective__organization=org)).count() == 0


def test_t1_member_views_in_restricted_org(org, team_kr, teammate):
    org_services.update_organization(None, org, visibility="restricted")

    assert can_view(teammate, team_kr)


def test_owner_views_own_kr_in_restricted_org(org, team_kr):
    org_services.update_organization(None, org, visibility="restricted")

    assert can_view(team_kr.owner, team_kr)
    assert can_view(team_kr.owner, team_kr.objective)
    assert list(filter_visible(team_kr.owner, org, OkrObjective.objects.all())) == [team_kr.objective]


def test_viewer_owner_may_not_check_in(org, team_kr, django_user_model):
    viewer = member(django_user_model, org, "viewer", "viewer", "t1")
    okr_services.update_key_result(None, team_kr, owner=viewer)

    with pytest.raises(PermissionDenied):
        check_in(viewer, team_kr)

    assert team_kr.check_ins.count() == 0


def test_outsider_sees_nothing(org, team_kr, outsider):
    assert not can_view(outsider, org)
    assert not can_view(outsider, team_kr)
    assert visible_unit_ids(outsider, org) == set()


def test_restricted_units_cover_subtree(org, django_user_model):
    org_services.update_organization(None, org, visibility="restricted")
    t1 = org.units.get(key="t1")
    below = org_services.create_unit(None, org, key="t1a", name="Team 1a", parent=t1)
    lead = member(django_user_model, org, "lead", "unit_lead", "t1")
    office = member(django_user_model, org, "office", "strategy_office", "t2")

    assert visible_unit_ids(lead, org) == {t1.pk, below.pk}
    assert visible_unit_ids(office, org) == set(org.units.values_list("pk", flat=True))


def test_strategic_level_visible_when_restricted(org, t2_member):
    org_services.update_organization(None, org, visibility="restricted")
    t1 = org.units.get(key="t1")
    objective = org_services.create_strategic_objective(None, org, key="growth", name="Growth",
                                                        perspective=org.perspectives.get(key="financial"), unit=t1)
    strategic_kpi = kpi_services.create_kpi(None, org, key="revenue", name="Revenue", unit=t1)
    team_kpi = kpi_services.create_kpi(None, org, key="calls", name="Calls", unit=t1)
    org_services.set_strategic_kpis(None, objective, [strategic_kpi])

    assert can_view(t2_member, objective)
    assert can_view(t2_member, strategic_kpi)
    assert not can_view(t2_member, team_kpi)
    assert list(filter_visible(t2_member, org, Kpi.objects.filter(organization=org))) == [strategic_kpi]


def test_contributor_may_not_write_unit_below(org, django_user_model):
    t1 = org.units.get(key="t1")
    below = org_services.create_unit(None, org, key="t1a", name="Team 1a", parent=t1)
    contributor = member(django_user_model, org, "c", "contributor", "t1")

    assert is_allowed(contributor, "record_measurement", org, unit=t1)
    assert not is_allowed(contributor, "record_measurement", org, unit=below)


def test_membership_without_unit_covers_org(org, django_user_model):
    lead = member(django_user_model, org, "lead", "unit_lead")

    for unit in org.units.all():
        assert is_allowed(lead, "change_okr_objective", org, unit=unit)


def test_unit_scoped_action_without_unit_denied(org, teammate):
    assert not is_allowed(teammate, "check_in", org)


def test_unknown_action_only_for_admin(org, owner, teammate):
    assert is_allowed(owner, "export_everything", org)
    assert not is_allowed(teammate, "export_everything", org)


def test_anonymous_and_inactive_denied(org, teammate):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied, match="Sign in"):
        authorize(AnonymousUser(), "check_in", org, unit=org.units.get(key="t1"))
    teammate.is_active = False
    assert not is_allowed(teammate, "check_in", org, unit=org.units.get(key="t1"))


def test_cli_actor_allowed(org):
    assert is_allowed(None, "change_organization", org)


def test_record_measurement_unit_lead_of_parent(org, django_user_model):
    lead = member(django_user_model, org, "lead", "unit_lead", "company")
    kpi = kpi_services.create_kpi(None, org, key="calls", name="Calls", unit=org.units.get(key="t2"), frequency="daily")

    row, outcome = kpi_services.record_measurement(lead, kpi, day=dt.date(2026, 1, 5), value=3)

    assert outcome == "inserted"
    assert row.value == 3
