"""Simulated check-ins for the key results that have no source KPI.

Every two weeks of a cycle, up to the load date, each manual key result
gets a check-in. Its value moves from the baseline toward the share of the
target that the key result reaches by the end of the cycle, drawn once per
key result. A milestone is reported not done until a drawn day, then done.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np

from hoshin.engine import periods

CHECK_IN_EVERY_DAYS = 14
FIRST_CHECK_IN_AFTER_DAYS = 6


@dataclass(frozen=True)
class CheckInPlan:
    key_result: str
    measured_on: dt.date
    value: float | None
    done: bool | None
    confidence: int
    comment: str


def plan_check_ins(strategy: dict, *, seed: int, today: dt.date) -> list[CheckInPlan]:
    """Return the check-ins of every manual key result in `strategy`, in file order and by date."""
    org_key = strategy["organization"]["key"]
    fiscal_start = strategy["organization"].get("fiscal_year_start_month", 1)
    plans = []
    for okr in strategy.get("okrs", []):
        cycle = periods.parse_period_label(str(okr["cycle"]), fiscal_start)
        days = _check_in_days(cycle, today)
        for key_result in okr.get("key_results", []):
            if (key_result.get("source") or {}).get("kpi") or not days:
                continue
            rng = np.random.default_rng([seed, zlib.crc32(org_key.encode()), zlib.crc32(key_result["key"].encode())])
            elapsed = np.array([((day - cycle.start).days + 1) / cycle.days for day in days])
            if key_result["type"] == "milestone":
                plans += _milestone(key_result["key"], days, elapsed, rng)
            else:
                plans += _numeric(key_result, days, elapsed, rng)
    return plans


def _check_in_days(cycle, today: dt.date) -> list[dt.date]:
    last = min(cycle.end, today)
    first = cycle.start + dt.timedelta(days=FIRST_CHECK_IN_AFTER_DAYS)
    return [first + dt.timedelta(days=offset) for offset in range(0, (last - first).days + 1, CHECK_IN_EVERY_DAYS)]


def _milestone(key: str, days, elapsed, rng) -> list[CheckInPlan]:
    done_at = rng.uniform(0.45, 0.85)
    plans = []
    for day, share in zip(days, elapsed, strict=True):
        done = bool(share >= done_at)
        if done:
            plans.append(CheckInPlan(key, day, None, True, 10, "Done and in use."))
            break
        confidence = int(np.clip(round(8 - 3 * share + rng.normal(0, 0.7)), 3, 9))
        plans.append(CheckInPlan(key, day, None, False, confidence, "Not done yet; the work is under way."))
    return plans


def _numeric(key_result: dict, days, elapsed, rng) -> list[CheckInPlan]:
    kr_type = key_result["type"]
    baseline, target = key_result.get("baseline"), key_result.get("target")
    whole_numbers = all(isinstance(number, int) for number in (baseline, target) if number is not None)
    reach = rng.uniform(0.6, 1.1)
    jitter = rng.normal(0, 0.04, len(days))
    if kr_type in ("increase", "decrease"):
        # Progress only moves forward: a published article or a store already converted stays done.
        progress = np.maximum.accumulate(np.clip(reach * elapsed + jitter, 0, None))
        values = baseline + progress * (target - baseline)
    elif kr_type in ("maintain_above", "maintain_below"):
        values = target * (1 + 0.05 * (reach - 0.85) + jitter / 2)
        progress = elapsed
    else:
        low, high = key_result["range_low"], key_result["range_high"]
        values = (low + high) / 2 + (high - low) * jitter
        progress = elapsed
    confidence = np.clip(np.round(4 + 12 * (reach - 0.6) + rng.normal(0, 0.8, len(days))), 1, 10).astype(int)

    plans = []
    for index, day in enumerate(days):
        value = round(float(values[index])) if whole_numbers else round(float(values[index]), 2)
        plans.append(CheckInPlan(key_result["key"], day, float(value), None, int(confidence[index]),
                                 _comment(progress[index], elapsed[index])))
    return plans


def _comment(progress: float, elapsed: float) -> str:
    if progress >= elapsed + 0.05:
        return "Ahead of plan."
    if progress >= elapsed - 0.1:
        return "On plan."
    return "Behind plan; the team has agreed on recovery actions."
