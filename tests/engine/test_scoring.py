"""Scoring a whole organization snapshot."""

import json
import time
from datetime import date, datetime, timedelta, timezone

import polars as pl
import pytest

from hoshin.engine.errors import CycleError, ValidationError
from hoshin.engine.progress import CheckIn
from hoshin.engine.scoring import score_organization
from hoshin.engine.snapshot import (
    KeyResultSnapshot,
    KpiSnapshot,
    Link,
    OkrObjectiveSnapshot,
    OrganizationSnapshot,
    StrategicObjectiveSnapshot,
)
from hoshin.engine.status import Status

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def readings(*rows, **extra):
    """Build a measurements frame from ``(kpi, day, value)`` rows."""
    frame = {
        "kpi_id": [row[0] for row in rows],
        "day": [row[1] for row in rows],
        "value": [float(row[2]) if row[2] is not None else None for row in rows],
    }
    frame.update(extra)
    return pl.DataFrame(frame, schema_overrides={"kpi_id": pl.Utf8, "day": pl.Date, "value": pl.Float64})


def check_in(value, measured_on, entered_on=None):
    entered = entered_on or measured_on
    return CheckIn(value, measured_on, datetime(entered.year, entered.month, entered.day, 12, tzinfo=timezone.utc))


def objective(key="growth", cycle=Q1, **fields):
    return OkrObjectiveSnapshot(key, *cycle, **fields)


def test_changed_target_scores_with_definition_as_of_date():
    checkins = (check_in(60, date(2026, 1, 20)),)

    def score(target, as_of):
        kr = KeyResultSnapshot("signups", "growth", "increase", baseline=0, target=target, checkins=checkins)
        snapshot = OrganizationSnapshot(key_results=(kr,), okr_objectives=(objective(),))
        return score_organization(snapshot, as_of).key_results["signups"]

    assert score(100, date(2026, 1, 31)).progress == pytest.approx(0.6)
    assert score(80, date(2026, 2, 20)).progress == pytest.approx(0.75)


def test_late_check_in_with_latest_measured_date_wins():
    checkins = (
        check_in(40, date(2025, 3, 20)),
        check_in(55, date(2025, 3, 31), entered_on=date(2025, 4, 3)),
        check_in(60, date(2025, 3, 10), entered_on=date(2025, 4, 4)),
        check_in(99, date(2025, 4, 5)),
    )
    kr = KeyResultSnapshot("uptime", "reliability", "increase", baseline=0, target=100, checkins=checkins)
    snapshot = OrganizationSnapshot(
        key_results=(kr,), okr_objectives=(objective("reliability", (date(2025, 1, 1), date(2025, 3, 31))),)
    )

    result = score_organization(snapshot, date(2025, 4, 10)).key_results["uptime"]

    assert result.current == 55
    assert result.current_measured_on == date(2025, 3, 31)


def test_key_result_fed_by_percent_kpi():
    kpi = KpiSnapshot("activation", "last", "monthly", is_percent=True)
    kr = KeyResultSnapshot("activation kr", "growth", "increase", baseline=0, target=60, source_kpi="activation")
    snapshot = OrganizationSnapshot(
        kpis=(kpi,),
        key_results=(kr,),
        okr_objectives=(objective(),),
        measurements=readings(("activation", date(2026, 1, 1), 30), ("activation", date(2026, 2, 1), 37)),
    )

    result = score_organization(snapshot, date(2026, 2, 20)).key_results["activation kr"]

    assert result.current == 37
    assert round(result.progress, 4) == 0.6167


@pytest.mark.parametrize(
    ("direction", "kr_type", "baseline", "target", "colours"),
    [
        ("lower_is_better", "decrease", 1000, 500, [True, False]),
        ("higher_is_better", "increase", 500, 1000, [False, True]),
    ],
)
def test_change_colour_follows_direction(direction, kr_type, baseline, target, colours):
    kpi = KpiSnapshot("cost", "sum", "monthly", direction=direction, target=target)
    kr = KeyResultSnapshot("cost kr", "growth", kr_type, baseline=baseline, target=target, source_kpi="cost")
    snapshot = OrganizationSnapshot(
        kpis=(kpi,),
        key_results=(kr,),
        okr_objectives=(objective(),),
        measurements=readings(
            ("cost", date(2026, 1, 1), 1000), ("cost", date(2026, 2, 1), 900), ("cost", date(2026, 3, 1), 950)
        ),
    )

    february = score_organization(snapshot, date(2026, 2, 28))
    march = score_organization(snapshot, date(2026, 3, 31))

    assert february.kpis["cost"].change.absolute == -100
    assert march.kpis["cost"].change.absolute == 50
    assert [february.kpis["cost"].change.improving, march.kpis["cost"].change.improving] == colours
    assert march.kpis["cost"].change.previous_period == "2026-02"


def test_decreasing_cost_progress_uses_last_value():
    kpi = KpiSnapshot("cost", "last", "monthly", direction="lower_is_better")
    kr = KeyResultSnapshot("cost kr", "growth", "decrease", baseline=1000, target=500, source_kpi="cost")
    snapshot = OrganizationSnapshot(
        kpis=(kpi,),
        key_results=(kr,),
        okr_objectives=(objective(),),
        measurements=readings(
            ("cost", date(2026, 1, 1), 1000), ("cost", date(2026, 2, 1), 900), ("cost", date(2026, 3, 1), 950)
        ),
    )

    assert score_organization(snapshot, date(2026, 2, 28)).key_results["cost kr"].progress == pytest.approx(0.2)
    assert score_organization(snapshot, date(2026, 3, 31)).key_results["cost kr"].progress == pytest.approx(0.1)


def test_percent_kpi_change_in_points():
    kpi = KpiSnapshot("conversion", "mean", "monthly", is_percent=True)
    data = readings(("conversion", date(2026, 1, 15), 48), ("conversion", date(2026, 2, 15), 49))
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=data)

    change = score_organization(snapshot, date(2026, 2, 20)).kpis["conversion"].change

    assert change.percentage_points == pytest.approx(1.0)
    assert round(change.relative, 4) == 0.0208


def test_lower_is_better_attainment():
    kpi = KpiSnapshot("lead time", "mean", "monthly", direction="lower_is_better", target=7.5)
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=readings(("lead time", date(2026, 3, 2), 8.2)))

    result = score_organization(snapshot, date(2026, 3, 10)).kpis["lead time"]

    assert round(result.attainment, 4) == 0.9067
    assert round(result.score, 4) == 0.9067
    assert result.status == Status.ON_TRACK


def test_thresholds_belong_to_each_kpi():
    kpis = (
        KpiSnapshot("a", "mean", "daily", green=90, yellow=80),
        KpiSnapshot("b", "mean", "daily", green=70, yellow=60),
        KpiSnapshot("c", "mean", "daily", green=90, yellow=80, scale_min=0, scale_max=100),
    )
    data = readings(("a", date(2026, 3, 2), 80), ("b", date(2026, 3, 2), 80), ("c", date(2026, 3, 2), 120))
    strategic = StrategicObjectiveSnapshot("quality", "customer", "company", kpis=(Link("a"), Link("c")))
    snapshot = OrganizationSnapshot(kpis=kpis, strategic_objectives=(strategic,), measurements=data)

    report = score_organization(snapshot, date(2026, 3, 2))

    assert report.kpis["a"].status == Status.AT_RISK
    assert report.kpis["b"].status == Status.ON_TRACK
    assert report.kpis["c"].status == Status.OUT_OF_RANGE
    assert report.kpis["c"].score is None
    assert report.strategic_objectives["quality"].score == pytest.approx(0.5)
    assert report.strategic_objectives["quality"].children_with_data == 1


def test_target_of_zero_uses_baseline_progress():
    kpi = KpiSnapshot("defects", "sum", "monthly", direction="lower_is_better", target=0, baseline=40)
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=readings(("defects", date(2026, 3, 1), 10)))

    result = score_organization(snapshot, date(2026, 3, 31)).kpis["defects"]

    assert result.attainment is None
    assert result.attainment_reason == "target_not_positive"
    assert result.score == pytest.approx(0.75)


def test_target_of_zero_without_baseline_uses_thresholds():
    kpi = KpiSnapshot("accidents", "sum", "monthly", direction="lower_is_better", target=0, green=0, yellow=1)
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=readings(("accidents", date(2026, 3, 1), 1)))

    result = score_organization(snapshot, date(2026, 3, 31)).kpis["accidents"]

    assert result.status == Status.AT_RISK
    assert result.score == 0.5


def test_sum_target_is_pro_rated_to_date():
    kpi = KpiSnapshot("sales", "sum", "monthly", target=310, green=310, yellow=250)
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=readings(("sales", date(2026, 3, 2), 90)))

    result = score_organization(snapshot, date(2026, 3, 10)).kpis["sales"]

    assert result.target_to_date == pytest.approx(100)
    assert result.attainment == pytest.approx(0.9)
    assert result.status == Status.AT_RISK
    assert result.period == "2026-03"


def test_sum_target_pro_rated_by_months():
    kpi = KpiSnapshot("sales", "sum", "quarterly", target=300)
    data = readings(("sales", date(2026, 1, 5), 150))
    snapshot = OrganizationSnapshot(kpis=(kpi,), prorate="months", measurements=data)

    result = score_organization(snapshot, date(2026, 2, 10)).kpis["sales"]

    assert result.target_to_date == pytest.approx(200)
    assert result.attainment == pytest.approx(0.75)


def test_missing_level_week_is_skipped():
    kpi = KpiSnapshot("nps", "mean", "weekly", target=50)
    data = readings(("nps", date(2026, 3, 2), 40), ("nps", date(2026, 3, 16), 50))
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=data)

    gap = score_organization(snapshot, date(2026, 3, 12)).kpis["nps"]
    after = score_organization(snapshot, date(2026, 3, 18)).kpis["nps"]

    assert gap.status == Status.NO_DATA
    assert gap.score is None
    assert after.change.previous_period == "2026-W10"
    assert after.change.absolute == 10


def test_missing_count_day_is_zero():
    kpi = KpiSnapshot("complaints", "sum", "daily", direction="lower_is_better", kind="count", target=3)
    data = readings(("complaints", date(2026, 3, 2), 5), ("complaints", date(2026, 3, 4), 7))
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=data)

    tuesday = score_organization(snapshot, date(2026, 3, 3)).kpis["complaints"]
    wednesday = score_organization(snapshot, date(2026, 3, 4)).kpis["complaints"]

    assert tuesday.actual == 0
    assert tuesday.score == 1.0
    assert wednesday.change.previous_period == "2026-03-03"
    assert wednesday.change.previous_value == 0
    assert wednesday.change.is_new is True


def test_count_mean_over_cycle_fills_missing_days():
    kpi = KpiSnapshot("visits", "sum", "daily", kind="count")
    kr = KeyResultSnapshot(
        "visits kr", "week", "increase", baseline=0, target=8, source_kpi="visits", source_aggregation="mean"
    )
    week = objective("week", (date(2026, 3, 2), date(2026, 3, 4)))
    data = readings(("visits", date(2026, 3, 2), 5), ("visits", date(2026, 3, 4), 7))
    snapshot = OrganizationSnapshot(kpis=(kpi,), key_results=(kr,), okr_objectives=(week,), measurements=data)

    result = score_organization(snapshot, date(2026, 3, 4)).key_results["visits kr"]

    assert result.current == pytest.approx(4.0)
    assert result.progress == pytest.approx(0.5)


def test_cumulative_and_pooled_kpis_over_year():
    kpis = (KpiSnapshot("customers", "last", "quarterly"), KpiSnapshot("churn", "ratio", "quarterly"))
    key_results = (
        KeyResultSnapshot("customers kr", "year", "increase", baseline=0, target=360, source_kpi="customers"),
        KeyResultSnapshot("churn kr", "year", "decrease", baseline=0.5, target=0.1, source_kpi="churn"),
    )
    data = pl.DataFrame(
        {
            "kpi_id": ["customers", "customers", "churn", "churn"],
            "day": [date(2026, 1, 1), date(2026, 4, 1), date(2026, 1, 1), date(2026, 4, 1)],
            "value": [120.0, 180.0, None, None],
            "numerator": [None, None, 9.0, 20.0],
            "denominator": [None, None, 10.0, 100.0],
        }
    )
    year = objective("year", (date(2026, 1, 1), date(2026, 12, 31)))
    snapshot = OrganizationSnapshot(kpis=kpis, key_results=key_results, okr_objectives=(year,), measurements=data)

    report = score_organization(snapshot, date(2026, 8, 15))

    assert report.key_results["customers kr"].current == 180
    assert round(report.key_results["churn kr"].current, 4) == 0.2636


def test_revision_replaces_value():
    kpi = KpiSnapshot("sales", "sum", "daily")
    data = readings(("sales", date(2030, 3, 15), 100), ("sales", date(2030, 3, 15), 80), revision=[1, 2])
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=data)

    assert score_organization(snapshot, date(2030, 3, 15)).kpis["sales"].actual == 80


def test_measurement_belongs_to_its_quarter():
    kpi = KpiSnapshot("energy", "sum", "quarterly")
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=readings(("energy", date(2026, 9, 30), 42)))

    september = score_organization(snapshot, date(2026, 9, 30)).kpis["energy"]
    october = score_organization(snapshot, date(2026, 10, 1)).kpis["energy"]

    assert (september.period, september.actual) == ("2026-Q3", 42)
    assert (october.period, october.actual) == ("2026-Q4", None)
    assert october.change.previous_period == "2026-Q3"


def test_measurements_after_as_of_are_ignored():
    kpi = KpiSnapshot("sales", "sum", "monthly")
    data = readings(("sales", date(2026, 3, 5), 10), ("sales", date(2026, 3, 20), 30))
    snapshot = OrganizationSnapshot(kpis=(kpi,), measurements=data)

    assert score_organization(snapshot, date(2026, 3, 10)).kpis["sales"].actual == 10


def test_fiscal_quarter_labels_follow_start_month():
    kpi = KpiSnapshot("sales", "sum", "quarterly")
    snapshot = OrganizationSnapshot(kpis=(kpi,), fiscal_start_month=4)

    result = score_organization(snapshot, date(2025, 5, 20)).kpis["sales"]

    assert (result.period, result.period_start) == ("2026-Q1", date(2025, 4, 1))


def okr_portfolio(**kr_fields):
    """Build objective "growth" with key results from ``key -> (type, baseline, target, current, weight)``."""
    key_results = tuple(
        KeyResultSnapshot(
            key, "growth", kr_type, baseline=baseline, target=target, weight=weight,
            checkins=(check_in(current, date(2026, 2, 1)),),
        )
        for key, (kr_type, baseline, target, current, weight) in kr_fields.items()
    )
    return key_results


def test_mixed_direction_objective():
    key_results = okr_portfolio(grow=("increase", 0, 100, 50, None), cut=("decrease", 200, 100, 150, None))
    snapshot = OrganizationSnapshot(key_results=key_results, okr_objectives=(objective(),))

    assert score_organization(snapshot, date(2026, 2, 14)).okr_objectives["growth"].score == pytest.approx(0.5)


def test_weighted_key_results():
    key_results = okr_portfolio(a=("increase", 0, 100, 50, 1), b=("increase", 0, 100, 100, 3))
    snapshot = OrganizationSnapshot(key_results=key_results, okr_objectives=(objective(),))

    assert score_organization(snapshot, date(2026, 2, 14)).okr_objectives["growth"].score == pytest.approx(0.875)


def test_sum_mode_objective():
    key_results = okr_portfolio(
        north=("increase", 0, 100_000, 50_000, None),
        south=("increase", 0, 20_000, 20_000, None),
        online=("increase", 0, 1_000, 1_000, None),
    )
    summed = OrganizationSnapshot(key_results=key_results, okr_objectives=(objective(rollup_mode="sum"),))
    averaged = OrganizationSnapshot(key_results=key_results, okr_objectives=(objective(),))

    assert round(score_organization(summed, date(2026, 2, 14)).okr_objectives["growth"].score, 4) == 0.5868
    assert round(score_organization(averaged, date(2026, 2, 14)).okr_objectives["growth"].score, 4) == 0.8333


def test_archived_and_legacy_key_results():
    key_results = okr_portfolio(a=("increase", 0, 10, 4, None), b=("increase", 0, 10, 8, None))
    key_results += (
        KeyResultSnapshot("old", "growth", "increase", 0, 10, checkins=(check_in(1, date(2026, 2, 1)),), archived=True),
        KeyResultSnapshot("legacy", "growth", "increase", 5, 5, checkins=(check_in(5, date(2026, 2, 1)),)),
    )
    snapshot = OrganizationSnapshot(key_results=key_results, okr_objectives=(objective(),))

    report = score_organization(snapshot, date(2026, 2, 14))

    assert report.okr_objectives["growth"].score == pytest.approx(0.6)
    assert report.okr_objectives["growth"].children_with_data == 2
    assert report.okr_objectives["growth"].children == 3
    assert report.key_results["legacy"].status == Status.NO_DATA
    assert report.key_results["legacy"].progress_raw is None


def test_objective_without_data_is_no_data():
    kr = KeyResultSnapshot("pending", "growth", "increase", 0, 10)
    snapshot = OrganizationSnapshot(key_results=(kr,), okr_objectives=(objective(),))

    result = score_organization(snapshot, date(2026, 2, 14)).okr_objectives["growth"]

    assert result.score is None
    assert result.status == Status.NO_DATA
    assert (result.children_with_data, result.children) == (0, 1)


def test_behind_baseline_is_off_track_mid_cycle():
    key_results = okr_portfolio(churned=("increase", 20, 40, 15, None))
    snapshot = OrganizationSnapshot(key_results=key_results, okr_objectives=(objective(),))

    result = score_organization(snapshot, date(2026, 2, 14)).key_results["churned"]

    assert result.progress_raw == pytest.approx(-0.25)
    assert result.progress == 0
    assert result.status == Status.OFF_TRACK


def strategy_snapshot():
    current = objective("current", Q1, strategic_objectives=(Link("loyalty", 2),))
    past = objective("past", (date(2025, 10, 1), date(2025, 12, 31)), strategic_objectives=(Link("loyalty"),))
    key_results = (
        KeyResultSnapshot("now", "current", "increase", 0, 10, checkins=(check_in(5, date(2026, 2, 14)),)),
        KeyResultSnapshot("before", "past", "increase", 0, 10, checkins=(check_in(10, date(2025, 12, 1)),)),
    )
    kpi = KpiSnapshot("nps", "mean", "monthly", target=50)
    strategic = (
        StrategicObjectiveSnapshot("loyalty", "customer", "company", kpis=(Link("nps"),)),
        StrategicObjectiveSnapshot("costs", "financial", "company"),
    )
    return OrganizationSnapshot(
        kpis=(kpi,),
        key_results=key_results,
        okr_objectives=(current, past),
        strategic_objectives=strategic,
        measurements=readings(("nps", date(2026, 2, 3), 40)),
    )


def test_strategic_objective_uses_current_cycle_and_kpis():
    report = score_organization(strategy_snapshot(), date(2026, 2, 14))
    loyalty = report.strategic_objectives["loyalty"]

    assert report.okr_objectives["past"].score == 1.0
    assert loyalty.score == pytest.approx((2 * 0.5 + 0.8) / 3)
    assert (loyalty.children_with_data, loyalty.children) == (2, 2)
    assert loyalty.expected_progress == pytest.approx((2 * 45 / 90 + 1.0) / 3)
    assert report.strategic_objectives["costs"].status == Status.NO_DATA


def test_perspectives_and_scorecard():
    report = score_organization(strategy_snapshot(), date(2026, 2, 14))

    assert report.perspectives["company/customer"].score == pytest.approx(report.strategic_objectives["loyalty"].score)
    assert report.perspectives["company/financial"].score is None
    assert report.scorecards["company"].score == pytest.approx(report.strategic_objectives["loyalty"].score)
    assert (report.scorecards["company"].children_with_data, report.scorecards["company"].children) == (1, 2)


def test_report_converts_to_plain_json():
    data = score_organization(strategy_snapshot(), date(2026, 2, 14)).to_json()

    text = json.dumps(data, allow_nan=False)

    assert json.loads(text) == data
    assert data["as_of"] == "2026-02-14"
    assert data["kpis"]["nps"]["status"] == "at_risk"
    assert data["key_results"]["now"]["current_measured_on"] == "2026-02-14"


def test_past_cycle_objective_status_is_final():
    kr = KeyResultSnapshot("almost", "growth", "increase", 0, 10, checkins=(check_in(9, date(2026, 3, 30)),))
    snapshot = OrganizationSnapshot(key_results=(kr,), okr_objectives=(objective(),))

    assert score_organization(snapshot, date(2026, 3, 31)).okr_objectives["growth"].status == Status.ON_TRACK
    assert score_organization(snapshot, date(2026, 4, 2)).okr_objectives["growth"].status == Status.AT_RISK


def test_child_objective_rolls_into_parent():
    parent = objective("company")
    child = objective("team", parent_objectives=(Link("company"),))
    kr = KeyResultSnapshot("team kr", "team", "increase", 0, 10, checkins=(check_in(4, date(2026, 2, 1)),))
    snapshot = OrganizationSnapshot(key_results=(kr,), okr_objectives=(parent, child))

    assert score_organization(snapshot, date(2026, 2, 14)).okr_objectives["company"].score == pytest.approx(0.4)


def test_alignment_cycle_is_rejected():
    first = objective("first", parent_objectives=(Link("second"),))
    second = objective("second", parent_objectives=(Link("first"),))

    with pytest.raises(CycleError) as error:
        score_organization(OrganizationSnapshot(okr_objectives=(first, second)), date(2026, 2, 1))

    assert set(error.value.nodes) == {"okr:first", "okr:second"}


@pytest.mark.parametrize(
    ("snapshot", "field"),
    [
        (
            OrganizationSnapshot(key_results=(KeyResultSnapshot("kr", "ghost", "milestone"),)),
            "key_results[kr].objective",
        ),
        (
            OrganizationSnapshot(
                key_results=(KeyResultSnapshot("kr", "growth", "increase", 0, 1, source_kpi="ghost"),),
                okr_objectives=(objective(),),
            ),
            "key_results[kr].source_kpi",
        ),
        (
            OrganizationSnapshot(
                strategic_objectives=(StrategicObjectiveSnapshot("s", "p", "u", kpis=(Link("ghost"),)),)
            ),
            "strategic_objectives[s].kpis",
        ),
        (OrganizationSnapshot(kpis=(KpiSnapshot("k", "sum", "daily"), KpiSnapshot("k", "sum", "daily"))), "kpis"),
        (OrganizationSnapshot(kpis=(KpiSnapshot("k", "sum", "daily", green=80, yellow=90),)), "kpis[k].yellow"),
        (
            OrganizationSnapshot(
                key_results=(KeyResultSnapshot("kr", "growth", "milestone", weight=0),), okr_objectives=(objective(),)
            ),
            "weight",
        ),
    ],
)
def test_inconsistent_snapshot_is_rejected(snapshot, field):
    with pytest.raises(ValidationError) as error:
        score_organization(snapshot, date(2026, 2, 1))

    assert error.value.field == field


@pytest.mark.parametrize(
    ("snapshot", "field"),
    [
        (OrganizationSnapshot(kpis=(KpiSnapshot("k", "median", "daily"),)), "kpis[k].aggregation"),
        (OrganizationSnapshot(kpis=(KpiSnapshot("k", "sum", "hourly"),)), "kpis[k].frequency"),
        (OrganizationSnapshot(kpis=(KpiSnapshot("k", "sum", "custom"),)), "kpis[k].frequency"),
        (OrganizationSnapshot(kpis=(KpiSnapshot("k", "sum", "daily", direction="up"),)), "kpis[k].direction"),
        (OrganizationSnapshot(kpis=(KpiSnapshot("k", "sum", "daily", kind="stock"),)), "kpis[k].kind"),
        (
            OrganizationSnapshot(
                key_results=(KeyResultSnapshot("kr", "growth", "grow"),), okr_objectives=(objective(),)
            ),
            "key_results[kr].kr_type",
        ),
        (
            OrganizationSnapshot(
                key_results=(KeyResultSnapshot("kr", "growth", "milestone", source_aggregation="median"),),
                okr_objectives=(objective(),),
            ),
            "key_results[kr].source_aggregation",
        ),
        (OrganizationSnapshot(okr_objectives=(objective(rollup_mode="max"),)), "okr_objectives[growth].rollup_mode"),
        (
            OrganizationSnapshot(okr_objectives=(objective(cycle=(date(2026, 3, 31), date(2026, 1, 1))),)),
            "okr_objectives[growth].cycle_end",
        ),
        (
            OrganizationSnapshot(strategic_objectives=(StrategicObjectiveSnapshot("s", "p", "u", rollup_mode="x"),)),
            "strategic_objectives[s].rollup_mode",
        ),
    ],
)
def test_unknown_choice_is_rejected(snapshot, field):
    with pytest.raises(ValidationError) as error:
        score_organization(snapshot, date(2026, 2, 1))

    assert error.value.field == field


def test_empty_snapshot():
    report = score_organization(OrganizationSnapshot(), date(2026, 2, 1))

    assert report.kpis == {}
    assert report.scorecards == {}


def test_large_organization_scores_in_one_pass():
    kpi_count, days = 2_000, 90
    kpis = tuple(
        KpiSnapshot(f"kpi {index}", ["sum", "mean", "last"][index % 3], ["daily", "weekly"][index % 2], target=100)
        for index in range(kpi_count)
    )
    start = date(2026, 1, 1)
    rows = [
        (kpi.key, start + timedelta(days=offset), float(offset % 17))
        for kpi in kpis
        for offset in range(0, days, 1 if kpi.frequency == "daily" else 7)
    ]
    data = pl.DataFrame(rows, schema={"kpi_id": pl.Utf8, "day": pl.Date, "value": pl.Float64}, orient="row")
    objectives = tuple(objective(f"objective {index}") for index in range(1_000))
    key_results = tuple(
        KeyResultSnapshot(
            f"kr {index}", f"objective {index // 4}", "increase", 0, 50, source_kpi=f"kpi {index % kpi_count}"
        )
        for index in range(4_000)
    )
    snapshot = OrganizationSnapshot(kpis=kpis, key_results=key_results, okr_objectives=objectives, measurements=data)

    started = time.perf_counter()
    report = score_organization(snapshot, date(2026, 3, 15))
    elapsed = time.perf_counter() - started

    assert len(report.kpis) == kpi_count
    assert all(item.score is not None for item in report.okr_objectives.values())
    # A loose bound that catches a per-KPI pass over the measurements, not a benchmark.
    assert elapsed < 15
