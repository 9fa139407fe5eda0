"""Plain-data snapshot of one organization, the input of `scoring.score_organization`.

The caller builds the snapshot with the definitions valid on the scoring
date: targets, thresholds, weights and links as they were then, and only
the check-ins and measurement revisions known by then. The engine does not
look at history itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from .aggregation import Aggregation, Kind, Prorate
from .periods import Frequency
from .progress import CheckIn, KRType
from .rollup import RollupMode
from .status import Band, Direction


@dataclass(slots=True)
class Link:
    """A weighted reference to another node, whose missing weight counts as 1."""

    key: str
    weight: float | None = None


@dataclass(slots=True)
class KpiSnapshot:
    """A KPI's definition as of the scoring date.

    `target` and `baseline` are for one period of the KPI's frequency.
    `green` and `yellow` follow `status.classify_kpi`. Values in percent are
    percent numbers (37 means 37 %).
    """

    key: str
    aggregation: Aggregation | str
    frequency: Frequency | str
    direction: Direction | str = Direction.HIGHER_IS_BETTER
    kind: Kind | str = Kind.LEVEL
    is_percent: bool = False
    target: float | None = None
    baseline: float | None = None
    green: float | Band | None = None
    yellow: float | Band | None = None
    scale_min: float | None = None
    scale_max: float | None = None
    archived: bool = False


@dataclass(slots=True)
class KeyResultSnapshot:
    """A key result of the OKR objective `objective`.

    Its current value comes from `source_kpi` aggregated over the cycle
    (with `source_aggregation`, or the KPI's own) when a source KPI is set,
    and from `checkins` otherwise.
    """

    key: str
    objective: str
    kr_type: KRType | str
    baseline: float | None = None
    target: float | None = None
    weight: float | None = None
    target_range: Band | None = None
    checkins: tuple[CheckIn, ...] = ()
    source_kpi: str | None = None
    source_aggregation: Aggregation | str | None = None
    archived: bool = False


@dataclass(slots=True)
class OkrObjectiveSnapshot:
    """An OKR objective of one cycle (`cycle_start` to `cycle_end`, inclusive).

    `strategic_objectives` and `parent_objectives` are the objectives it is
    aligned to, with the weight it carries in each.
    """

    key: str
    cycle_start: date
    cycle_end: date
    unit: str | None = None
    rollup_mode: RollupMode | str = RollupMode.MEAN
    strategic_objectives: tuple[Link, ...] = ()
    parent_objectives: tuple[Link, ...] = ()
    archived: bool = False


@dataclass(slots=True)
class StrategicObjectiveSnapshot:
    """A strategic objective, measured by its strategic KPIs and its aligned OKR objectives.

    `weight` is its weight within its perspective.
    """

    key: str
    perspective: str
    unit: str
    kpis: tuple[Link, ...] = ()
    rollup_mode: RollupMode | str = RollupMode.MEAN
    weight: float | None = None
    archived: bool = False


@dataclass(slots=True)
class OrganizationSnapshot:
    """Everything needed to score one organization.

    `measurements` has the columns of `aggregation_frames`, with ``kpi_id``
    containing `KpiSnapshot.key`. Measurements dated after the scoring date are
    ignored.

    `window_aggregates`, when set, replaces `measurements`: it contains the
    windows that `windows.plan_windows` lists for the scoring date, with the
    columns of `windows.WINDOW_SCHEMA` plus ``value`` and ``n_values`` as
    `aggregation_partials.aggregate_partials` returns them. A caller that
    aggregates in a database passes this instead of every row. It may also
    be an iterable of such frames, each with every window of some KPIs,
    which the engine reads once. The windows of the key results a KPI feeds
    may come in any part.
    """

    kpis: tuple[KpiSnapshot, ...] = ()
    key_results: tuple[KeyResultSnapshot, ...] = ()
    okr_objectives: tuple[OkrObjectiveSnapshot, ...] = ()
    strategic_objectives: tuple[StrategicObjectiveSnapshot, ...] = ()
    measurements: pl.DataFrame | None = field(default=None, compare=False)
    window_aggregates: pl.DataFrame | Iterable[pl.DataFrame] | None = field(default=None, compare=False)
    fiscal_start_month: int = 1
    week_start: int = 0
    prorate: Prorate | str = Prorate.DAYS
