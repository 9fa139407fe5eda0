"""Metric hygiene: findings about the shape of an organization's graph, and its metric-inflation index.

The caller gathers `Facts` (plain data about objectives, key results and
KPIs, including which KPIs are stale) and `check` returns `Finding`s. A
finding names its rule with a stable `code`, its `severity`, the object
(`kind` and `key`) and the numbers its message needs (`params`); the
wording and its translations live with the caller, keyed by code.

Rules, by code:

- `objective_without_okr`: a strategic objective that no OKR objective of
  the current cycle serves, directly or through a parent OKR objective.
- `objective_without_kpi`: a strategic objective with no KPI at all, neither
  its own nor one feeding a key result of an OKR objective that serves it.
- `okr_not_aligned`: a current or future OKR objective aligned to nothing.
- `key_result_without_data`: a key result of a running cycle with no source
  KPI and no check-in for longer than the check-in cadence.
- `kpi_orphan`: a KPI that measures no strategic objective and feeds no key result.
- `kpi_stale`: a KPI whose next period is overdue.
- `kpi_unscorable` (error): a KPI with neither thresholds nor a target, so
  it can have no status; `kpi_without_thresholds` and `kpi_without_target`
  when only one of the two is missing.
- `too_many_objectives`, `too_many_key_results`,
  `too_many_kpis_per_objective`, `too_many_kpis_per_unit`: above the
  organization's limits.
- `kpi_duplicate`: two KPIs with near-identical definitions or series
  (see `redundancy`); the finding is on the one suggested for retirement
  and names the one to keep.

The metric-inflation index of a set of KPIs is the share that feed
nothing or duplicate another KPI.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .redundancy import Pair

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Limits:
    """The most of each thing an organization wants, and the check-in cadence of manual key results."""

    objectives_per_unit_cycle: int = 5
    key_results_per_objective: int = 5
    kpis_per_objective: int = 4
    kpis_per_unit: int = 15
    check_in_cadence_days: int = 14


@dataclass(frozen=True)
class KpiFacts:
    key: str
    unit: str
    has_thresholds: bool = True
    has_target: bool = True
    stale: bool = False
    last_period: str | None = None
    strategic_objectives: tuple[str, ...] = ()
    key_results: tuple[str, ...] = ()
    first_period_start: date | None = None


@dataclass(frozen=True)
class StrategicObjectiveFacts:
    key: str
    unit: str
    kpis: tuple[str, ...] = ()
    current_okrs: tuple[str, ...] = ()
    kpis_through_okrs: tuple[str, ...] = ()


@dataclass(frozen=True)
class OkrObjectiveFacts:
    key: str
    unit: str
    cycle: str
    cycle_start: date
    cycle_end: date
    alignments: int = 0


@dataclass(frozen=True)
class KeyResultFacts:
    key: str
    objective: str
    cycle_start: date
    cycle_end: date
    source_kpi: str | None = None
    last_check_in: date | None = None


@dataclass(frozen=True)
class Facts:
    kpis: tuple[KpiFacts, ...] = ()
    strategic_objectives: tuple[StrategicObjectiveFacts, ...] = ()
    okr_objectives: tuple[OkrObjectiveFacts, ...] = ()
    key_results: tuple[KeyResultFacts, ...] = ()
    duplicates: tuple[Pair, ...] = ()


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    kind: str
    key: str
    params: dict = field(default_factory=dict)


def check(facts: Facts, as_of: date, limits: Limits = Limits()) -> list[Finding]:
    """Return every finding for `facts` as of `as_of`, errors first, then by kind and key."""
    findings = [
        *_strategic_findings(facts, limits),
        *_okr_findings(facts, as_of, limits),
        *_kpi_findings(facts, limits),
        *_duplicate_findings(facts),
    ]
    order = {severity: index for index, severity in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda finding: (order[finding.severity], finding.code, finding.kind, finding.key))


def _strategic_findings(facts: Facts, limits: Limits) -> list[Finding]:
    findings = []
    for objective in facts.strategic_objectives:
        if not objective.current_okrs:
            findings.append(Finding("objective_without_okr", WARNING, "strategic_objective", objective.key))
        if not objective.kpis and not objective.kpis_through_okrs:
            findings.append(Finding("objective_without_kpi", WARNING, "strategic_objective", objective.key))
        if len(objective.kpis) > limits.kpis_per_objective:
            findings.append(Finding("too_many_kpis_per_objective", WARNING, "strategic_objective", objective.key,
                                    {"count": len(objective.kpis), "limit": limits.kpis_per_objective}))
    return findings


def _okr_findings(facts: Facts, as_of: date, limits: Limits) -> list[Finding]:
    findings = []
    live = [okr for okr in facts.okr_objectives if okr.cycle_end >= as_of]
    for okr in live:
        if okr.alignments == 0:
            findings.append(Finding("okr_not_aligned", WARNING, "okr_objective", okr.key))

    per_unit_cycle = Counter((okr.unit, okr.cycle) for okr in live)
    for (unit, cycle), count in sorted(per_unit_cycle.items()):
        if count > limits.objectives_per_unit_cycle:
            findings.append(Finding("too_many_objectives", WARNING, "unit", unit,
                                    {"cycle": cycle, "count": count, "limit": limits.objectives_per_unit_cycle}))

    live_keys = {okr.key for okr in live}
    per_objective = Counter(kr.objective for kr in facts.key_results if kr.objective in live_keys)
    for objective, count in sorted(per_objective.items()):
        if count > limits.key_results_per_objective:
            findings.append(Finding("too_many_key_results", WARNING, "okr_objective", objective,
                                    {"count": count, "limit": limits.key_results_per_objective}))

    for kr in facts.key_results:
        if kr.source_kpi is not None or not kr.cycle_start <= as_of <= kr.cycle_end:
            continue
        since = kr.last_check_in or kr.cycle_start
        days = (as_of - since).days
        if days > limits.check_in_cadence_days:
            findings.append(Finding("key_result_without_data", WARNING, "key_result", kr.key,
                                    {"days": days, "cadence": limits.check_in_cadence_days,
                                     "last_check_in": kr.last_check_in.isoformat() if kr.last_check_in else None}))
    return findings


def _kpi_findings(facts: Facts, limits: Limits) -> list[Finding]:
    findings = []
    for kpi in facts.kpis:
        if not kpi.strategic_objectives and not kpi.key_results:
            findings.append(Finding("kpi_orphan", WARNING, "kpi", kpi.key))
        if kpi.stale:
            findings.append(Finding("kpi_stale", WARNING, "kpi", kpi.key, {"last_period": kpi.last_period}))
        if not kpi.has_thresholds and not kpi.has_target:
            findings.append(Finding("kpi_unscorable", ERROR, "kpi", kpi.key))
        elif not kpi.has_thresholds:
            findings.append(Finding("kpi_without_thresholds", WARNING, "kpi", kpi.key))
        elif not kpi.has_target:
            findings.append(Finding("kpi_without_target", INFO, "kpi", kpi.key))

    per_unit = Counter(kpi.unit for kpi in facts.kpis)
    for unit, count in sorted(per_unit.items()):
        if count > limits.kpis_per_unit:
            findings.append(Finding("too_many_kpis_per_unit", WARNING, "unit", unit,
                                    {"count": count, "limit": limits.kpis_per_unit}))
    return findings


def _duplicate_findings(facts: Facts) -> list[Finding]:
    findings = []
    for retire, keep, pair in retirements(facts):
        params = {"keep": keep, "reason": pair.reason}
        if pair.reason == "series":
            params.update(correlation=pair.correlation, shared_periods=pair.shared_periods)
        else:
            params.update(similarity=pair.similarity)
        findings.append(Finding("kpi_duplicate", WARNING, "kpi", retire, params))
    return findings


def retirements(facts: Facts) -> list[tuple[str, str, Pair]]:
    """Return (KPI to retire, KPI to keep, pair) for each redundant pair, one finding per KPI to retire.

    The KPI kept is the one that feeds more (strategic objectives and key
    results together), then the one with the longer history, then the
    first by key.
    """
    kpis = {kpi.key: kpi for kpi in facts.kpis}

    def merit(key: str) -> tuple:
        kpi = kpis.get(key)
        if kpi is None:
            return (0, 0, key)
        history = -kpi.first_period_start.toordinal() if kpi.first_period_start else -date.max.toordinal()
        return (-(len(kpi.strategic_objectives) + len(kpi.key_results)), history, key)

    chosen: dict[str, tuple[str, str, Pair]] = {}
    for pair in sorted(facts.duplicates, key=lambda pair: (pair.reason != "series", pair.first, pair.second)):
        keep, retire = sorted((pair.first, pair.second), key=merit)
        chosen.setdefault(retire, (retire, keep, pair))
    return list(chosen.values())


@dataclass(frozen=True)
class Inflation:
    """The metric-inflation index of a set of KPIs: `inflated` of `total` feed nothing or duplicate another."""

    total: int
    orphans: int
    duplicates: int

    @property
    def inflated(self) -> int:
        return self.orphans + self.duplicates

    @property
    def index(self) -> float | None:
        return self.inflated / self.total if self.total else None


def inflation(facts: Facts, *, feeding: set[str] | None = None, existing: set[str] | None = None
              ) -> tuple[Inflation, dict[str, Inflation]]:
    """Return the organization's index and each unit's.

    `feeding` overrides which KPIs count as feeding something, and
    `existing` which KPIs count at all; both serve the index of a past
    cycle (`inflation_by_cycle`).
    """
    retired = {retire for retire, _keep, _pair in retirements(facts)}
    if feeding is None:
        feeding = {kpi.key for kpi in facts.kpis if kpi.strategic_objectives or kpi.key_results}
    counts: dict[str, list[int]] = {}
    for kpi in facts.kpis:
        if existing is not None and kpi.key not in existing:
            continue
        row = counts.setdefault(kpi.unit, [0, 0, 0])
        row[0] += 1
        if kpi.key not in feeding:
            row[1] += 1
        elif kpi.key in retired:
            row[2] += 1
    units = {unit: Inflation(*row) for unit, row in sorted(counts.items())}
    total = Inflation(*(sum(row[i] for row in counts.values()) for i in range(3)))
    return total, units


@dataclass(frozen=True)
class CycleWindow:
    key: str
    start: date
    end: date


def inflation_by_cycle(facts: Facts, cycles: list[CycleWindow]) -> list[tuple[CycleWindow, Inflation]]:
    """Return the organization's index at the end of each cycle, oldest first.

    At a cycle's end a KPI exists once its first period has started, and
    feeds something when it measures a strategic objective or feeds a key
    result of a cycle that had started by then. Strategic KPIs count as
    they are today.
    """
    cycle_start = {kr.key: kr.cycle_start for kr in facts.key_results}
    result = []
    for cycle in sorted(cycles, key=lambda cycle: (cycle.end, cycle.key)):
        existing = {kpi.key for kpi in facts.kpis if kpi.first_period_start is None or kpi.first_period_start <= cycle.end}
        feeding = {
            kpi.key for kpi in facts.kpis
            if kpi.strategic_objectives or any(cycle_start.get(kr, date.max) <= cycle.end for kr in kpi.key_results)
        }
        total, _units = inflation(facts, feeding=feeding, existing=existing)
        result.append((cycle, total))
    return result
