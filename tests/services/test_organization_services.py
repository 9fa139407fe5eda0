import pytest

from hoshin.core.errors import CycleRejected, PermissionDenied, ValidationFailed
from hoshin.organizations import services
from hoshin.organizations.models import CauseEffectLink, Organization, Perspective, Unit


def test_create_organization_adds_default_perspectives(db):
    org = services.create_organization(None, key="norte", name="Norte", time_zone="America/Sao_Paulo")

    assert list(org.perspectives.values_list("key", flat=True)) == ["financial", "customer", "internal", "learning"]


def test_create_organization_rejects_unknown_time_zone(db):
    with pytest.raises(ValidationFailed) as error:
        services.create_organization(None, key="norte", name="Norte", time_zone="Mars/Olympus")

    assert error.value.field == "time_zone"
    assert "Mars/Olympus" in error.value.message
    assert not Organization.objects.exists()


def test_create_organization_rejects_fiscal_month_13(db):
    with pytest.raises(ValidationFailed) as error:
        services.create_organization(None, key="norte", name="Norte", fiscal_year_start_month=13)

    assert error.value.field == "fiscal_year_start_month"


def test_update_organization_records_reason(org, owner):
    services.update_organization(owner, org, name="Acme Corp", reason="rebrand")

    latest = org.history.first()
    assert latest.name == "Acme Corp"
    assert latest.history_change_reason == "rebrand"
    assert latest.history_user == owner


def test_update_unit_rejects_parent_cycle(org):
    a = org.units.get(key="company")
    b = services.create_unit(None, org, key="b", name="B", parent=a)
    c = services.create_unit(None, org, key="c", name="C", parent=b)

    with pytest.raises(CycleRejected):
        services.update_unit(None, a, parent=c)
    with pytest.raises(CycleRejected):
        services.update_unit(None, a, parent=a)

    a.refresh_from_db()
    assert a.parent is None


def test_create_unit_rejects_duplicate_key(org):
    with pytest.raises(ValidationFailed) as error:
        services.create_unit(None, org, key="t1", name="Again")

    assert error.value.field == "key"
    assert Unit.objects.filter(organization=org, key="t1").count() == 1


def test_create_unit_rejects_parent_of_other_org(org, other_org):
    foreign = other_org.units.get(key="company")

    with pytest.raises(ValidationFailed):
        services.create_unit(None, org, key="x", name="X", parent=foreign)


def test_perspective_rename_and_custom(org):
    services.create_perspective(None, org, key="sustainability", name="Sustainability")
    customer = org.perspectives.get(key="customer")
    services.update_perspective(None, customer, name="Clients")

    assert list(org.perspectives.values_list("name", flat=True)) == [
        "Financial", "Clients", "Internal processes", "Learning and growth", "Sustainability",
    ]


def _objective(org, key):
    return services.create_strategic_objective(
        None, org, key=key, name=key.title(), perspective=Perspective.objects.get(organization=org, key="financial"),
        unit=org.units.get(key="company"),
    )


def test_create_link_rejects_cycle(org):
    a, b, c = (_objective(org, key) for key in ("a", "b", "c"))
    services.create_link(None, org, cause=a, effect=b, hypothesis="A drives B", lag_days=30)
    services.create_link(None, org, cause=b, effect=c)

    with pytest.raises(CycleRejected) as error:
        services.create_link(None, org, cause=c, effect=a)

    assert "cycle" in error.value.message
    assert CauseEffectLink.objects.filter(organization=org).count() == 2


def test_create_link_rejects_self_link(org):
    a = _objective(org, "a")

    with pytest.raises(CycleRejected):
        services.create_link(None, org, cause=a, effect=a)


def test_strategic_objective_rejects_zero_weight(org):
    with pytest.raises(ValidationFailed) as error:
        services.create_strategic_objective(
            None, org, key="w", name="W", perspective=org.perspectives.first(), unit=org.units.first(), weight=0
        )

    assert error.value.field == "weight"


def test_delete_link_keeps_history(org):
    a, b = _objective(org, "a"), _objective(org, "b")
    link = services.create_link(None, org, cause=a, effect=b)

    services.delete_link(None, link, reason="disproved")

    assert not CauseEffectLink.objects.exists()
    assert CauseEffectLink.history.filter(history_type="-").get().history_change_reason == "disproved"


def test_cycle_for_label_generates_fiscal_quarter(db):
    org = services.create_organization(None, key="april", name="April Co", fiscal_year_start_month=4)

    cycle = services.cycle_for_label(None, org, "2026-Q1")

    assert (cycle.start.isoformat(), cycle.end.isoformat()) == ("2025-04-01", "2025-06-30")
    assert services.cycle_for_label(None, org, "2026-Q1").pk == cycle.pk


def test_cycle_for_label_rejects_nonsense(org):
    with pytest.raises(ValidationFailed) as error:
        services.cycle_for_label(None, org, "next spring")

    assert error.value.field == "cycle"


def test_ensure_fiscal_year_cycles_creates_five(org):
    cycles = services.ensure_fiscal_year_cycles(None, org, 2027)

    assert [c.key for c in cycles] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2027"]


def test_viewer_cannot_change_organization(org, django_user_model):
    from hoshin.accounts.models import Membership

    viewer = django_user_model.objects.create_user("viewer", password="pw-viewer-123")
    Membership.objects.create(user=viewer, organization=org, role="viewer")

    with pytest.raises(PermissionDenied):
        services.update_organization(viewer, org, name="Hijacked")

    org.refresh_from_db()
    assert org.name == "Acme"


def test_outsider_cannot_create_unit(org, outsider):
    with pytest.raises(PermissionDenied):
        services.create_unit(outsider, org, key="evil", name="Evil")

    assert not Unit.objects.filter(key="evil").exists()


def test_update_strategic_objective_weight_history(org, owner):
    objective = _objective(org, "margin")

    services.update_strategic_objective(owner, objective, weight=2.5, reason="board priority")

    latest = objective.history.first()
    assert (latest.weight, latest.history_change_reason) == (2.5, "board priority")
    with pytest.raises(ValidationFailed):
        services.update_strategic_objective(owner, objective, weight=-1)


def test_set_strategic_kpis_replaces_list(org):
    from hoshin.kpis import services as kpi_services

    objective = _objective(org, "margin")
    unit = org.units.first()
    first, second = (kpi_services.create_kpi(None, org, key=k, name=k, unit=unit) for k in ("k1", "k2"))

    assert services.set_strategic_kpis(None, objective, [first, (second, 2.0)]) is True
    assert services.set_strategic_kpis(None, objective, [first, (second, 2.0)]) is False
    assert services.set_strategic_kpis(None, objective, [second], reason="k1 retired") is True

    assert list(objective.kpi_links.values_list("kpi__key", "weight")) == [("k2", 1.0)]
    with pytest.raises(ValidationFailed):
        services.set_strategic_kpis(None, objective, [second, second])


def test_restoring_archived_link_rechecks_cycle(org):
    a, b = _objective(org, "a"), _objective(org, "b")
    old = services.create_link(None, org, cause=a, effect=b)
    services.update_link(None, old, archived=True, reason="replaced")
    services.create_link(None, org, cause=b, effect=a)

    with pytest.raises(CycleRejected):
        services.update_link(None, old, archived=False)

    old.refresh_from_db()
    assert old.archived is True


def test_create_cycle_rejects_end_before_start(org):
    import datetime as dt

    with pytest.raises(ValidationFailed) as error:
        services.create_cycle(None, org, key="sprint", start=dt.date(2026, 5, 1), end=dt.date(2026, 4, 1))

    assert error.value.field == "end"
    assert not org.cycles.filter(key="sprint").exists()
