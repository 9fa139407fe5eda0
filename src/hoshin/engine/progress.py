"""Key result progress, the current value from check-ins, and on/off-track status.

Progress by KR type:

- ``increase`` and ``decrease``: ``(current - baseline) / (target - baseline)``,
  one formula for both directions. The raw value can be below 0 (behind
  the baseline) or above 1 (past the target); bars and roll-ups use it
  clamped to [0, 1]. A baseline equal to the target gives no progress
  (``no_data``), never NaN, infinity or a free 100 %.
- ``maintain_above`` / ``maintain_below``: 1 while the current value is at
  or above / at or below the target, else 0.
- ``within_range``: 1 while the current value is inside the closed range
  ``(low, high)``, else 0.
- ``milestone``: 1 when done (a current value of 1 or more), else 0.

Status of a KR or an objective compares its clamped progress with the
progress expected by now, a straight line from 0 at the cycle's start to 1
at its end:

- no progress value: ``no_data``
- during the cycle: ``on_track`` when progress >= expected - 0.1 (or
  progress is 1), ``at_risk`` when progress >= expected - 0.3, else
  ``off_track``
- after the cycle has ended the result is final: ``on_track`` only when
  progress is 1, ``at_risk`` when it is at least 0.7, else ``off_track``
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from ._checks import is_finite, member, require_finite
from .errors import ValidationError
from .status import Band, Status

ON_TRACK_TOLERANCE = 0.1
AT_RISK_TOLERANCE = 0.3
FINAL_AT_RISK = 0.7


class KRType(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN_ABOVE = "maintain_above"
    MAINTAIN_BELOW = "maintain_below"
    WITHIN_RANGE = "within_range"
    MILESTONE = "milestone"


@dataclass(slots=True)
class Progress:
    """A KR's progress: `raw` as computed, `clamped` to [0, 1] for bars and roll-ups."""

    raw: float | None
    clamped: float | None


NO_PROGRESS = Progress(None, None)


@dataclass(slots=True)
class CheckIn:
    """An update of a KR: its value, the date it measures and when it was entered."""

    value: float
    measured_on: date
    entered_at: datetime
    confidence: int | None = None
    comment: str = ""


def validate_key_result(
    kr_type: KRType | str,
    baseline: float | None = None,
    target: float | None = None,
    weight: float | None = None,
    target_range: Band | None = None,
) -> None:
    """Raise `ValidationError` naming the first invalid field of a key result.

    A missing weight counts as 1, and a given one must be positive.
    """
    kr_type = member(KRType, kr_type, "type")
    if weight is not None and require_finite(weight, "weight") <= 0:
        raise ValidationError("weight", f"must be positive, got {weight!r}")

    if kr_type in (KRType.INCREASE, KRType.DECREASE):
        baseline = require_finite(baseline, "baseline")
        target = require_finite(target, "target")
        if target == baseline:
            raise ValidationError("target", f"equals the baseline ({baseline}); progress would be undefined")
        if kr_type is KRType.INCREASE and target < baseline:
            message = f"an increase KR needs a target above its baseline {baseline}, got {target}"
            raise ValidationError("target", message)
        if kr_type is KRType.DECREASE and target > baseline:
            message = f"a decrease KR needs a target below its baseline {baseline}, got {target}"
            raise ValidationError("target", message)
    elif kr_type in (KRType.MAINTAIN_ABOVE, KRType.MAINTAIN_BELOW):
        require_finite(target, "target")
    elif kr_type is KRType.WITHIN_RANGE:
        _range(target_range)


def progress(
    kr_type: KRType | str,
    current: float | None,
    baseline: float | None = None,
    target: float | None = None,
    target_range: Band | None = None,
) -> Progress:
    """Return a KR's raw and clamped progress (see the module docstring).

    Missing or non-finite inputs, and a baseline equal to the target, give
    `NO_PROGRESS` instead of an error, so stored legacy data still scores.
    """
    kr_type = member(KRType, kr_type, "type")
    if not is_finite(current):
        return NO_PROGRESS

    if kr_type is KRType.MILESTONE:
        return _binary(current >= 1)
    if kr_type is KRType.WITHIN_RANGE:
        if target_range is None or not all(is_finite(bound) for bound in target_range):
            return NO_PROGRESS
        return _binary(target_range[0] <= current <= target_range[1])
    if not is_finite(target):
        return NO_PROGRESS
    if kr_type is KRType.MAINTAIN_ABOVE:
        return _binary(current >= target)
    if kr_type is KRType.MAINTAIN_BELOW:
        return _binary(current <= target)

    if not is_finite(baseline) or baseline == target:
        return NO_PROGRESS
    raw = (current - baseline) / (target - baseline)
    if not math.isfinite(raw):
        return NO_PROGRESS
    return Progress(raw, clamp(raw))


def clamp(value: float | None) -> float | None:
    """Clamp `value` to [0, 1], turning NaN into None."""
    if value is None or math.isnan(value):
        return None
    return min(max(value, 0.0), 1.0)


def current_from_checkins(checkins: Iterable[CheckIn], as_of: date | None = None) -> CheckIn | None:
    """Return the check-in that sets a KR's current value, or None.

    The latest measured date wins, not the latest entry. Among check-ins
    measuring the same date, the one entered last wins. With `as_of`, only
    check-ins measuring a date up to `as_of` count.
    """
    eligible = [checkin for checkin in checkins if as_of is None or checkin.measured_on <= as_of]
    if not eligible:
        return None
    return max(eligible, key=lambda checkin: (checkin.measured_on, checkin.entered_at))


def validate_checkin_date(measured_on: date, cycle_start: date, cycle_end: date) -> None:
    """Raise `ValidationError` when a check-in measures a date outside its KR's cycle.

    A check-in may be entered after the cycle ended, because only the
    measured date must lie inside it.
    """
    if not cycle_start <= measured_on <= cycle_end:
        raise ValidationError(
            "measured_on",
            f"{measured_on} is outside the cycle {cycle_start} to {cycle_end}; pick a date inside the cycle",
        )


def expected_progress(cycle_start: date, cycle_end: date, as_of: date) -> float:
    """Return the progress expected at the end of `as_of`, linear in days from 0 to 1."""
    if cycle_end < cycle_start:
        raise ValidationError("cycle_end", f"cycle end {cycle_end} is before its start {cycle_start}")
    if as_of < cycle_start:
        return 0.0
    if as_of >= cycle_end:
        return 1.0
    return ((as_of - cycle_start).days + 1) / ((cycle_end - cycle_start).days + 1)


def progress_status(progress_value: float | None, expected: float, cycle_ended: bool = False) -> Status:
    """Classify clamped progress against expected progress (rule in the module docstring).

    Serves key results and objectives alike: an objective passes its score.
    """
    if progress_value is None or math.isnan(progress_value):
        return Status.NO_DATA
    if cycle_ended:
        if progress_value >= 1:
            return Status.ON_TRACK
        return Status.AT_RISK if progress_value >= FINAL_AT_RISK else Status.OFF_TRACK
    if progress_value >= 1 or progress_value >= expected - ON_TRACK_TOLERANCE:
        return Status.ON_TRACK
    if progress_value >= expected - AT_RISK_TOLERANCE:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _binary(condition: bool) -> Progress:
    value = 1.0 if condition else 0.0
    return Progress(value, value)


def _range(target_range: object) -> Band:
    if not isinstance(target_range, (tuple, list)) or len(target_range) != 2:
        raise ValidationError("target_range", f"a within-range KR needs a (low, high) range, got {target_range!r}")
    low = require_finite(target_range[0], "target_range")
    high = require_finite(target_range[1], "target_range")
    if low > high:
        raise ValidationError("target_range", f"range low {low} is above its high {high}")
    return low, high
