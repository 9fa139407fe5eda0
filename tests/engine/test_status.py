"""KPI status from thresholds, attainment and change between periods."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoshin.engine.errors import ValidationError
from hoshin.engine.status import (
    NoAttainment,
    Status,
    attainment,
    change,
    classify_kpi,
    previous_with_data,
)

HIGHER = "higher_is_better"
LOWER = "lower_is_better"
RANGE = "target_range"


@pytest.mark.parametrize(
    ("value", "direction", "green", "yellow", "expected"),
    [
        (90, HIGHER, 90, 80, Status.ON_TRACK),
        (89.999, HIGHER, 90, 80, Status.AT_RISK),
        (80, HIGHER, 90, 80, Status.AT_RISK),
        (79.9, HIGHER, 90, 80, Status.OFF_TRACK),
        (20, LOWER, 20, 30, Status.ON_TRACK),
        (25, LOWER, 20, 30, Status.AT_RISK),
        (30, LOWER, 20, 30, Status.AT_RISK),
        (31, LOWER, 20, 30, Status.OFF_TRACK),
        (50, RANGE, (40, 60), (30, 70), Status.ON_TRACK),
        (40, RANGE, (40, 60), (30, 70), Status.ON_TRACK),
        (60, RANGE, (40, 60), (30, 70), Status.ON_TRACK),
        (35, RANGE, (40, 60), (30, 70), Status.AT_RISK),
        (70, RANGE, (40, 60), (30, 70), Status.AT_RISK),
        (71, RANGE, (40, 60), (30, 70), Status.OFF_TRACK),
        (29, RANGE, (40, 60), (30, 70), Status.OFF_TRACK),
        (85, HIGHER, 90, None, Status.OFF_TRACK),
        (35, RANGE, (40, 60), None, Status.OFF_TRACK),
        (-5, HIGHER, 0, -10, Status.AT_RISK),
    ],
)
def test_classify_kpi(value, direction, green, yellow, expected):
    assert classify_kpi(value, direction, green, yellow) == expected


def test_thresholds_belong_to_each_kpi():
    assert classify_kpi(80, HIGHER, green=90, yellow=80) == Status.AT_RISK
    assert classify_kpi(80, HIGHER, green=70, yellow=60) == Status.ON_TRACK


@pytest.mark.parametrize("value", [120, -0.1])
def test_value_outside_scale_is_out_of_range(value):
    assert classify_kpi(value, HIGHER, 90, 80, scale_min=0, scale_max=100) == Status.OUT_OF_RANGE


@pytest.mark.parametrize("value", [0, 100])
def test_scale_bounds_are_inside(value):
    assert classify_kpi(value, HIGHER, 90, 80, scale_min=0, scale_max=100) != Status.OUT_OF_RANGE


@pytest.mark.parametrize("value", [None, float("nan"), float("inf")])
def test_missing_value_is_no_data(value):
    assert classify_kpi(value, HIGHER, 90, 80) == Status.NO_DATA


@pytest.mark.parametrize(
    ("direction", "green", "yellow", "scale", "field"),
    [
        (HIGHER, 80, 90, (None, None), "yellow"),
        (LOWER, 30, 20, (None, None), "yellow"),
        (RANGE, (40, 60), (45, 70), (None, None), "yellow"),
        (RANGE, (60, 40), None, (None, None), "green"),
        (RANGE, 50, None, (None, None), "green"),
        (HIGHER, float("nan"), None, (None, None), "green"),
        (HIGHER, 90, 80, (100, 0), "scale_max"),
        ("sideways", 90, 80, (None, None), "direction"),
    ],
)
def test_invalid_thresholds_are_rejected(direction, green, yellow, scale, field):
    with pytest.raises(ValidationError) as error:
        classify_kpi(50, direction, green, yellow, *scale)

    assert error.value.field == field


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (8.2, 7.5, LOWER, 0.9067),
        (5.5, 7.5, LOWER, 1.2667),
        (8.2, 7.5, HIGHER, 1.0933),
        (5.5, 7.5, HIGHER, 0.7333),
        (7.5, 7.5, LOWER, 1.0),
    ],
)
def test_attainment(actual, target, direction, expected):
    result = attainment(actual, target, direction)

    assert round(result.value, 4) == expected
    assert result.reason is None


@pytest.mark.parametrize(
    ("actual", "target", "direction", "reason"),
    [
        (5, 0, HIGHER, NoAttainment.TARGET_NOT_POSITIVE),
        (5, -3, LOWER, NoAttainment.TARGET_NOT_POSITIVE),
        (None, 10, HIGHER, NoAttainment.MISSING_ACTUAL),
        (5, None, HIGHER, NoAttainment.MISSING_TARGET),
        (5, 10, RANGE, NoAttainment.TARGET_RANGE),
        (1e10, 1e-300, HIGHER, NoAttainment.RATIO_OVERFLOW),
    ],
)
def test_attainment_without_positive_target(actual, target, direction, reason):
    result = attainment(actual, target, direction)

    assert result.value is None
    assert result.reason == reason


@pytest.mark.parametrize(
    ("direction", "steps", "expected"),
    [
        (LOWER, [(1000, 900), (900, 950)], [True, False]),
        (HIGHER, [(1000, 900), (900, 950)], [False, True]),
    ],
)
def test_improvement_follows_direction(direction, steps, expected):
    assert [change(new, old, direction).improving for old, new in steps] == expected


def test_change_in_percentage_points():
    result = change(49, 48, HIGHER, is_percent=True)

    assert result.percentage_points == pytest.approx(1.0)
    assert result.absolute == pytest.approx(1.0)
    assert round(result.relative, 4) == 0.0208


def test_change_absolute_and_relative():
    result = change(6.0, 6.375, HIGHER)

    assert result.absolute == pytest.approx(-0.375)
    assert round(result.relative, 4) == -0.0588
    assert result.percentage_points is None


def test_change_from_zero_is_new():
    result = change(5, 0, HIGHER)

    assert result.is_new is True
    assert result.relative is None
    assert result.absolute == 5


def test_change_from_negative_uses_magnitude():
    result = change(-50, -100, HIGHER)

    assert result.relative == pytest.approx(0.5)
    assert result.improving is True


def test_unchanged_value_is_neither_better_nor_worse():
    assert change(5, 5, HIGHER).improving is None


def test_change_towards_range_improves():
    assert change(45, 30, RANGE, target_band=(40, 60)).improving is True
    assert change(75, 62, RANGE, target_band=(40, 60)).improving is False
    assert change(45, 30, RANGE).improving is None


def test_change_without_value():
    result = change(None, 5, HIGHER)

    assert result.absolute is None
    assert result.improving is None


def test_previous_period_skips_periods_without_data():
    series = [("2026-W01", 10.0), ("2026-W02", 12.0), ("2026-W03", None), ("2026-W04", 15.0)]

    assert previous_with_data(series, "2026-W04") == ("2026-W02", 12.0)
    assert previous_with_data(series, "2026-W02") == ("2026-W01", 10.0)
    assert previous_with_data(series, "2026-W01") is None


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(new=finite, old=finite, is_percent=st.booleans())
def test_change_never_returns_nan(new, old, is_percent):
    for direction in (HIGHER, LOWER):
        result = change(new, old, direction, is_percent)

        assert math.isfinite(result.absolute)
        assert result.relative is None or math.isfinite(result.relative)


@given(new=finite, old=finite)
def test_directions_mirror_improvement(new, old):
    higher = change(new, old, HIGHER).improving
    lower = change(new, old, LOWER).improving

    assert higher is None if lower is None else higher is (not lower)
