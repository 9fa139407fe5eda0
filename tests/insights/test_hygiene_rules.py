"""Each hygiene rule on a minimal organization that triggers it and on one that does not."""

import datetime as dt

import pytest

from hoshin.engine.insights.hygiene import (
    Facts, KeyResultFacts, KpiFacts, Limits, OkrObjectiveFacts, StrategicObjectiveFacts, check, inflation,
)
from hoshin.engine.insights.redundancy import Pair

AS_OF = dt.date(2026, 2, 15)
Q1 = {"cycle": "2026-Q1", "cycle_start": dt.date(2026, 1, 1), "cycle_end": dt.date(2026, 3, 31)}
Q4 = {"cycle": "2025-Q4", "cycle_start": dt.date(2025, 10, 1), "cycle_end": dt.date(2025, 12, 31)}


def healthy(**changes) -> Facts:
    """One objective measured by one KPI, served by one aligned OKR whose key result that KPI feeds."""
    values = {
        "kpis": (KpiFacts("sales", "company", strategic_objectives=("grow",), key_results=("kr",)),),
        "strategic_objectives": (StrategicObjectiveFacts("grow", "company", kpis=("sales",), current_okrs=("okr",)),),
        "okr_objectives": (OkrObjectiveFacts("okr", "company", alignments=1, **Q1),),
        "key_results": (KeyResultFacts("kr", "okr", Q1["cycle_start"], Q1["cycle_end"], source_kpi="sales"),),
    }
    values.update(changes)
    return Facts(**values)


def codes(facts: Facts, limits: Limits = Limits()) -> list[str]:
    return [finding.code for finding in check(facts, AS_OF, limits)]


def test_healthy_organization_has_no_findings():
    assert codes(healthy()) == []


def test_objective_without_current_okr():
    facts = healthy(strategic_objectives=(StrategicObjectiveFacts("grow", "company", kpis=("sales",)),))

    assert codes(facts) == ["objective_without_okr"]


def test_objective_without_any_kpi():
    bare = StrategicObjectiveFacts("grow", "company", current_okrs=("okr",))
    through_okr = StrategicObjectiveFacts("grow", "company", current_okrs=("okr",), kpis_through_okrs=("sales",))

    assert codes(healthy(strategic_objectives=(bare,))) == ["objective_without_kpi"]
    assert codes(healthy(strategic_objectives=(through_okr,))) == []


def test_okr_aligned_to_nothing():
    unaligned = OkrObjectiveFacts("okr", "company", alignments=0, **Q1)
    past = OkrObjectiveFacts("okr", "company", alignments=0, **Q4)

    assert codes(healthy(okr_objectives=(unaligned,))) == ["okr_not_aligned"]
    assert codes(healthy(okr_objectives=(past,))) == []


@pytest.mark.parametrize(("last_check_in", "expected"), [
    (None, ["key_result_without_data"]),
    (dt.date(2026, 1, 20), ["key_result_without_data"]),
    (dt.date(2026, 2, 10), []),
])
def test_manual_key_result_needs_check_ins(last_check_in, expected):
    kr = KeyResultFacts("kr", "okr", Q1["cycle_start"], Q1["cycle_end"], last_check_in=last_check_in)
    kpi = KpiFacts("sales", "company", strategic_objectives=("grow",))

    assert codes(healthy(kpis=(kpi,), key_results=(kr,))) == expected


def test_check_in_cadence_is_a_limit():
    kr = KeyResultFacts("kr", "okr", Q1["cycle_start"], Q1["cycle_end"], last_check_in=dt.date(2026, 1, 20))
    kpi = KpiFacts("sales", "company", strategic_objectives=("grow",))

    assert codes(healthy(kpis=(kpi,), key_results=(kr,)), Limits(check_in_cadence_days=30)) == []


def test_orphan_kpi():
    orphan = KpiFacts("footfall", "company")

    assert codes(healthy(kpis=(*healthy().kpis, orphan))) == ["kpi_orphan"]


def test_kpi_feeding_a_past_key_result_is_no_orphan():
    past_feed = KpiFacts("footfall", "company", key_results=("old-kr",))

    assert codes(healthy(kpis=(*healthy().kpis, past_feed))) == []


def test_stale_kpi():
    stale = KpiFacts("sales", "company", strategic_objectives=("grow",), key_results=("kr",), stale=True,
                     last_period="2025-12")

    findings = check(healthy(kpis=(stale,)), AS_OF)

    assert [finding.code for finding in findings] == ["kpi_stale"]
    assert findings[0].params == {"last_period": "2025-12"}


@pytest.mark.parametrize(("thresholds", "target", "expected"), [
    (False, False, [("kpi_unscorable", "error")]),
    (False, True, [("kpi_without_thresholds", "warning")]),
    (True, False, [("kpi_without_target", "info")]),
    (True, True, []),
])
def test_thresholds_and_targets(thresholds, target, expected):
    kpi = KpiFacts("sales", "company", strategic_objectives=("grow",), key_results=("kr",),
                   has_thresholds=thresholds, has_target=target)

    assert [(finding.code, finding.severity) for finding in check(healthy(kpis=(kpi,)), AS_OF)] == expected


def test_too_many_objectives_per_unit_and_cycle():
    okrs = tuple(OkrObjectiveFacts(f"okr-{n}", "company", alignments=1, **Q1) for n in range(3))

    assert codes(healthy(okr_objectives=okrs), Limits(objectives_per_unit_cycle=2)) == ["too_many_objectives"]
    assert codes(healthy(okr_objectives=okrs), Limits(objectives_per_unit_cycle=3)) == []


def test_too_many_key_results_per_objective():
    krs = tuple(KeyResultFacts(f"kr-{n}", "okr", Q1["cycle_start"], Q1["cycle_end"], source_kpi="sales")
                for n in range(3))

    assert codes(healthy(key_results=krs), Limits(key_results_per_objective=2)) == ["too_many_key_results"]
    assert codes(healthy(key_results=krs), Limits(key_results_per_objective=3)) == []


def test_too_many_kpis_per_objective():
    kpis = tuple(KpiFacts(f"k{n}", "company", strategic_objectives=("grow",)) for n in range(3))
    objective = StrategicObjectiveFacts("grow", "company", kpis=tuple(kpi.key for kpi in kpis), current_okrs=("okr",))
    facts = healthy(kpis=kpis, strategic_objectives=(objective,))

    assert codes(facts, Limits(kpis_per_objective=2)) == ["too_many_kpis_per_objective"]
    assert codes(facts, Limits(kpis_per_objective=3)) == []


def test_too_many_kpis_per_unit():
    kpis = tuple(KpiFacts(f"k{n}", "ops", strategic_objectives=("grow",)) for n in range(4))

    assert codes(healthy(kpis=kpis), Limits(kpis_per_unit=3)) == ["too_many_kpis_per_unit"]
    assert codes(healthy(kpis=kpis), Limits(kpis_per_unit=4)) == []


def test_duplicate_suggests_keeping_the_kpi_that_feeds_more():
    meter = KpiFacts("meter", "company")
    pair = Pair("meter", "sales", "series", correlation=0.99, shared_periods=700)

    findings = check(healthy(kpis=(*healthy().kpis, meter), duplicates=(pair,)), AS_OF)

    duplicates = [finding for finding in findings if finding.code == "kpi_duplicate"]
    assert [(finding.key, finding.params["keep"]) for finding in duplicates] == [("meter", "sales")]


def test_inflation_counts_orphans_and_duplicates_once():
    kpis = (*healthy().kpis, KpiFacts("meter", "company", key_results=("kr2",)), KpiFacts("footfall", "company"))
    pair = Pair("meter", "sales", "definition", similarity=1.0)

    total, units = inflation(healthy(kpis=kpis, duplicates=(pair,)))

    assert (total.total, total.orphans, total.duplicates) == (3, 1, 1)
    assert total.index == pytest.approx(2 / 3)
    assert units["company"].index == pytest.approx(2 / 3)


def test_inflation_of_healthy_organization_is_zero():
    total, _units = inflation(healthy())

    assert total.index == 0
