"""Root-cause ranking in the engine, and `hoshin explain` with its page on the demo."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoshin.engine.insights.attribution import MAX_GAP, Contributor, attribute


def test_weight_times_gap_orders_contributors():
    contributors = [
        Contributor("kpi", "big-gap", 0.25, 0.2),
        Contributor("kpi", "heavy", 0.75, 0.7),
        Contributor("kpi", "on-target", 0.5, 1.0),
    ]

    ranked = attribute(contributors, None)

    assert [entry.key for entry in ranked] == ["heavy", "big-gap", "on-target"]
    assert ranked[0].contribution == pytest.approx(0.75 * 0.3)
    assert ranked[2].contribution == 0
    assert sum(entry.fraction for entry in ranked) == pytest.approx(1)


def test_evidence_scales_contribution():
    supported = Contributor("key_result", "a", 0.5, 0.0, expected=0.5, verdict="supported")
    contradicted = Contributor("key_result", "b", 0.5, 0.0, expected=0.5, verdict="contradicted")

    ranked = {entry.key: entry for entry in attribute([supported, contradicted], None)}

    assert ranked["a"].contribution == pytest.approx(0.25)
    assert ranked["b"].contribution == pytest.approx(0.25 * 0.25)


def test_raw_progress_below_baseline_weighs_more():
    far = Contributor("key_result", "far", 0.5, 0.0, expected=0.5, raw=-2.0)
    near = Contributor("key_result", "near", 0.5, 0.0, expected=0.5, raw=-0.1)
    absurd = Contributor("key_result", "absurd", 0.5, 0.0, expected=0.5, raw=-100.0)

    ranked = {entry.key: entry for entry in attribute([far, near, absurd], None)}

    assert ranked["far"].gap == pytest.approx(2.5)
    assert ranked["near"].gap == pytest.approx(0.6)
    assert ranked["absurd"].gap == MAX_GAP


def test_primary_kpi_passes_shortfall_to_supported_driver():
    contributors = [
        Contributor("kpi", "outcome", 0.5, 0.4),
        Contributor("key_result", "kr-driver", 0.25, 0.0, expected=0.6, verdict="supported", correlation=0.6,
                    kpi="driver"),
        Contributor("key_result", "kr-fine", 0.25, 0.6, expected=0.6, verdict="supported", correlation=0.9,
                    kpi="fine"),
    ]

    ranked = attribute(contributors, "outcome")

    assert [entry.key for entry in ranked] == ["driver", "outcome", "fine"]
    driver = ranked[0]
    assert driver.key_results == ["kr-driver"]
    assert driver.passed_on == pytest.approx(0.5 * 0.6 * 0.6 * 0.6)
    assert ranked[2].contribution == 0


def test_contributors_without_data_are_left_out():
    ranked = attribute([Contributor("kpi", "none", 0.5, None), Contributor("kpi", "some", 0.5, 0.5)], None)

    assert ranked[0].key == "some"
    assert ranked[1].gap is None
    assert ranked[1].contribution == 0


@pytest.mark.django_db
def test_explain_command_and_page(client, industry_demo):
    from django.contrib.auth import get_user_model

    output = io.StringIO()
    call_command("explain", "industry", "improve-energy-efficiency", "--as-of", "2025-05-20", "--json", stdout=output)
    client.force_login(get_user_model().objects.get(username="industry-viewer"))
    page = client.get("/o/industry/objectives/improve-energy-efficiency/explain?as_of=2025-05-20")

    document = json.loads(output.getvalue())
    assert document["objective"]["key"] == "improve-energy-efficiency"
    assert document["primary_kpi"] == "energy-per-ton"
    kinds = {(item["kind"], item["key"]) for item in document["contributors"]}
    assert ("kpi", "energy-per-ton") in kinds
    assert ("strategic_objective", "build-energy-skills") in kinds
    assert [item["rank"] for item in document["contributors"]] == list(range(1, len(document["contributors"]) + 1))
    assert page.status_code == 200
    assert "Use less energy per ton of steel" in page.content.decode()


@pytest.mark.django_db
def test_explain_unknown_objective_fails(industry_demo):
    with pytest.raises(CommandError, match="not found"):
        call_command("explain", "industry", "no-such-objective", stdout=io.StringIO())


def test_explain_fault_ranks_faulty_kpi_first():
    import sys
    from pathlib import Path

    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from evidence_bench import explain_rank

    rng = np.random.default_rng(11)

    hits = sum(explain_rank(rng) for _ in range(10))

    assert hits >= 8
