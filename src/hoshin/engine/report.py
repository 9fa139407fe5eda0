"""Output records of `scoring.score_organization`.

Every record has `key`, `score` (in [0, 1], or None for no data),
`status`, `children_with_data` and `children`. Leaves (KPIs and key
results) have no children, so both counts are 0. Numbers keep full
precision; rounding is for display only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from .status import Status


@dataclass(slots=True)
class ChangeRecord:
    """Change of a KPI's value against the last earlier period with data.

    `previous_period` is that period's label, or None when there is none.
    """

    absolute: float | None = None
    relative: float | None = None
    is_new: bool = False
    percentage_points: float | None = None
    improving: bool | None = None
    previous_period: str | None = None
    previous_value: float | None = None


@dataclass(slots=True)
class KpiScore:
    """A KPI scored on its current period: the period of its frequency that contains the scoring date.

    `actual` is the value from the period's start to the scoring date, and
    `target_to_date` the part of `target` due by then.
    """

    key: str
    score: float | None
    status: Status
    period: str
    period_start: date
    period_end: date
    actual: float | None
    target: float | None
    target_to_date: float | None
    attainment: float | None
    attainment_reason: str | None
    n_values: float
    change: ChangeRecord = field(default_factory=ChangeRecord)
    children_with_data: int = 0
    children: int = 0


@dataclass(slots=True)
class KeyResultScore:
    """A key result: `progress_raw` as computed, `progress` clamped to [0, 1] (equal to `score`)."""

    key: str
    score: float | None
    status: Status
    current: float | None
    current_measured_on: date | None
    progress_raw: float | None
    progress: float | None
    expected_progress: float
    children_with_data: int = 0
    children: int = 0


@dataclass(slots=True)
class ObjectiveScore:
    """An OKR objective, strategic objective, perspective or scorecard.

    `expected_progress` is the progress its status is measured against.
    """

    key: str
    score: float | None
    status: Status
    children_with_data: int
    children: int
    expected_progress: float | None


@dataclass(slots=True)
class ScoreReport:
    """Scores of one organization as of `as_of`, each kind keyed by its key.

    Perspectives are keyed ``unit/perspective`` and scorecards by unit.
    """

    as_of: date
    kpis: dict[str, KpiScore]
    key_results: dict[str, KeyResultScore]
    okr_objectives: dict[str, ObjectiveScore]
    strategic_objectives: dict[str, ObjectiveScore]
    perspectives: dict[str, ObjectiveScore]
    scorecards: dict[str, ObjectiveScore]

    def to_json(self) -> dict:
        """Return the report as plain dicts, lists, strings, numbers, booleans and None."""
        return _plain(self)


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value
