import datetime as dt

import pytest

from hoshin.core.errors import CycleRejected, ValidationFailed
from hoshin.okrs import services
from hoshin.okrs.models import Alignment, CheckIn, KeyResult
from hoshin.organizations import services as org_services

UTC = dt.timezone.utc


@pytest.fixture
def strategic(org):
    return org_services.create_strategic_objective(
        None, org, key="loyalty", name="Customer loyalty", perspective=org.perspectives.get(key="customer"),
        unit=org.units.get(key="company"),
    )


@pytest.fixture
def objective(org, q1_2026, strategic):
    okr = services.create_okr_objective(None, org, key="repurchase", name="Customers come back",
                                        unit=org.units.get(key="t1"), cycle=q1_2026)
    services.set_alignments(None, okr, strategic=[strategic])
    return okr


@pytest.fixture
def key_result(objective):
    return services.create_key_result(None, objective, key="repurchase-rate", name="Repurchase rate +15 %",
                                      kr_type="increase", baseline=0, target=100)


def test_baseline_equal_to_target_is_rejected(objective):
    with pytest.raises(ValidationFailed) as error:
        services.create_key_result(None, objective, key="flat", name="Flat", kr_type="increase", baseline=5, target=5)

    assert error.value.field == "target"
    assert "baseline equals target (5)" in error.value.message
    assert not KeyResult.objects.filter(key="flat").exists()


@pytest.mark.parametrize("weight", [0, -1, float("nan")])
def test_non_positive_weight_is_rejected(objective, weight):
    with pytest.raises(ValidationFailed) as error:
        services.create_key_result(None, objective, key="w", name="W", kr_type="increase", baseline=0, target=1,
                                   weight=weight)

    assert error.value.field == "weight"


def test_decrease_needs_target_below_baseline(objective):
    with pytest.raises(ValidationFailed):
        services.create_key_result(None, objective, key="d", name="D", kr_type="decrease", baseline=10, target=20)

    kr = services.create_key_result(None, objective, key="d", name="D", kr_type="decrease", baseline=200, target=0)
    assert kr.target == 0


def test_within_range_needs_ordered_range(objective):
    with pytest.raises(ValidationFailed) as error:
        services.create_key_result(None, objective, key="r", name="R", kr_type="within_range", range_low=5, range_high=2)

    assert error.value.field == "range"


def test_key_result_key_unique_in_organization(org, q1_2026, key_result):
    other = services.create_okr_objective(None, org, key="other", name="Other", unit=org.units.first(), cycle=q1_2026)

    with pytest.raises(ValidationFailed):
        services.create_key_result(None, other, key="repurchase-rate", name="Copy", kr_type="milestone")


def test_target_change_history_with_reason(key_result, owner):
    services.update_key_result(owner, key_result, target=80, reason="scope cut")

    latest, created = key_result.history.all()[:2]
    assert (created.target, latest.target) == (100, 80)
    assert latest.history_change_reason == "scope cut"
    assert latest.history_user == owner
    assert latest.history_date >= created.history_date


def test_late_check_in_accepted_and_outside_rejected(key_result):
    services.record_check_in(None, key_result, measured_on=dt.date(2026, 3, 20), value=40,
                             entered_at=dt.datetime(2026, 3, 20, 12, tzinfo=UTC))
    services.record_check_in(None, key_result, measured_on=dt.date(2026, 3, 31), value=55,
                             entered_at=dt.datetime(2026, 4, 3, 12, tzinfo=UTC))

    with pytest.raises(ValidationFailed) as error:
        services.record_check_in(None, key_result, measured_on=dt.date(2026, 4, 5), value=70)

    assert error.value.field == "measured_on"
    assert "2026-04-05" in error.value.message
    assert CheckIn.objects.filter(key_result=key_result).count() == 2


def test_check_in_measures_local_day(db):
    org = org_services.create_organization(None, key="berlin", name="Berlin", time_zone="Africa/Cairo")
    unit = org_services.create_unit(None, org, key="hq", name="HQ")
    q2 = org_services.cycle_for_label(None, org, "2026-Q2")
    okr = services.create_okr_objective(None, org, key="o", name="O", unit=unit, cycle=q2)
    kr = services.create_key_result(None, okr, key="k", name="K", kr_type="increase", baseline=0, target=10)

    check_in = services.record_check_in(None, kr, value=3, entered_at=dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC))

    assert check_in.measured_on == dt.date(2026, 4, 1)


def test_milestone_check_in_needs_done(org, objective):
    kr = services.create_key_result(None, objective, key="m", name="Go live", kr_type="milestone")

    with pytest.raises(ValidationFailed):
        services.record_check_in(None, kr, measured_on=dt.date(2026, 2, 1))

    assert services.record_check_in(None, kr, measured_on=dt.date(2026, 2, 1), done=True, confidence=9).done


def test_confidence_out_of_range_rejected(key_result):
    with pytest.raises(ValidationFailed) as error:
        services.record_check_in(None, key_result, measured_on=dt.date(2026, 2, 1), value=1, confidence=11)

    assert error.value.field == "confidence"


def test_alignment_parent_cycle_rejected(org, q1_2026, objective):
    child = services.create_okr_objective(None, org, key="child", name="Child", unit=org.units.first(), cycle=q1_2026)
    services.set_alignments(None, child, parents=[objective])

    with pytest.raises(CycleRejected):
        services.set_alignments(None, objective, parents=[child])
    with pytest.raises(CycleRejected):
        services.set_alignments(None, objective, parents=[objective])

    assert Alignment.objects.filter(objective=objective, parent__isnull=False).count() == 0


def test_set_alignments_is_idempotent(objective, strategic):
    before = Alignment.history.count()

    assert services.set_alignments(None, objective, strategic=[strategic]) is False
    assert Alignment.history.count() == before


def test_move_key_result_keeps_check_ins(org, q1_2026, key_result):
    services.record_check_in(None, key_result, measured_on=dt.date(2026, 2, 1), value=10)
    other = services.create_okr_objective(None, org, key="q", name="Q", unit=org.units.first(), cycle=q1_2026)

    services.move_key_result(None, key_result, other, reason="reorganised")

    assert KeyResult.objects.filter(key="repurchase-rate").count() == 1
    assert KeyResult.objects.get(key="repurchase-rate").objective == other
    assert key_result.check_ins.count() == 1


def test_update_okr_objective_rejects_foreign_unit(objective, other_org):
    with pytest.raises(ValidationFailed) as error:
        services.update_okr_objective(None, objective, unit=other_org.units.first())

    assert error.value.field == "unit"
    objective.refresh_from_db()
    assert objective.unit.organization_id == objective.organization_id


def test_update_okr_objective_rollup_mode(objective):
    services.update_okr_objective(None, objective, rollup_mode="min", reason="weakest link counts")

    objective.refresh_from_db()
    assert objective.rollup_mode == "min"
    assert objective.history.first().history_change_reason == "weakest link counts"


def test_delete_key_result_keeps_history(key_result):
    services.delete_key_result(None, key_result, reason="duplicate")

    assert not KeyResult.objects.filter(key="repurchase-rate").exists()
    assert KeyResult.history.filter(history_type="-").get().history_change_reason == "duplicate"
