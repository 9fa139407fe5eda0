"""Every write service × every role × own unit, unit below, parent unit, other unit and other organization.

The actor's membership is on unit t1 of Acme. Objects sit in t1 (own), in
t1a below t1 (below), in the company above t1 (parent), in t2 beside t1
(other unit) or in Globex (other organization). A denied call must raise
`PermissionDenied` and leave the database exactly as it was, compared
through `dumpdata`; an allowed call must change it.
"""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction

from hoshin.accounts.models import Membership
from hoshin.core.errors import PermissionDenied
from hoshin.kpis import services as kpi_services
from hoshin.kpis.models import Kpi, KpiTarget
from hoshin.okrs import services as okr_services
from hoshin.okrs.models import KeyResult, OkrObjective
from hoshin.organizations import services as org_services
from hoshin.organizations.models import Organization

ROLES = ["admin", "strategy_office", "unit_lead", "contributor", "viewer"]
LOCATIONS = ["own", "below", "parent", "other_unit", "other_org"]
UNIT_OF_LOCATION = {"own": "t1", "below": "t1a", "parent": "company", "other_unit": "t2", "other_org": "company"}


def build_org(key: str, unit_keys: dict[str, str | None]) -> None:
    """Create an organization with one of each object the services change in every unit."""
    org = org_services.create_organization(None, key=key, name=key.title())
    cycle = org_services.cycle_for_label(None, org, "2026-Q1")
    perspective = org.perspectives.get(key="financial")
    units = {}
    for unit_key, parent_key in unit_keys.items():
        unit = org_services.create_unit(None, org, key=unit_key, name=f"Unit {unit_key}", parent=units.get(parent_key))
        units[unit_key] = unit
        kpi = kpi_services.create_kpi(None, org, key=f"kpi-{unit_key}", name=f"KPI {unit_key}", unit=unit,
                                      frequency="daily")
        kpi_services.set_kpi_target(None, kpi, period="2026", value=40)
        objectives = {
            prefix: org_services.create_strategic_objective(
                None, org, key=f"{prefix}-{unit_key}", name=f"{prefix} {unit_key}", perspective=perspective, unit=unit
            )
            for prefix in ("so", "so2", "so3")
        }
        org_services.create_link(None, org, cause=objectives["so"], effect=objectives["so2"])
        for prefix in ("okr", "okr2"):
            okr_services.create_okr_objective(None, org, key=f"{prefix}-{unit_key}", name=f"{prefix} {unit_key}",
                                              unit=unit, cycle=cycle)
        okr_services.create_key_result(None, org.okr_objectives.get(key=f"okr-{unit_key}"), key=f"kr-{unit_key}",
                                       name=f"KR {unit_key}", kr_type="increase", baseline=0, target=100)


def load_org(key: str, unit_key: str) -> SimpleNamespace:
    """Load fresh copies of the objects of one unit, so no call works on instances another call changed."""
    org = Organization.objects.get(key=key)
    return SimpleNamespace(
        org=org,
        cycle=org.cycles.get(key="2026-Q1"),
        perspective=org.perspectives.get(key="financial"),
        unit=org.units.get(key=unit_key),
        kpi=Kpi.objects.get(organization=org, key=f"kpi-{unit_key}"),
        target=KpiTarget.objects.get(kpi__organization=org, kpi__key=f"kpi-{unit_key}"),
        objectives={prefix: org.strategic_objectives.get(key=f"{prefix}-{unit_key}") for prefix in ("so", "so2", "so3")},
        link=org.links.get(cause__key=f"so-{unit_key}"),
        okr=OkrObjective.objects.get(organization=org, key=f"okr-{unit_key}"),
        spare_okr=OkrObjective.objects.get(organization=org, key=f"okr2-{unit_key}"),
        key_result=KeyResult.objects.get(objective__organization=org, key=f"kr-{unit_key}"),
    )


@pytest.fixture
def world(db):
    build_org("acme", {"company": None, "t1": "company", "t1a": "t1", "t2": "company"})
    build_org("globex", {"company": None})


# Each service as a call on the objects at one location, with the category
# of the permission matrix it belongs to.
SERVICES = {
    "update_organization": ("admin_only", lambda a, w: org_services.update_organization(a, w.org, name="Renamed")),
    "create_unit": ("admin_only", lambda a, w: org_services.create_unit(a, w.org, key="new", name="New",
                                                                          parent=w.unit)),
    "update_unit": ("admin_only", lambda a, w: org_services.update_unit(a, w.unit, name="Renamed")),
    "create_perspective": ("strategy", lambda a, w: org_services.create_perspective(a, w.org, key="esg", name="ESG")),
    "update_perspective": ("strategy", lambda a, w: org_services.update_perspective(a, w.perspective, name="Money")),
    "create_strategic_objective": ("strategy", lambda a, w: org_services.create_strategic_objective(
        a, w.org, key="so-new", name="New", perspective=w.perspective, unit=w.unit)),
    "update_strategic_objective": ("strategy", lambda a, w: org_services.update_strategic_objective(
        a, w.objectives["so"], name="Renamed")),
    "set_strategic_kpis": ("strategy", lambda a, w: org_services.set_strategic_kpis(
        a, w.objectives["so"], [w.kpi])),
    "create_link": ("strategy", lambda a, w: org_services.create_link(
        a, w.org, cause=w.objectives["so2"], effect=w.objectives["so3"])),
    "update_link": ("strategy", lambda a, w: org_services.update_link(a, w.link, hypothesis="Changed")),
    "delete_link": ("strategy", lambda a, w: org_services.delete_link(a, w.link)),
    "create_cycle": ("cycle", lambda a, w: org_services.create_cycle(
        a, w.org, key="sprint", start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 14))),
    "create_kpi": ("kpi_definition", lambda a, w: kpi_services.create_kpi(
        a, w.org, key="kpi-new", name="New", unit=w.unit)),
    "update_kpi": ("kpi_definition", lambda a, w: kpi_services.update_kpi(a, w.kpi, green=90.0, yellow=80.0)),
    "set_kpi_target": ("kpi_definition", lambda a, w: kpi_services.set_kpi_target(
        a, w.kpi, period="2026", value=50)),
    "delete_kpi_target": ("kpi_definition", lambda a, w: kpi_services.delete_kpi_target(a, w.target)),
    "record_measurement": ("data_entry", lambda a, w: kpi_services.record_measurement(
        a, w.kpi, day=dt.date(2026, 1, 15), value=5)),
    "create_okr_objective": ("okr", lambda a, w: okr_services.create_okr_objective(
        a, w.org, key="okr-new", name="New", unit=w.unit, cycle=w.cycle)),
    "update_okr_objective": ("okr", lambda a, w: okr_services.update_okr_objective(a, w.okr, name="Renamed")),
    "set_alignments": ("okr", lambda a, w: okr_services.set_alignments(
        a, w.okr, strategic=[w.objectives["so"]])),
    "create_key_result": ("okr", lambda a, w: okr_services.create_key_result(
        a, w.okr, key="kr-new", name="New", kr_type="increase", baseline=0, target=10)),
    "update_key_result": ("okr", lambda a, w: okr_services.update_key_result(a, w.key_result, target=200)),
    "move_key_result": ("okr", lambda a, w: okr_services.move_key_result(a, w.key_result, w.spare_okr)),
    "delete_key_result": ("okr", lambda a, w: okr_services.delete_key_result(a, w.key_result)),
    "record_check_in": ("data_entry", lambda a, w: okr_services.record_check_in(
        a, w.key_result, measured_on=dt.date(2026, 2, 1), value=30)),
}


def expected_allowed(role: str, category: str, location: str) -> bool:
    """The permission matrix, written out independently of the code under test."""
    if location == "other_org" or role == "viewer":
        return False
    if role == "admin":
        return True
    in_subtree = location in {"own", "below"}
    return {
        "admin_only": False,
        "strategy": role == "strategy_office",
        "cycle": role in {"strategy_office", "unit_lead"},
        "kpi_definition": role == "strategy_office" or (role == "unit_lead" and in_subtree),
        "okr": role == "unit_lead" and in_subtree,
        "data_entry": (role == "unit_lead" and in_subtree) or (role == "contributor" and location == "own"),
    }[category]


def snapshot() -> str:
    output = io.StringIO()
    # Content types and permissions are fixed by the schema, so leaving
    # them out only makes the comparison faster.
    call_command("dumpdata", exclude=["contenttypes", "auth.permission"], stdout=output)
    return output.getvalue()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_service_permission_matrix(world, django_user_model, service):
    category, call = SERVICES[service]
    acme = Organization.objects.get(key="acme")
    actors = {}
    for role in ROLES:
        actors[role] = django_user_model.objects.create_user(f"actor-{role}")
        Membership.objects.create(user=actors[role], organization=acme, unit=acme.units.get(key="t1"), role=role)
    before = snapshot()

    wrong = []
    for role in ROLES:
        for location in LOCATIONS:
            objects = load_org("globex" if location == "other_org" else "acme", UNIT_OF_LOCATION[location])
            allowed = expected_allowed(role, category, location)
            # Allowed calls are rolled back so every case starts from the
            # same data. Denied calls are not, so the final comparison
            # catches anything they wrote.
            savepoint = transaction.savepoint() if allowed else None
            try:
                call(actors[role], objects)
                outcome = True
            except PermissionDenied:
                outcome = False
            if savepoint is not None:
                transaction.savepoint_rollback(savepoint)
            if outcome != allowed:
                wrong.append(f"{role} in {location}: {'allowed' if outcome else 'denied'}, expected the opposite")

    assert wrong == []
    assert snapshot() == before, "a denied call changed the database"
