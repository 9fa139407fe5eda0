"""KPI status from thresholds, attainment against a target, and change between periods."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from ._checks import is_finite, member, require_finite
from .errors import ValidationError

Band = tuple[float, float]
"""A closed range ``(low, high)`` of values."""

K = TypeVar("K")


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    OUT_OF_RANGE = "out_of_range"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    TARGET_RANGE = "target_range"


class NoAttainment(StrEnum):
    """Reason a KPI has no attainment value."""

    MISSING_ACTUAL = "missing_actual"
    MISSING_TARGET = "missing_target"
    TARGET_NOT_POSITIVE = "target_not_positive"
    TARGET_RANGE = "target_range"
    RATIO_OVERFLOW = "ratio_overflow"  # the target is so close to 0 that actual / target is infinite


@dataclass(slots=True)
class Attainment:
    """Actual against target as a ratio (1.0 = on target), or the reason there is none."""

    value: float | None
    reason: NoAttainment | None = None


@dataclass(slots=True)
class Change:
    """Change of a KPI's value from an older period to a newer one.

    `relative` is None and `is_new` True when the old value is 0 (or too
    close to 0 for a finite ratio).
    `percentage_points` equals `absolute` for KPIs measured in percent and
    is None otherwise. `improving` is None when the value did not move or
    the direction cannot decide it.
    """

    absolute: float | None
    relative: float | None
    is_new: bool
    percentage_points: float | None
    improving: bool | None


NO_CHANGE = Change(None, None, False, None, None)


def classify_kpi(
    value: float | None,
    direction: Direction | str,
    green: float | Band,
    yellow: float | Band | None = None,
    scale_min: float | None = None,
    scale_max: float | None = None,
) -> Status:
    """Classify a KPI value against its thresholds.

    For ``higher_is_better`` `green` and `yellow` are the lowest values of
    each band (value >= green is on track, value >= yellow at risk); for
    ``lower_is_better`` they are the highest (value <= green is on track).
    For ``target_range`` both are ``(low, high)`` bands and the yellow band
    contains the green one. Bounds are inclusive on the good side, so with
    green >= 90 and yellow >= 80 exactly 80 is at risk and 90 on track.
    `yellow` None means there is no at-risk band.

    A value outside the declared scale is ``out_of_range`` rather than the
    nearest band; a missing or non-finite value is ``no_data``.
    """
    direction = member(Direction, direction, "direction")
    validate_thresholds(direction, green, yellow, scale_min, scale_max)
    if not is_finite(value):
        return Status.NO_DATA
    if (scale_min is not None and value < scale_min) or (scale_max is not None and value > scale_max):
        return Status.OUT_OF_RANGE

    if direction is Direction.TARGET_RANGE:
        if green[0] <= value <= green[1]:
            return Status.ON_TRACK
        if yellow is not None and yellow[0] <= value <= yellow[1]:
            return Status.AT_RISK
        return Status.OFF_TRACK

    sign = 1 if direction is Direction.HIGHER_IS_BETTER else -1
    if sign * value >= sign * green:
        return Status.ON_TRACK
    if yellow is not None and sign * value >= sign * yellow:
        return Status.AT_RISK
    return Status.OFF_TRACK


def validate_thresholds(
    direction: Direction | str,
    green: float | Band,
    yellow: float | Band | None = None,
    scale_min: float | None = None,
    scale_max: float | None = None,
) -> None:
    """Raise `ValidationError` unless the thresholds fit the direction and each other."""
    direction = member(Direction, direction, "direction")
    if scale_min is not None and scale_max is not None:
        if require_finite(scale_min, "scale_min") > require_finite(scale_max, "scale_max"):
            raise ValidationError("scale_max", f"scale maximum {scale_max} is below scale minimum {scale_min}")

    if direction is Direction.TARGET_RANGE:
        green_low, green_high = _band(green, "green")
        if yellow is not None:
            yellow_low, yellow_high = _band(yellow, "yellow")
            if not yellow_low <= green_low <= green_high <= yellow_high:
                raise ValidationError("yellow", f"yellow band {yellow} must contain green band {green}")
        return

    green_value = require_finite(green, "green")
    if yellow is None:
        return
    yellow_value = require_finite(yellow, "yellow")
    if direction is Direction.HIGHER_IS_BETTER and yellow_value > green_value:
        message = f"yellow {yellow_value} is above green {green_value} for a higher-is-better KPI"
        raise ValidationError("yellow", message)
    if direction is Direction.LOWER_IS_BETTER and yellow_value < green_value:
        message = f"yellow {yellow_value} is below green {green_value} for a lower-is-better KPI"
        raise ValidationError("yellow", message)


def attainment(actual: float | None, target: float | None, direction: Direction | str) -> Attainment:
    """Return actual against target: ``actual / target`` when higher is better, ``2 - actual / target`` when lower is.

    Defined only for a positive target, because dividing by a target of 0
    fails and a negative one flips the sign, and only while the ratio is
    finite. Such KPIs are scored from baseline-to-target progress or
    thresholds instead.
    """
    direction = member(Direction, direction, "direction")
    if direction is Direction.TARGET_RANGE:
        return Attainment(None, NoAttainment.TARGET_RANGE)
    if not is_finite(actual):
        return Attainment(None, NoAttainment.MISSING_ACTUAL)
    if not is_finite(target):
        return Attainment(None, NoAttainment.MISSING_TARGET)
    if target <= 0:
        return Attainment(None, NoAttainment.TARGET_NOT_POSITIVE)

    ratio = actual / target
    if not math.isfinite(ratio):
        return Attainment(None, NoAttainment.RATIO_OVERFLOW)
    return Attainment(ratio if direction is Direction.HIGHER_IS_BETTER else 2 - ratio)


def change(
    new: float | None,
    old: float | None,
    direction: Direction | str,
    is_percent: bool = False,
    target_band: Band | None = None,
) -> Change:
    """Compare a KPI's newer value with an older one.

    Absolute change is ``new - old`` and relative change is
    ``(new - old) / |old|``. A change from 0, or from a value so close to 0
    that the ratio overflows, has no relative value and is reported as new.
    Whether it is an improvement follows the direction.
    For ``target_range`` it is an improvement when the value gets closer to
    `target_band`, and None without a band.
    """
    direction = member(Direction, direction, "direction")
    if not is_finite(new) or not is_finite(old):
        return NO_CHANGE

    absolute = new - old
    relative = absolute / abs(old) if old != 0 else None
    if relative is not None and not math.isfinite(relative):
        relative = None
    return Change(
        absolute=absolute,
        relative=relative,
        is_new=relative is None,
        percentage_points=absolute if is_percent else None,
        improving=_improving(new, old, direction, target_band),
    )


def previous_with_data(series: Iterable[tuple[K, float | None]], before: K) -> tuple[K, float] | None:
    """Return the last ``(period, value)`` before `before` that has a value.

    Periods without a finite value are skipped, so the caller can say which
    period a change is measured against. `series` may be in any order.
    """
    candidates = [(period, value) for period, value in series if period < before and is_finite(value)]
    if not candidates:
        return None
    return max(candidates, key=lambda item: item[0])


def _improving(new: float, old: float, direction: Direction, target_band: Band | None) -> bool | None:
    if direction is Direction.TARGET_RANGE:
        if target_band is None:
            return None
        low, high = target_band
        gain = _distance(old, low, high) - _distance(new, low, high)
    elif direction is Direction.HIGHER_IS_BETTER:
        gain = new - old
    else:
        gain = old - new
    if gain == 0:
        return None
    return gain > 0


def _distance(value: float, low: float, high: float) -> float:
    return max(low - value, 0.0, value - high)


def _band(band: object, field: str) -> Band:
    if not isinstance(band, (tuple, list)) or len(band) != 2:
        raise ValidationError(field, f"a target-range KPI needs a (low, high) band, got {band!r}")
    low = require_finite(band[0], field)
    high = require_finite(band[1], field)
    if low > high:
        raise ValidationError(field, f"band low {low} is above its high {high}")
    return low, high
