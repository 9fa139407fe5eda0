"""Score and status of one KPI in its current period.

A KPI's score, used by roll-ups, is the first rule that applies:

1. No value, or a value outside the declared scale: no score.
2. Attainment against the target to date, clamped to [0, 1], when the
   target is positive (see `status.attainment`).
3. Progress from baseline to target, clamped to [0, 1], when both are set
   and differ. This is how a KPI with a target of 0 or below is scored, so
   no ratio ever divides by zero or flips sign.
4. The status from the KPI's thresholds: on track 1, at risk 0.5, off
   track 0.
5. Otherwise no score.

A KPI's status comes from its thresholds when it has them. Without
thresholds its score is compared with full attainment by
`progress.progress_status`, and a KPI with neither thresholds nor a target
is ``no_data``.

For ``sum`` KPIs the target, baseline and thresholds describe a whole
period, so all three are pro-rated to the elapsed part of the current
period before they are compared with the value to date.
"""

from __future__ import annotations

from datetime import date

from ._checks import is_finite, member
from .aggregation import Aggregation, Prorate, elapsed_fraction
from .errors import ValidationError
from .periods import Period
from .progress import clamp, progress_status
from .report import ChangeRecord, KpiScore
from .snapshot import KpiSnapshot
from .status import Attainment, Direction, Status, attainment, change, classify_kpi

THRESHOLD_SCORES = {Status.ON_TRACK: 1.0, Status.AT_RISK: 0.5, Status.OFF_TRACK: 0.0}


def kpi_score(
    actual: float | None,
    target: float | None,
    baseline: float | None,
    direction: Direction | str,
    threshold_status: Status | None = None,
) -> float | None:
    """Return a KPI's score in [0, 1], or None (rules in the module docstring).

    `threshold_status` is the result of `status.classify_kpi`, or
    ``out_of_range`` for a value outside the scale of a KPI without
    thresholds, or None.
    """
    direction = member(Direction, direction, "direction")
    return _score(actual, target, baseline, direction, threshold_status, attainment(actual, target, direction))


def _score(
    actual: float | None,
    target: float | None,
    baseline: float | None,
    direction: Direction,
    threshold_status: Status | None,
    ratio: Attainment,
) -> float | None:
    """Apply the score rules of `kpi_score`, given the attainment `ratio` already computed."""
    if not is_finite(actual) or threshold_status in (Status.NO_DATA, Status.OUT_OF_RANGE):
        return None

    if ratio.value is not None:
        return clamp(ratio.value)
    if direction is not Direction.TARGET_RANGE and is_finite(baseline) and is_finite(target) and baseline != target:
        return clamp((actual - baseline) / (target - baseline))
    return THRESHOLD_SCORES.get(threshold_status)


def score_kpi(
    kpi: KpiSnapshot,
    period: Period,
    as_of: date,
    actual: float | None,
    n_values: float,
    previous: tuple[str, float] | None,
    prorate: Prorate | str = Prorate.DAYS,
) -> KpiScore:
    """Score `kpi` on `period`, the period of its frequency that contains `as_of`.

    `actual` is its value from the period's start to `as_of`, and `previous`
    the label and value of the last earlier period with data.
    """
    fraction = 1.0
    if member(Aggregation, kpi.aggregation, "aggregation") is Aggregation.SUM:
        fraction = elapsed_fraction(period.start, period.end, as_of, prorate)
    target = _scaled(kpi.target, fraction)
    baseline = _scaled(kpi.baseline, fraction)
    direction = member(Direction, kpi.direction, "direction")

    status = _threshold_status(kpi, actual, fraction)
    if status is None and _outside_scale(kpi, actual):
        status = Status.OUT_OF_RANGE
    ratio = attainment(actual, target, direction)
    score = _score(actual, target, baseline, direction, status, ratio)
    if status is None:
        status = progress_status(score, 1.0)

    return KpiScore(
        key=kpi.key,
        score=score,
        status=status,
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        actual=actual,
        target=kpi.target,
        target_to_date=target,
        attainment=ratio.value,
        attainment_reason=ratio.reason.value if ratio.reason else None,
        n_values=n_values,
        change=_change(kpi, direction, actual, previous),
    )


def _threshold_status(kpi: KpiSnapshot, actual: float | None, fraction: float) -> Status | None:
    if kpi.green is None:
        return None
    try:
        return classify_kpi(
            actual,
            kpi.direction,
            _scaled(kpi.green, fraction),
            _scaled(kpi.yellow, fraction),
            kpi.scale_min,
            kpi.scale_max,
        )
    except ValidationError as error:
        raise ValidationError(f"kpis[{kpi.key}].{error.field}", error.message) from error


def _change(
    kpi: KpiSnapshot, direction: Direction, actual: float | None, previous: tuple[str, float] | None
) -> ChangeRecord:
    if previous is None:
        return ChangeRecord()
    label, value = previous
    band = kpi.green if direction is Direction.TARGET_RANGE else None
    result = change(actual, value, direction, kpi.is_percent, band)
    return ChangeRecord(
        absolute=result.absolute,
        relative=result.relative,
        is_new=result.is_new,
        percentage_points=result.percentage_points,
        improving=result.improving,
        previous_period=label,
        previous_value=value,
    )


def _outside_scale(kpi: KpiSnapshot, actual: float | None) -> bool:
    if not is_finite(actual):
        return False
    below = kpi.scale_min is not None and actual < kpi.scale_min
    above = kpi.scale_max is not None and actual > kpi.scale_max
    return below or above


def _scaled(value, fraction: float):
    """Multiply a number, or each end of a band, by `fraction`, keeping None as None."""
    if value is None or fraction == 1.0:
        return value
    if isinstance(value, (tuple, list)):
        return tuple(_scaled(bound, fraction) for bound in value)
    return value * fraction
