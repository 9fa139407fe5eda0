"""Roll-up of scores along the graph, children first.

A node with child links (archived children included) is scored from its
children; a node without any is a leaf and keeps its own score. A node may
have several parents. Each parent's mode defines how its children combine:

- ``mean`` (the default) and ``weighted``: the weighted mean of the
  children's scores clamped to [0, 1]. Both names compute the same thing,
  and with every weight at its default of 1 it is the plain mean.
- ``sum``: children in the same unit of measure add up to the parent's
  target, so the score is ``sum(actual) / sum(target)`` over children with
  both numbers, clamped to [0, 1]; a total target of 0 or less gives no
  score. This assumes actuals grow towards the targets. Weights are
  ignored.
- ``min``: the weakest child's score. Weights are ignored.

Archived children are left out and not counted. A child without a score
is left out, the rest are renormalised, and `children_with_data` says how
many were used. A parent with no child data has score None (``no_data``),
never 0 and never NaN.

Each node may also carry the progress expected of it by now (see
`progress.expected_progress`); a parent's expected value is the weighted
mean over the children it used, in every mode, so its status can compare
like with like.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from ._checks import is_finite, member
from .errors import CycleError, ValidationError


class RollupMode(StrEnum):
    MEAN = "mean"
    WEIGHTED = "weighted"
    SUM = "sum"
    MIN = "min"


@dataclass(slots=True)
class Node:
    """A node of the graph.

    `score` is used only when the node has no children. `actual` and
    `target` feed parents in ``sum`` mode.
    """

    key: Hashable
    score: float | None = None
    mode: RollupMode | str = RollupMode.MEAN
    actual: float | None = None
    target: float | None = None
    expected: float | None = None
    archived: bool = False


@dataclass(slots=True)
class Edge:
    """A link from `parent` to `child`, whose missing weight counts as 1."""

    parent: Hashable
    child: Hashable
    weight: float | None = None


@dataclass(slots=True)
class RollupResult:
    key: Hashable
    score: float | None
    children_with_data: int
    children: int
    actual: float | None = None
    target: float | None = None
    expected: float | None = None


def roll_up(nodes: Iterable[Node], edges: Iterable[Edge]) -> dict[Hashable, RollupResult]:
    """Score every node, children before parents.

    Raises `CycleError` naming the nodes of a cycle, and `ValidationError`
    for a non-positive weight, a repeated link or a link to an unknown node.
    """
    by_key = {node.key: node for node in nodes}
    children = _children_by_parent(by_key, edges)
    results: dict[Hashable, RollupResult] = {}
    for key in topological_order(by_key, children):
        node = by_key[key]
        if key in children:
            live = [(results[child], weight) for child, weight in children[key] if not by_key[child].archived]
            results[key] = _combine(node, live)
        else:
            results[key] = _leaf(node)
    return results


def topological_order(
    keys: Iterable[Hashable], children: dict[Hashable, list[tuple[Hashable, float]]]
) -> list[Hashable]:
    """Return `keys` with every node after all of its children (Kahn's algorithm)."""
    keys = list(keys)
    parents: dict[Hashable, list[Hashable]] = {}
    waiting = {}
    for parent, links in children.items():
        waiting[parent] = len(links)
        for child, _ in links:
            parents.setdefault(child, []).append(parent)

    ready = deque(key for key in keys if waiting.get(key, 0) == 0)
    order = []
    while ready:
        key = ready.popleft()
        order.append(key)
        for parent in parents.get(key, ()):
            waiting[parent] -= 1
            if waiting[parent] == 0:
                ready.append(parent)

    if len(order) < len(keys):
        raise CycleError(_find_cycle(set(keys) - set(order), children))
    return order


def _children_by_parent(
    by_key: dict[Hashable, Node], edges: Iterable[Edge]
) -> dict[Hashable, list[tuple[Hashable, float]]]:
    children: dict[Hashable, list[tuple[Hashable, float]]] = {}
    seen = set()
    for edge in edges:
        for end in (edge.parent, edge.child):
            if end not in by_key:
                raise ValidationError("edges", f"link {edge.parent!r} -> {edge.child!r} refers to unknown node {end!r}")
        if (edge.parent, edge.child) in seen:
            raise ValidationError("edges", f"link {edge.parent!r} -> {edge.child!r} appears more than once")
        seen.add((edge.parent, edge.child))
        children.setdefault(edge.parent, []).append((edge.child, _weight(edge)))
    return children


def _weight(edge: Edge) -> float:
    if edge.weight is None:
        return 1.0
    if not is_finite(edge.weight) or edge.weight <= 0:
        raise ValidationError(
            "weight", f"link {edge.parent!r} -> {edge.child!r} has weight {edge.weight!r}, but weights must be positive"
        )
    return float(edge.weight)


def _find_cycle(stuck: set[Hashable], children: dict[Hashable, list[tuple[Hashable, float]]]) -> list[Hashable]:
    """Follow children among `stuck` nodes until one repeats.

    Every node Kahn's algorithm could not order has a child that is also
    stuck, so the walk always closes a cycle.
    """
    path: list[Hashable] = []
    position: dict[Hashable, int] = {}
    key = min(stuck, key=repr)
    while key not in position:
        position[key] = len(path)
        path.append(key)
        key = next(child for child, _ in children[key] if child in stuck)
    return [*path[position[key]:], key]


def _leaf(node: Node) -> RollupResult:
    score = _clamp(node.score)
    actual = node.actual if is_finite(node.actual) else None
    target = node.target if is_finite(node.target) else None
    expected = node.expected if is_finite(node.expected) else None
    return RollupResult(node.key, score, 0, 0, actual, target, expected)


def _combine(node: Node, live: list[tuple[RollupResult, float]]) -> RollupResult:
    mode = member(RollupMode, node.mode, "mode")
    if mode is RollupMode.SUM:
        used = [(child, weight) for child, weight in live if child.actual is not None and child.target is not None]
    else:
        used = [(child, weight) for child, weight in live if child.score is not None]

    score = actual = target = None
    if used and mode is RollupMode.SUM:
        actual = math.fsum(child.actual for child, _ in used)
        target = math.fsum(child.target for child, _ in used)
        score = _clamp(actual / target) if target > 0 else None
    elif used and mode is RollupMode.MIN:
        score = min(child.score for child, _ in used)
    elif used:
        score = _clamp(_weighted_mean((child.score, weight) for child, weight in used))

    expected = _weighted_mean((child.expected, weight) for child, weight in used if child.expected is not None)
    return RollupResult(node.key, score, len(used), len(live), actual, target, expected)


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    pairs = list(pairs)
    if not pairs:
        return None
    # Scaling by the largest weight keeps the sums finite for any finite weights.
    largest = max(weight for _, weight in pairs)
    total_weight = math.fsum(weight / largest for _, weight in pairs)
    return math.fsum(value * (weight / largest) for value, weight in pairs) / total_weight


def _clamp(value: float | None) -> float | None:
    """Clamp to [0, 1], with infinities going to the nearest end and NaN to None."""
    if value is None or math.isnan(value):
        return None
    return min(max(float(value), 0.0), 1.0)
