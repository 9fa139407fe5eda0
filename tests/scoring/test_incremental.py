import datetime as dt

import pytest

from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services
from hoshin.scoring import incremental
from hoshin.scoring.service import score_organization


@pytest.fixture
def chain(org):
    today = dt.date.today()
    cycle = org_services.cycle_for_label(None, org, f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    company, team = org.units.get(key="company"), org.units.get(key="t1")
    loyalty = org_services.create_strategic_objective(
        None, org, key="loyalty", name="Loyalty", perspective=org.perspectives.get(key="customer"), unit=company)
    okr = okr_services.create_okr_objective(None, org, key="okr", name="OKR", unit=team, cycle=cycle)
    okr_services.set_alignments(None, okr, strategic=[loyalty])
    energy = kpi_services.create_kpi(None, org, key="energy", name="Energy", unit=team, frequency="daily",
                                     aggregation="mean", kind="level", green=90, yellow=80)
    fed = okr_services.create_key_result(None, okr, key="fed", name="Fed", kr_type="increase", baseline=0, target=100,
                                         source_kpi=energy)
    manual = okr_services.create_key_result(None, okr, key="manual", name="Manual", kr_type="increase", baseline=0,
                                            target=10)
    kpi_services.record_measurement(None, energy, day=cycle.start, value=40)
    okr_services.record_check_in(None, manual, measured_on=cycle.start, value=2)
    return {"energy": energy, "fed": fed, "manual": manual, "cycle": cycle, "today": today}


def _same_scores(cache, org, as_of):
    fresh = score_organization(org, as_of).to_json()
    cached = cache.result.to_json()
    for kind in ("kpis", "key_results", "okr_objectives", "strategic_objectives", "perspectives", "scorecards"):
        assert sorted(cached[kind], key=lambda r: r["key"]) == sorted(fresh[kind], key=lambda r: r["key"]), kind


def test_rescore_after_measurement_matches_full(org, chain):
    cache = incremental.ScoreCache.build(org, chain["today"])

    recomputed = incremental.rescore_after_measurement(cache, chain["energy"], day=chain["cycle"].start, value=80)

    assert recomputed >= 4
    assert cache.state.report.key_results["fed"].progress == pytest.approx(0.8)
    _same_scores(cache, org, chain["today"])


def test_rescore_after_check_in_matches_full(org, chain):
    cache = incremental.ScoreCache.build(org, chain["today"])

    incremental.rescore_after_check_in(cache, chain["manual"], measured_on=chain["today"], value=9)

    assert cache.state.report.key_results["manual"].progress == pytest.approx(0.9)
    _same_scores(cache, org, chain["today"])
