"""Calibration: how well check-in confidence (0–10) foretold whether key results reached their targets.

Each group is a unit, or the whole organization, and covers the key
results of closed cycles that had a confidence. For each group: the mean
confidence as a probability (confidence / 10), the share achieved, their
difference, and the Brier score. The Brier score is the mean squared
difference between each probability and its outcome, 1 or 0.
A difference above `TOLERANCE` reads as over-confident, below −`TOLERANCE`
as under-confident.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

TOLERANCE = 0.1


@dataclass(frozen=True)
class Calibration:
    count: int
    confidence: float
    achieved: float
    brier: float

    @property
    def gap(self) -> float:
        return self.confidence - self.achieved

    @property
    def reading(self) -> str:
        if self.gap > TOLERANCE:
            return "over_confident"
        if self.gap < -TOLERANCE:
            return "under_confident"
        return "calibrated"

    def to_json(self) -> dict:
        return {"count": self.count, "confidence": self.confidence, "achieved": self.achieved, "gap": self.gap,
                "brier": self.brier, "reading": self.reading}


def calibrate(outcomes: list[tuple[str, int, bool]]) -> tuple[Calibration | None, dict[str, Calibration]]:
    """Return the calibration of all `(group, confidence, achieved)` outcomes and of each group."""
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for group, confidence, achieved in outcomes:
        groups[group].append((min(max(confidence, 0), 10) / 10, 1.0 if achieved else 0.0))
    everything = [pair for pairs in groups.values() for pair in pairs]
    return _calibration(everything), {group: _calibration(pairs) for group, pairs in sorted(groups.items())}


def _calibration(pairs: list[tuple[float, float]]) -> Calibration | None:
    if not pairs:
        return None
    count = len(pairs)
    return Calibration(
        count=count,
        confidence=sum(p for p, _ in pairs) / count,
        achieved=sum(o for _, o in pairs) / count,
        brier=sum((p - o) ** 2 for p, o in pairs) / count,
    )
