"""Rescore only what one new value affects.

`ScoringState` keeps a full score together with its roll-up graph. After
a new measurement of one KPI, or a new check-in of one key result,
`rescore_kpi` and `rescore_key_result` score that leaf again from its own
data and recompute only its ancestors, children before parents, with the
same rules as `scoring.score_organization`. Everything else is reused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

import polars as pl

from .report import ScoreReport
from .rollup import Node, RollupResult, _children_by_parent, _combine, _leaf, roll_up, topological_order
from .scoring import _cycle_position, _graph, _index, _objective_score, score_organization
from .snapshot import OrganizationSnapshot
from .progress import CheckIn


@dataclass
class ScoringState:
    snapshot: OrganizationSnapshot
    as_of: date
    report: ScoreReport
    nodes: dict[Hashable, Node]
    children: dict[Hashable, list[tuple[Hashable, float]]]
    parents: dict[Hashable, list[Hashable]]
    rolled: dict[Hashable, RollupResult]
    index: dict[str, dict]


def score_with_state(snapshot: OrganizationSnapshot, as_of: date) -> ScoringState:
    """Score `snapshot` fully and keep the graph for later partial rescoring."""
    report = score_organization(snapshot, as_of)
    objectives = _index(snapshot.okr_objectives, "okr_objectives")
    node_list, edges = _graph(snapshot, report.kpis, report.key_results, objectives, as_of)
    nodes = {node.key: node for node in node_list}
    children = _children_by_parent(nodes, edges)
    parents: dict[Hashable, list[Hashable]] = {}
    for parent, links in children.items():
        for child, _weight in links:
            parents.setdefault(child, []).append(parent)
    sourced: dict[str, list] = {}
    for kr in snapshot.key_results:
        if kr.source_kpi:
            sourced.setdefault(kr.source_kpi, []).append(kr)
    index = {
        "kpis": {kpi.key: kpi for kpi in snapshot.kpis},
        "key_results": {kr.key: kr for kr in snapshot.key_results},
        "okr_objectives": objectives,
        "sourced_by_kpi": sourced,
    }
    return ScoringState(snapshot, as_of, report, nodes, children, parents, roll_up(node_list, edges), index)


def rescore_kpi(state: ScoringState, kpi_key: str, measurements: pl.DataFrame) -> list[Hashable]:
    """Rescore KPI `kpi_key` from `measurements` (all of its rows) and everything above it.

    Returns the keys of the graph nodes recomputed, leaves included.
    """
    kpi = state.index["kpis"][kpi_key]
    sourced = tuple(state.index["sourced_by_kpi"].get(kpi_key, ()))
    partial = _partial_report(state, kpis=(kpi,), key_results=sourced, measurements=measurements)

    state.report.kpis[kpi_key] = partial.kpis[kpi_key]
    changed = []
    if f"kpi:{kpi_key}" in state.nodes:  # only KPIs linked to a strategic objective are graph nodes
        changed.append(_update_leaf(state, f"kpi:{kpi_key}", partial.kpis[kpi_key].score,
                                    partial.kpis[kpi_key].actual, partial.kpis[kpi_key].target_to_date))
    for kr in sourced:
        changed.append(_replace_key_result(state, kr, partial))
    return changed + _roll_up_ancestors(state, changed)


def rescore_key_result(state: ScoringState, kr_key: str, checkins: Iterable[CheckIn]) -> list[Hashable]:
    """Rescore key result `kr_key`, which has no source KPI, from its check-ins and everything above it."""
    kr = dataclasses.replace(state.index["key_results"][kr_key], checkins=tuple(checkins))
    partial = _partial_report(state, kpis=(), key_results=(kr,), measurements=None)
    changed = [_replace_key_result(state, kr, partial)]
    return changed + _roll_up_ancestors(state, changed)


def _partial_report(state: ScoringState, *, kpis, key_results, measurements) -> ScoreReport:
    """Score just these KPIs and key results, with their objectives cut loose from the rest of the graph."""
    wanted = {kr.objective for kr in key_results}
    objectives = tuple(
        dataclasses.replace(state.index["okr_objectives"][key], strategic_objectives=(), parent_objectives=())
        for key in sorted(wanted)
    )
    sources = {kr.source_kpi for kr in key_results if kr.source_kpi} - {kpi.key for kpi in kpis}
    kpis = tuple(kpis) + tuple(state.index["kpis"][key] for key in sorted(sources))
    snapshot = dataclasses.replace(
        state.snapshot, kpis=kpis, key_results=tuple(key_results), okr_objectives=objectives,
        strategic_objectives=(), measurements=measurements, window_aggregates=None,
    )
    return score_organization(snapshot, state.as_of)


def _replace_key_result(state: ScoringState, kr, partial: ScoreReport) -> Hashable:
    score = partial.key_results[kr.key]
    state.report.key_results[kr.key] = score
    return _update_leaf(state, f"kr:{kr.key}", score.score, score.current, kr.target)


def _update_leaf(state: ScoringState, key: Hashable, score, actual, target) -> Hashable:
    node = dataclasses.replace(state.nodes[key], score=score, actual=actual, target=target)
    state.nodes[key] = node
    state.rolled[key] = _leaf(node)
    return key


def _roll_up_ancestors(state: ScoringState, changed: list[Hashable]) -> list[Hashable]:
    ancestors: set[Hashable] = set()
    stack = list(changed)
    while stack:
        for parent in state.parents.get(stack.pop(), ()):
            if parent not in ancestors:
                ancestors.add(parent)
                stack.append(parent)
    local_children = {key: [(c, w) for c, w in state.children[key] if c in ancestors] for key in ancestors}
    order = topological_order(ancestors, {k: v for k, v in local_children.items() if v})
    for key in order:
        node = state.nodes[key]
        live = [(state.rolled[child], weight) for child, weight in state.children[key] if not state.nodes[child].archived]
        state.rolled[key] = _combine(node, live)
        _publish(state, key)
    return order


def _publish(state: ScoringState, node_key: str) -> None:
    """Copy a recomputed node into the report, as `score_organization` would have written it."""
    kind, key = node_key.split(":", 1)
    result = state.rolled[node_key]
    if kind == "okr":
        objective = state.index["okr_objectives"][key]
        state.report.okr_objectives[key] = _objective_score(result, key, *_cycle_position(objective, state.as_of))
        return
    target = {"so": state.report.strategic_objectives, "perspective": state.report.perspectives,
              "scorecard": state.report.scorecards}[kind]
    expected = result.expected if result.expected is not None else 1.0
    target[key] = _objective_score(result, key, expected, False)
