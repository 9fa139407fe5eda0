"""Root causes: which KPIs and key results beneath an objective account for its shortfall.

Each contributor reaches the objective along the roll-up graph with a
`share` of its score: the product of the normalised weights on the way
(objective → strategic KPI, or objective → OKR objective → key result).
Its gap is how far it is below what it should be by now: 1 for a KPI,
the cycle's expected progress for a key result. The gap is measured on
raw progress or attainment when known, so a key result far below its
baseline counts for more than one just below target. A gap counts up to
`MAX_GAP`.
Its direct contribution is

    share × gap × evidence factor

where the evidence factor scales by what the data says about the
contributor's feed into the objective: 1 when the data supports it or
when there is nothing to test (the objective's primary KPI, a key result
without a KPI), 0.75 with too little data, 0.5 without evidence, 0.25
when the data contradicts it.

The primary KPI is usually an outcome that other contributors move. So
part of its contribution passes to each contributor whose feed the data
supports, and to each cause objective whose cause-effect link it
supports: |correlation| × that contributor's own gap, scaled down when
these fractions add up to more than 1. The primary KPI keeps the rest. A
contributor that is on track therefore takes nothing from it, however
strong its link.

Key results with a source KPI are merged into that KPI's entry, which
lists them; ranking is by contribution, largest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_GAP = 3.0
EVIDENCE_FACTORS = {None: 1.0, "supported": 1.0, "insufficient_data": 0.75, "no_evidence": 0.5,
                    "contradicted": 0.25}


@dataclass(frozen=True)
class Contributor:
    """A KPI or key result beneath the objective, or (kind `strategic_objective`) a cause objective upstream.

    `score` is clamped to [0, 1]; `raw` is the unclamped progress or attainment, when known.
    """

    kind: str
    key: str
    share: float
    score: float | None
    expected: float = 1.0
    verdict: str | None = None
    correlation: float | None = None
    kpi: str | None = None
    raw: float | None = None


@dataclass
class Contribution:
    kind: str
    key: str
    contribution: float
    direct: float
    passed_on: float
    gap: float | None
    share: float
    verdict: str | None
    key_results: list[str] = field(default_factory=list)
    fraction: float | None = None


def gap_of(contributor: Contributor) -> float | None:
    value = contributor.raw if contributor.raw is not None else contributor.score
    if value is None:
        return None
    return min(MAX_GAP, max(0.0, contributor.expected - value))


def attribute(contributors: list[Contributor], primary_kpi: str | None) -> list[Contribution]:
    """Return the contributions, largest first; `fraction` is each one's part of their total."""
    entries: dict[tuple[str, str], Contribution] = {}
    for item in contributors:
        gap = gap_of(item)
        direct = 0.0 if gap is None or item.kind == "strategic_objective" else (
            item.share * gap * EVIDENCE_FACTORS.get(item.verdict, 1.0))
        target = ("kpi", item.kpi) if item.kind == "key_result" and item.kpi else (item.kind, item.key)
        entry = entries.get(target)
        if entry is None:
            entry = entries[target] = Contribution(target[0], target[1], 0.0, 0.0, 0.0, gap, 0.0, item.verdict)
        entry.direct += direct
        entry.share += item.share if item.kind != "strategic_objective" else 0.0
        entry.gap = gap if entry.gap is None else max(entry.gap, gap or 0.0)
        entry.verdict = entry.verdict or item.verdict
        if item.kind == "key_result":
            entry.key_results.append(item.key)

    primary = entries.get(("kpi", primary_kpi)) if primary_kpi else None
    if primary is not None and primary.direct > 0:
        _pass_on(primary, contributors, entries)

    for entry in entries.values():
        entry.contribution = entry.direct + entry.passed_on
    total = sum(entry.contribution for entry in entries.values())
    ranked = sorted(entries.values(), key=lambda entry: (-entry.contribution, entry.kind, entry.key))
    for entry in ranked:
        entry.fraction = entry.contribution / total if total > 0 else None
    return ranked


def _pass_on(primary: Contribution, contributors: list[Contributor], entries: dict) -> None:
    """Move part of the primary KPI's contribution to the supported contributors that are off target themselves."""
    weights: dict[tuple[str, str], float] = {}
    for item in contributors:
        target = ("kpi", item.kpi) if item.kind == "key_result" and item.kpi else (item.kind, item.key)
        if target == (primary.kind, primary.key) or item.verdict != "supported" or item.correlation is None:
            continue
        gap = gap_of(item)
        if gap:
            weights[target] = max(weights.get(target, 0.0), abs(item.correlation) * min(gap, 1.0))
    total = sum(weights.values())
    if total <= 0:
        return
    scale = min(1.0, 1.0 / total)
    moved = 0.0
    for target, weight in weights.items():
        amount = primary.direct * weight * scale
        entries[target].passed_on += amount
        moved += amount
    primary.passed_on -= moved
