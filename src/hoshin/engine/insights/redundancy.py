"""Redundant KPIs: near-identical definitions, or series that move together once their trend is removed.

Two definitions are near-identical when they share unit of measure,
frequency and direction, and the words of one name are, up to
`NAME_OVERLAP`, among the words of the other ("Daily energy consumption"
and "Daily energy consumption (utility meter)").

Two series are redundant when, on the periods both have and after trend
and seasonality are removed (`series.residuals`), their correlation is at
least `threshold` in absolute value over at least `min_shared` periods.
All pairs of one frequency come from one set of matrix products, so the
cost grows with the number of KPIs squared, not with a Python loop per pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .series import Series, residuals, to_grid

NAME_OVERLAP = 0.8
# Words that say nothing about what a KPI measures.
STOP_WORDS = frozenset({"a", "an", "the", "of", "per", "in", "on", "by", "and", "for", "to", "de", "da", "do", "del",
                        "la", "el", "e", "y", "por"})


@dataclass(frozen=True)
class Definition:
    key: str
    name: str
    unit_of_measure: str
    frequency: str
    direction: str


@dataclass(frozen=True)
class Pair:
    """Two redundant KPIs. `correlation` and `shared_periods` are set for series, `similarity` for definitions."""

    first: str
    second: str
    reason: str
    similarity: float | None = None
    correlation: float | None = None
    shared_periods: int | None = None


def name_words(name: str) -> frozenset[str]:
    return frozenset(word for word in re.findall(r"\w+", name.casefold()) if word not in STOP_WORDS)


def similar_definitions(definitions: list[Definition], overlap: float = NAME_OVERLAP) -> list[Pair]:
    """Return the pairs of KPIs whose definitions are near-identical."""
    groups: dict[tuple, list[Definition]] = {}
    for definition in definitions:
        group = (definition.unit_of_measure.strip().casefold(), definition.frequency, definition.direction)
        groups.setdefault(group, []).append(definition)
    pairs = []
    for members in groups.values():
        words = {member.key: name_words(member.name) for member in members}
        for a, b in combinations(sorted(members, key=lambda member: member.key), 2):
            smaller = min(len(words[a.key]), len(words[b.key]))
            if smaller == 0:
                continue
            share = len(words[a.key] & words[b.key]) / smaller
            if share >= overlap:
                pairs.append(Pair(a.key, b.key, "definition", similarity=share))
    return pairs


def correlated_series(series: dict[str, Series], threshold: float = 0.95, min_shared: int = 60,
                      week_start: int = 0) -> list[Pair]:
    """Return the pairs of KPIs of one frequency whose detrended series correlate at `threshold` or more."""
    by_frequency: dict[str, list[str]] = {}
    for key in sorted(series):
        by_frequency.setdefault(series[key].frequency, []).append(key)
    pairs = []
    for frequency, keys in by_frequency.items():
        if len(keys) < 2:
            continue
        grids = {key: to_grid(series[key], frequency, week_start) for key in keys}
        grids = {key: grid for key, grid in grids.items() if grid.values.size}
        if len(grids) < 2:
            continue
        keys = list(grids)
        first = min(grid.first for grid in grids.values())
        stop = max(grid.first + grid.values.size for grid in grids.values())
        matrix = np.full((stop - first, len(keys)), np.nan)
        for column, key in enumerate(keys):
            grid = grids[key]
            matrix[grid.first - first : grid.first - first + grid.values.size, column] = residuals(grid, week_start)
        correlations, shared = pairwise_correlations(matrix)
        rows, columns = np.nonzero(np.triu((np.abs(correlations) >= threshold) & (shared >= min_shared), k=1))
        pairs.extend(Pair(keys[i], keys[j], "series", correlation=float(correlations[i, j]),
                          shared_periods=int(shared[i, j])) for i, j in zip(rows, columns, strict=True))
    return pairs


def pairwise_correlations(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the correlation of every pair of columns over the rows both know, and how many rows that is."""
    known = np.isfinite(matrix).astype(float)
    values = np.where(known > 0, matrix, 0.0)
    shared = known.T @ known
    sums = values.T @ known  # sums[i, j]: Σ column i over the rows column j also knows
    squares = (values * values).T @ known
    products = values.T @ values
    safe = np.maximum(shared, 1)
    covariance = products - sums * sums.T / safe
    spread = (squares - sums**2 / safe) * (squares.T - sums.T**2 / safe)
    with np.errstate(invalid="ignore", divide="ignore"):
        correlations = np.where(spread > 0, covariance / np.sqrt(np.where(spread > 0, spread, 1.0)), 0.0)
    return np.clip(correlations, -1.0, 1.0), shared.astype(int)
