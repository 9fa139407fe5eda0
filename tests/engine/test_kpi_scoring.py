"""Score of one KPI from its value, target, baseline and thresholds."""

import json
import math
from datetime import date, datetime, timezone

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoshin.engine.errors import EngineError
from hoshin.engine.kpi_scoring import kpi_score
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


@pytest.mark.parametrize(
    ("actual", "target", "baseline", "direction", "threshold_status", "expected"),
    [
        (None, 10, None, "higher_is_better", None, None),
        (120, 100, None, "higher_is_better", Status.OUT_OF_RANGE, None),
        (80, 100, None, "higher_is_better", Status.AT_RISK, 0.8),
        (120, 100, None, "higher_is_better", None, 1.0),
        (250, 100, None, "lower_is_better", None, 0.0),
        (5, 0, 20, "lower_is_better", None, 0.75),
        (-5, -10, 0, "higher_is_better", None, 0.5),
        (5, 0, None, "lower_is_better", Status.AT_RISK, 0.5),
        (5, -1, None, "higher_is_better", Status.OFF_TRACK, 0.0),
        (50, 50, None, "target_range", Status.ON_TRACK, 1.0),
        (5, None, None, "higher_is_better", None, None),
    ],
)
def test_kpi_score_rules(actual, target, baseline, direction, threshold_status, expected):
    assert kpi_score(actual, target, baseline, direction, threshold_status) == expected


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
optional = st.one_of(st.none(), finite)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(finite, min_size=0, max_size=4),
    target=optional,
    baseline=optional,
    thresholds=st.tuples(finite, finite),
    direction=st.sampled_from(["higher_is_better", "lower_is_better"]),
    aggregation=st.sampled_from(["sum", "mean", "last", "min", "max"]),
    kind=st.sampled_from(["count", "level"]),
    key_result=st.tuples(finite, finite, finite, st.one_of(st.none(), finite)),
    mode=st.sampled_from(["mean", "weighted", "sum", "min"]),
)
def test_finite_organization_never_yields_nan(
    values, target, baseline, thresholds, direction, aggregation, kind, key_result, mode
):
    green, yellow = sorted(thresholds, reverse=direction == "higher_is_better")
    kpi = KpiSnapshot(
        "kpi", aggregation, "weekly", direction, kind, target=target, baseline=baseline, green=green, yellow=yellow
    )
    kr_baseline, kr_target, current, weight = key_result
    checkin = CheckIn(current, date(2026, 2, 1), datetime(2026, 2, 1, tzinfo=timezone.utc))
    key_results = (
        KeyResultSnapshot("manual", "objective", "increase", kr_baseline, kr_target, weight, checkins=(checkin,)),
        KeyResultSnapshot("fed", "objective", "decrease", kr_baseline, kr_target, source_kpi="kpi"),
    )
    objective = OkrObjectiveSnapshot(
        "objective", date(2026, 1, 1), date(2026, 3, 31), rollup_mode=mode, strategic_objectives=(Link("strategy"),)
    )
    strategy = StrategicObjectiveSnapshot("strategy", "financial", "company", kpis=(Link("kpi"),), rollup_mode=mode)
    days = [date(2026, 1, 5 + 7 * index) for index in range(len(values))]
    data = pl.DataFrame({"kpi_id": ["kpi"] * len(values), "day": days, "value": values})
    snapshot = OrganizationSnapshot((kpi,), key_results, (objective,), (strategy,), measurements=data)

    try:
        report = score_organization(snapshot, date(2026, 2, 1))
    except EngineError:
        return

    text = json.dumps(report.to_json(), allow_nan=False)
    assert "NaN" not in text
    for record in [*report.kpis.values(), *report.key_results.values(), *report.strategic_objectives.values()]:
        assert record.score is None or 0.0 <= record.score <= 1.0
    for record in report.key_results.values():
        assert record.progress_raw is None or math.isfinite(record.progress_raw)
