"""Key result progress, check-ins, expected progress and status."""

import math
from datetime import date, datetime, timezone

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from hoshin.engine.errors import ValidationError
from hoshin.engine.progress import (
    NO_PROGRESS,
    CheckIn,
    current_from_checkins,
    expected_progress,
    progress,
    progress_status,
    validate_checkin_date,
    validate_key_result,
)
from hoshin.engine.status import Status


@pytest.mark.parametrize(
    ("kr_type", "baseline", "target", "current", "raw", "clamped"),
    [
        ("decrease", 200, 0, 100, 0.5, 0.5),
        ("decrease", 10, 0, 7, 0.3, 0.3),
        ("decrease", 200, 0, 0, 1.0, 1.0),
        ("decrease", 200, 100, 150, 0.5, 0.5),
        ("decrease", 1000, 500, 900, 0.2, 0.2),
        ("decrease", 1000, 500, 950, 0.1, 0.1),
        ("decrease", 10, 0, -10, 2.0, 1.0),
        ("decrease", 10, 0, 12, -0.2, 0.0),
        ("decrease", -5, -20, -11, 0.4, 0.4),
        ("increase", 0, 100, 50, 0.5, 0.5),
        ("increase", 20, 40, 15, -0.25, 0.0),
        ("increase", 0, 100, 130, 1.3, 1.0),
        ("increase", 0, 10, 5.9, 0.59, 0.59),
        ("increase", 8, 20, 8, 0.0, 0.0),
        ("increase", 0, 60, 37, 0.6166666666666667, 0.6166666666666667),
        ("increase", -20, -5, -11, 0.6, 0.6),
    ],
)
def test_increase_and_decrease_share_one_formula(kr_type, baseline, target, current, raw, clamped):
    result = progress(kr_type, current, baseline, target)

    assert result.raw == pytest.approx(raw)
    assert result.clamped == pytest.approx(clamped)


def test_progress_keeps_full_precision():
    result = progress("increase", 1, 0, 3)

    assert result.raw == 1 / 3
    assert f"{result.raw:.1%}" == "33.3%"


def test_same_check_in_against_changed_target():
    assert progress("increase", 60, 0, 100).raw == pytest.approx(0.6)
    assert progress("increase", 60, 0, 80).raw == pytest.approx(0.75)


@pytest.mark.parametrize("current", [5, 4, 6])
def test_baseline_equal_to_target_has_no_progress(current):
    assert progress("increase", current, 5, 5) == NO_PROGRESS
    assert progress("decrease", current, 5, 5) == NO_PROGRESS


@pytest.mark.parametrize(
    ("kr_type", "current", "target", "target_range", "expected"),
    [
        ("maintain_above", 95, 90, None, 1.0),
        ("maintain_above", 90, 90, None, 1.0),
        ("maintain_above", 89, 90, None, 0.0),
        ("maintain_below", 2, 3, None, 1.0),
        ("maintain_below", 3, 3, None, 1.0),
        ("maintain_below", 3.5, 3, None, 0.0),
        ("within_range", 40, None, (40, 60), 1.0),
        ("within_range", 60, None, (40, 60), 1.0),
        ("within_range", 39.9, None, (40, 60), 0.0),
        ("within_range", 60.1, None, (40, 60), 0.0),
        ("milestone", 1, None, None, 1.0),
        ("milestone", 0, None, None, 0.0),
    ],
)
def test_binary_key_results(kr_type, current, target, target_range, expected):
    result = progress(kr_type, current, target=target, target_range=target_range)

    assert result.raw == expected
    assert result.clamped == expected


@pytest.mark.parametrize(
    ("kr_type", "current", "baseline", "target", "target_range"),
    [
        ("increase", None, 0, 10, None),
        ("increase", float("nan"), 0, 10, None),
        ("increase", 5, None, 10, None),
        ("maintain_above", 5, None, None, None),
        ("within_range", 5, None, None, None),
        ("within_range", 5, None, None, (float("nan"), 3)),
        ("milestone", None, None, None, None),
    ],
)
def test_missing_inputs_give_no_progress(kr_type, current, baseline, target, target_range):
    assert progress(kr_type, current, baseline, target, target_range) == NO_PROGRESS


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"kr_type": "increase", "baseline": 5, "target": 5}, "target"),
        ({"kr_type": "decrease", "baseline": 5, "target": 5}, "target"),
        ({"kr_type": "increase", "baseline": 40, "target": 20}, "target"),
        ({"kr_type": "decrease", "baseline": 0, "target": 10}, "target"),
        ({"kr_type": "increase", "baseline": float("nan"), "target": 10}, "baseline"),
        ({"kr_type": "increase", "baseline": 0, "target": float("inf")}, "target"),
        ({"kr_type": "increase", "baseline": None, "target": 10}, "baseline"),
        ({"kr_type": "increase", "baseline": 0, "target": 10, "weight": 0}, "weight"),
        ({"kr_type": "increase", "baseline": 0, "target": 10, "weight": -1}, "weight"),
        ({"kr_type": "milestone", "weight": float("nan")}, "weight"),
        ({"kr_type": "maintain_above", "target": None}, "target"),
        ({"kr_type": "within_range", "target_range": (60, 40)}, "target_range"),
        ({"kr_type": "within_range", "target_range": None}, "target_range"),
        ({"kr_type": "grow"}, "type"),
    ],
)
def test_invalid_key_result_is_rejected(arguments, field):
    with pytest.raises(ValidationError) as error:
        validate_key_result(**arguments)

    assert error.value.field == field


@pytest.mark.parametrize(
    "arguments",
    [
        {"kr_type": "increase", "baseline": 0, "target": 10, "weight": 3},
        {"kr_type": "decrease", "baseline": 200, "target": 0},
        {"kr_type": "maintain_below", "target": 3},
        {"kr_type": "within_range", "target_range": (40, 60)},
        {"kr_type": "milestone"},
    ],
)
def test_valid_key_result_passes(arguments):
    validate_key_result(**arguments)


def entered(month, day):
    return datetime(2025, month, day, 9, 0, tzinfo=timezone.utc)


LATE_CHECK_INS = [
    CheckIn(40, date(2025, 3, 20), entered(3, 20)),
    CheckIn(55, date(2025, 3, 31), entered(4, 3)),
    CheckIn(60, date(2025, 3, 10), entered(4, 4)),
]


def test_latest_measured_date_wins():
    assert current_from_checkins(LATE_CHECK_INS).value == 55


def test_same_measured_date_latest_entry_wins():
    checkins = [CheckIn(10, date(2025, 3, 31), entered(4, 2)), CheckIn(12, date(2025, 3, 31), entered(4, 1))]

    assert current_from_checkins(checkins).value == 10


def test_check_ins_after_as_of_are_ignored():
    assert current_from_checkins(LATE_CHECK_INS, as_of=date(2025, 3, 25)).value == 40
    assert current_from_checkins(LATE_CHECK_INS, as_of=date(2025, 3, 1)) is None


def test_check_in_outside_cycle_is_rejected():
    with pytest.raises(ValidationError) as error:
        validate_checkin_date(date(2025, 4, 5), date(2025, 1, 1), date(2025, 3, 31))

    assert error.value.field == "measured_on"


def test_late_entry_inside_cycle_is_accepted():
    validate_checkin_date(date(2025, 3, 31), date(2025, 1, 1), date(2025, 3, 31))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2025, 12, 31), 0.0),
        (date(2026, 1, 1), 1 / 90),
        (date(2026, 2, 14), 45 / 90),
        (date(2026, 3, 31), 1.0),
        (date(2026, 5, 1), 1.0),
    ],
)
def test_expected_progress_is_linear_in_days(as_of, expected):
    assert expected_progress(date(2026, 1, 1), date(2026, 3, 31), as_of) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected", "ended", "status"),
    [
        (None, 0.5, False, Status.NO_DATA),
        (0.4, 0.5, False, Status.ON_TRACK),
        (0.39, 0.5, False, Status.AT_RISK),
        (0.2, 0.5, False, Status.AT_RISK),
        (0.19, 0.5, False, Status.OFF_TRACK),
        (0.0, 0.5, False, Status.OFF_TRACK),
        (1.0, 1.0, False, Status.ON_TRACK),
        (0.0, 0.05, False, Status.ON_TRACK),
        (1.0, 1.0, True, Status.ON_TRACK),
        (0.95, 1.0, True, Status.AT_RISK),
        (0.7, 1.0, True, Status.AT_RISK),
        (0.69, 1.0, True, Status.OFF_TRACK),
        (None, 1.0, True, Status.NO_DATA),
    ],
)
def test_progress_status(value, expected, ended, status):
    assert progress_status(value, expected, ended) == status


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(baseline=finite, target=finite, low=finite, high=finite)
@example(baseline=0.0, target=2.225073858507203e-309, low=0.0, high=1.0)
def test_progress_is_monotone_in_good_direction(baseline, target, low, high):
    assume(baseline != target)
    low, high = sorted((low, high))
    kr_type = "increase" if target > baseline else "decrease"
    worse, better = (low, high) if target > baseline else (high, low)
    worse_progress = progress(kr_type, worse, baseline, target).clamped
    better_progress = progress(kr_type, better, baseline, target).clamped
    # A baseline and target so close that the ratio overflows give no progress by design.
    assume(worse_progress is not None and better_progress is not None)

    assert worse_progress <= better_progress


@given(baseline=finite, target=finite, current=finite)
def test_swapping_direction_mirrors_progress(baseline, target, current):
    assume(baseline != target)
    increase = progress("increase", current, baseline, target)
    mirrored = progress("decrease", -current, -baseline, -target)

    assert mirrored.raw == pytest.approx(increase.raw)
    assert mirrored.clamped == pytest.approx(increase.clamped)
    assert progress("maintain_above", current, target=target) == progress("maintain_below", -current, target=-target)


@given(
    kr_type=st.sampled_from(["increase", "decrease", "maintain_above", "maintain_below", "within_range", "milestone"]),
    current=finite,
    baseline=finite,
    target=finite,
    weight=finite,
    bounds=st.tuples(finite, finite),
)
def test_finite_inputs_never_give_nan(kr_type, current, baseline, target, weight, bounds):
    result = progress(kr_type, current, baseline, target, bounds)

    assert result.raw is None or math.isfinite(result.raw)
    assert result.clamped is None or 0.0 <= result.clamped <= 1.0
    try:
        validate_key_result(kr_type, baseline, target, weight, bounds)
    except ValidationError as error:
        assert error.field in {"baseline", "target", "weight", "target_range"}
