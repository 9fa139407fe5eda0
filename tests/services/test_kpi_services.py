import datetime as dt

import pytest

from hoshin.core.errors import PermissionDenied, ValidationFailed
from hoshin.kpis import services
from hoshin.kpis.models import Kpi, Measurement, MeasurementRevision


@pytest.fixture
def nps(org):
    return services.create_kpi(
        None, org, key="nps", name="Net promoter score", unit=org.units.get(key="t1"),
        direction="higher_is_better", frequency="daily", aggregation="mean", kind="level", green=50, yellow=30,
    )


def test_create_kpi_rejects_inverted_thresholds(org):
    with pytest.raises(ValidationFailed) as error:
        services.create_kpi(None, org, key="cost", name="Cost", unit=org.units.first(),
                            direction="lower_is_better", green=30, yellow=20)

    assert error.value.field == "thresholds"
    assert not Kpi.objects.filter(key="cost").exists()


def test_create_kpi_rejects_empty_scale(org):
    with pytest.raises(ValidationFailed) as error:
        services.create_kpi(None, org, key="pct", name="Pct", unit=org.units.first(), scale_min=100, scale_max=0)

    assert error.value.field == "scale"


def test_target_range_needs_nested_bands(org):
    with pytest.raises(ValidationFailed):
        services.create_kpi(None, org, key="temp", name="Temperature", unit=org.units.first(),
                            direction="target_range", green=18, yellow=19, green_upper=22, yellow_upper=24)

    kpi = services.create_kpi(None, org, key="temp", name="Temperature", unit=org.units.first(),
                              direction="target_range", green=19, yellow=18, green_upper=22, yellow_upper=24)
    assert kpi.green_upper == 22


def test_threshold_change_keeps_reason(nps, owner):
    services.update_kpi(owner, nps, green=60, reason="new benchmark")

    latest, previous = nps.history.all()[:2]
    assert (previous.green, latest.green) == (50, 60)
    assert latest.history_change_reason == "new benchmark"
    assert latest.history_user == owner


def test_unchanged_update_writes_no_history(nps):
    before = nps.history.count()

    assert services.update_kpi(None, nps, green=50, yellow=30) == []
    assert nps.history.count() == before


def test_set_kpi_target_by_fiscal_label(nps):
    target = services.set_kpi_target(None, nps, period="2026-Q2", value=55)

    assert (target.start, target.end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    services.set_kpi_target(None, nps, period="2026-Q2", value=58, reason="board decision")
    target.refresh_from_db()
    assert target.value == 58
    assert target.history.first().history_change_reason == "board decision"


def test_set_kpi_target_rejects_bad_period(nps):
    with pytest.raises(ValidationFailed) as error:
        services.set_kpi_target(None, nps, period="Q7", value=1)

    assert error.value.field == "period"


def test_measurement_revision_replaces_value(nps):
    day = dt.date(2030, 3, 15)

    _row, first = services.record_measurement(None, nps, day=day, value=100)
    _row, second = services.record_measurement(None, nps, day=day, value=80)
    _row, third = services.record_measurement(None, nps, day=day, value=80)

    assert (first, second, third) == ("inserted", "revised", "unchanged")
    current = Measurement.objects.get(kpi=nps)
    assert (current.value, current.revision) == (80, 2)
    assert list(MeasurementRevision.objects.values_list("value", "revision")) == [(100, 1)]


def test_measurement_buckets_into_kpi_period(org):
    weekly = services.create_kpi(None, org, key="backlog", name="Backlog", unit=org.units.first(),
                                 frequency="weekly", aggregation="last")

    row, _outcome = services.record_measurement(None, weekly, day=dt.date(2026, 3, 14), value=7)

    assert row.period_start == dt.date(2026, 3, 9)


def test_ratio_measurement_needs_denominator(org):
    ratio = services.create_kpi(None, org, key="ontime", name="On time", unit=org.units.first(), aggregation="ratio")

    with pytest.raises(ValidationFailed) as error:
        services.record_measurement(None, ratio, day=dt.date(2026, 1, 1), numerator=5, denominator=0)
    assert error.value.field == "denominator"

    row, _outcome = services.record_measurement(None, ratio, day=dt.date(2026, 1, 1), numerator=9, denominator=10)
    assert row.value == pytest.approx(0.9)


def test_measurement_rejects_nan(nps):
    with pytest.raises(ValidationFailed):
        services.record_measurement(None, nps, day=dt.date(2026, 1, 1), value=float("nan"))

    assert not Measurement.objects.exists()


def test_outsider_cannot_record_measurement(nps, outsider):
    with pytest.raises(PermissionDenied):
        services.record_measurement(outsider, nps, day=dt.date(2026, 1, 1), value=1)

    assert not Measurement.objects.exists()


def test_weekly_target_follows_week_start(org):
    org.week_start = 6
    org.save(update_fields=["week_start"])
    kpi = services.create_kpi(None, org, key="visits", name="Visits", unit=org.units.first(), frequency="weekly")

    target = services.set_kpi_target(None, kpi, period="2026-W11", value=10)

    assert target.start.weekday() == 6
    assert (target.end - target.start).days == 6


def test_delete_kpi_target_keeps_history(nps):
    target = services.set_kpi_target(None, nps, period="2026", value=50)

    services.delete_kpi_target(None, target, reason="KPI redefined")

    assert not nps.targets.exists()
    assert nps.targets.model.history.filter(history_type="-").get().history_change_reason == "KPI redefined"


def test_create_appends_position(org):
    unit = org.units.get(key="t1")
    first = services.create_kpi(None, org, key="first", name="First", unit=unit)
    second = services.create_kpi(None, org, key="second", name="Second", unit=unit)
    chosen = services.create_kpi(None, org, key="chosen", name="Chosen", unit=unit, position=7)
    after = services.create_kpi(None, org, key="after", name="After", unit=unit)

    assert [first.position, second.position, chosen.position, after.position] == [0, 1, 7, 8]
