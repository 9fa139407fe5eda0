"""The demo simulator without a database: determinism, planted weak indicators and link truth."""

import datetime as dt

import numpy as np
import pytest

from hoshin.demo import series
from hoshin.demo.checkins import plan_check_ins
from hoshin.demo.simulator import WINDOW_DAYS, load_scenario, simulate
from hoshin.demo.strategies import SIMULATED, cycle_labels, render_strategy
from hoshin.demo.truth import build_truth, kpi_feeds, organization_truth

TODAY = dt.date(2025, 5, 20)
SEED = 7


def run(name, seed=SEED, today=TODAY):
    rendered = render_strategy(name, today)
    return rendered, simulate(rendered.data, load_scenario(name), seed=seed, today=today)


@pytest.fixture(scope="module", params=SIMULATED)
def simulated(request):
    return run(request.param)


def test_cycle_labels_follow_fiscal_year():
    assert cycle_labels(dt.date(2025, 5, 20), 1)["current_quarter"] == "2025-Q2"
    assert cycle_labels(dt.date(2025, 5, 20), 1)["previous_quarter"] == "2025-Q1"
    assert cycle_labels(dt.date(2025, 5, 20), 4)["current_quarter"] == "2026-Q1"
    assert cycle_labels(dt.date(2025, 5, 20), 4)["previous_quarter"] == "2025-Q4"
    assert cycle_labels(dt.date(2025, 2, 3), 2)["previous_slug"] == "2025-q4"


def test_rendered_strategy_has_no_placeholders(simulated):
    rendered, _simulation = simulated
    assert "${" not in rendered.text
    cycles = {okr["cycle"] for okr in rendered.data["okrs"]}
    assert len(cycles) == 2


def test_strategy_sizes_fit_demo(simulated):
    rendered, _simulation = simulated
    data = rendered.data
    assert 4 <= len(data["perspectives"]) <= 5
    assert 6 <= len(data["strategic_objectives"]) <= 10
    assert 3 <= len(data["units"]) <= 5
    assert 15 <= len(data["kpis"]) <= 30
    labels = cycle_labels(TODAY, data["organization"]["fiscal_year_start_month"])
    for cycle in (labels["current_quarter"], labels["previous_quarter"]):
        okrs = [okr for okr in data["okrs"] if okr["cycle"] == cycle]
        assert 2 <= len(okrs) <= 4
        for okr in okrs:
            assert 2 <= len(okr["key_results"]) <= 4
    key_results = [kr for okr in data["okrs"] for kr in okr["key_results"]]
    assert sum(kr["type"] == "milestone" for kr in key_results) == 1
    assert any(kr.get("source") for kr in key_results)
    assert any(not kr.get("source") and kr["type"] != "milestone" for kr in key_results)


def test_daily_kpis_cover_two_years(simulated):
    rendered, simulation = simulated
    for kpi in rendered.data["kpis"]:
        if kpi["frequency"] == "daily" and kpi["key"] != simulation.planted["stale"]["kpi"]:
            dates = simulation.series[kpi["key"]].dates()
            assert len(dates) == WINDOW_DAYS, kpi["key"]
            assert dates[-1] == TODAY, kpi["key"]


def test_orphan_feeds_nothing(simulated):
    rendered, simulation = simulated
    feeds = kpi_feeds(rendered.data)
    orphan = simulation.planted["orphan"]
    assert feeds[orphan] == []
    assert [kpi for kpi, targets in feeds.items() if not targets] == [orphan]


def test_duplicate_pair_correlates(simulated):
    rendered, simulation = simulated
    first, second = simulation.planted["duplicate"]
    definitions = {kpi["key"]: kpi for kpi in rendered.data["kpis"]}
    for field in ("unit_of_measure", "direction", "frequency", "aggregation", "unit"):
        assert definitions[first][field] == definitions[second][field], field
    assert np.corrcoef(simulation.series[first].values, simulation.series[second].values)[0, 1] > 0.95


def test_stale_kpi_stops_sixty_days_ago(simulated):
    _rendered, simulation = simulated
    stale = simulation.series[simulation.planted["stale"]["kpi"]]
    assert stale.dates()[-1] < TODAY - dt.timedelta(days=60)
    assert stale.dates()[-1] > TODAY - dt.timedelta(days=75)


def test_truth_lists_every_link(simulated):
    rendered, simulation = simulated
    truth = organization_truth(rendered.data, simulation)
    declared = [(link["from"], link["to"]) for link in rendered.data["cause_effect"]]
    assert [(link["from"], link["to"]) for link in truth["links"]] == declared
    assert all(isinstance(link["real"], bool) for link in truth["links"])
    unsupported = [link for link in truth["links"] if not link["real"]]
    assert len(unsupported) == 1
    assert truth["weak_indicators"]["unsupported_links"] == [{"from": unsupported[0]["from"], "to": unsupported[0]["to"]}]
    assert {feed["kpi"] for feed in truth["kpi_feeds"]} == {kpi["key"] for kpi in rendered.data["kpis"]}


def lagged_correlation(cause, effect, lag):
    if lag:
        cause, effect = cause[:-lag], effect[lag:]
    return np.corrcoef(cause, effect)[0, 1]


def test_data_carries_real_links_only(simulated):
    _rendered, simulation = simulated
    for link in simulation.links:
        correlation = lagged_correlation(simulation.daily[link.cause_kpi], simulation.daily[link.effect_kpi],
                                         link.lag_days)
        if link.real:
            assert correlation * link.kpi_sign > 0.1, (link.cause, link.effect, correlation)
        else:
            assert abs(correlation) < 0.2, (link.cause, link.effect, correlation)


def test_same_seed_same_series():
    for name in SIMULATED:
        _rendered, first = run(name)
        _rendered, second = run(name)
        for key, kpi_series in first.series.items():
            assert np.array_equal(kpi_series.values, second.series[key].values), key
            assert np.array_equal(kpi_series.period_starts, second.series[key].period_starts), key


def test_other_seed_other_series():
    _rendered, first = run("industry", seed=7)
    _rendered, second = run("industry", seed=8)
    assert not np.array_equal(first.series["energy-daily"].values, second.series["energy-daily"].values)


def test_ratio_value_is_numerator_over_denominator():
    _rendered, simulation = run("industry")
    energy_per_ton = simulation.series["energy-per-ton"]
    np.testing.assert_allclose(energy_per_ton.values, energy_per_ton.numerators / energy_per_ton.denominators)
    np.testing.assert_array_equal(energy_per_ton.numerators, simulation.series["energy-daily"].values)
    np.testing.assert_array_equal(energy_per_ton.denominators, simulation.series["tons-daily"].values)


def test_truth_document_is_reproducible():
    documents = []
    for _attempt in range(2):
        organizations = {}
        for name in SIMULATED:
            rendered, simulation = run(name)
            organizations[rendered.data["organization"]["key"]] = organization_truth(rendered.data, simulation)
        documents.append(build_truth(SEED, TODAY, organizations))
    assert documents[0] == documents[1]


def test_check_ins_fall_inside_cycles(simulated):
    rendered, _simulation = simulated
    plans = plan_check_ins(rendered.data, seed=SEED, today=TODAY)
    assert plans
    labels = cycle_labels(TODAY, rendered.data["organization"]["fiscal_year_start_month"])
    key_results = {kr["key"]: okr["cycle"] for okr in rendered.data["okrs"] for kr in okr["key_results"]}
    for plan in plans:
        assert plan.measured_on <= TODAY
        assert key_results[plan.key_result] in (labels["current_quarter"], labels["previous_quarter"])
        assert 0 <= plan.confidence <= 10


def test_weekly_periods_keep_week_in_progress():
    days = np.arange(np.datetime64("2025-05-01"), np.datetime64("2025-06-01"))
    index = series.period_index(days, "weekly")
    assert [str(start) for start in index.starts] == ["2025-05-05", "2025-05-12", "2025-05-19", "2025-05-26"]
    assert list(index.stop - index.first) == [7, 7, 7, 6]
    values = np.arange(days.size, dtype=float)
    assert list(series.aggregate(values, index, "sum")) == [
        sum(range(4, 11)), sum(range(11, 18)), sum(range(18, 25)), sum(range(25, 31))]
    assert list(series.aggregate(values, index, "last")) == [10, 17, 24, 30]
    assert list(series.aggregate(values, index, "mean")) == [7, 14, 21, 27.5]


def test_monthly_periods_skip_partial_first_month():
    days = np.arange(np.datetime64("2025-01-15"), np.datetime64("2025-04-10"))
    index = series.period_index(days, "monthly")
    assert [str(start) for start in index.starts] == ["2025-02-01", "2025-03-01", "2025-04-01"]
    assert list(series.aggregate(np.ones(days.size), index, "sum")) == [28, 31, 9]


def test_week_start_moves_weeks():
    days = np.arange(np.datetime64("2025-05-04"), np.datetime64("2025-05-18"))
    index = series.period_index(days, "weekly", week_start=6)
    assert [str(start) for start in index.starts] == ["2025-05-04", "2025-05-11"]
