"""Score an organization: load the snapshot, call the engine, shape the result for callers.

Web pages, the API, the CLI and exports all call `score_organization`;
none computes a score itself.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone

from hoshin.engine.periods import local_date
from hoshin.engine.report import ScoreReport
from hoshin.engine.scoring import score_organization as engine_score
from hoshin.organizations.models import Organization
from hoshin.scoring.snapshot import load_snapshot

logger = logging.getLogger(__name__)


@dataclass
class OrganizationScore:
    """The engine's report plus the names and structure needed to present it."""

    organization: Organization
    as_of: dt.date
    report: ScoreReport
    presentation: dict

    def to_json(self) -> dict:
        return score_document(self)


@contextmanager
def paused_garbage_collection():
    """Pause Python's cyclic garbage collector for the duration of the block.

    Scoring a large organization allocates hundreds of thousands of
    short-lived objects without reference cycles. Each allocation burst
    triggers collections that traverse every live object, which cost about
    a tenth of the scoring time in bench/score_bench.py. Reference counting
    still frees the objects.
    The pause is process-wide, so other threads run without it too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def short_thread_switches(seconds: float = 0.0005):
    """Let Python switch between threads every `seconds` (default 0.5 ms, against 5 ms) for the duration of the block.

    While the engine scores one part of the window aggregates, threads
    aggregate the next parts (see `aggregates.window_aggregate_parts`).
    Each of their many short polars and database calls first waits for the
    scoring thread to release the interpreter lock, for up to one switch
    interval. The setting is process-wide, like the garbage collector's.
    """
    was = sys.getswitchinterval()
    sys.setswitchinterval(min(was, seconds))
    try:
        yield
    finally:
        sys.setswitchinterval(was)


def today_for(organization: Organization) -> dt.date:
    return local_date(timezone.now(), organization.time_zone)


def score_organization(organization: Organization, as_of: dt.date | None = None) -> OrganizationScore:
    """Score every KPI, key result and objective of `organization` as of `as_of` (default: today there)."""
    as_of = as_of or today_for(organization)
    started = time.perf_counter()
    with paused_garbage_collection(), short_thread_switches():
        snapshot, presentation = load_snapshot(organization, as_of, parts=True)
        loaded = time.perf_counter()
        report = engine_score(snapshot, as_of)
    logger.debug("scored %s as of %s: load %.3fs, engine %.3fs", organization.key, as_of,
                 loaded - started, time.perf_counter() - loaded)
    return OrganizationScore(organization, as_of, report, presentation)


def _number(value):
    return None if value is None else float(value)


def _objective_record(score, extra: dict) -> dict:
    return {
        "key": score.key,
        **extra,
        "score": _number(score.score),
        "status": str(score.status),
        "children_with_data": score.children_with_data,
        "children": score.children,
        "expected_progress": _number(score.expected_progress),
    }


def score_document(result: OrganizationScore) -> dict:
    """Return the JSON document of `hoshin score --json`, described in docs/scoring.md."""
    report, names = result.report, result.presentation
    units, perspectives = names["units"], names["perspectives"]
    perspective_by_key = {p["key"]: p for p in perspectives.values()}

    strategic = []
    for key, score in report.strategic_objectives.items():
        row = names["strategic_objectives"][key]
        strategic.append(_objective_record(score, {
            "name": row["name"], "perspective": perspectives[row["perspective_id"]]["key"], "unit": units[row["unit_id"]],
        }))
    okrs = []
    for key, score in report.okr_objectives.items():
        row = names["okr_objectives"][key]
        okrs.append(_objective_record(score, {"name": row["name"], "unit": units[row["unit_id"]], "cycle": row["cycle"]}))
    key_results = []
    for key, score in report.key_results.items():
        row = names["key_results"][key]
        key_results.append({
            "key": key, "name": row["name"], "objective": row["objective"], "type": row["kr_type"],
            "score": _number(score.score), "status": str(score.status),
            "children_with_data": score.children_with_data, "children": score.children,
            "current": _number(score.current),
            "current_measured_on": score.current_measured_on.isoformat() if score.current_measured_on else None,
            "progress_raw": _number(score.progress_raw), "progress": _number(score.progress),
            "expected_progress": _number(score.expected_progress),
        })
    kpis = []
    for key, score in report.kpis.items():
        row = names["kpis"][key]
        change = score.change
        kpis.append({
            "key": key, "name": row["name"], "unit": units.get(row["unit_id"]), "unit_of_measure": row["unit_of_measure"],
            "score": _number(score.score), "status": str(score.status),
            "children_with_data": score.children_with_data, "children": score.children,
            "period": score.period, "actual": _number(score.actual), "target": _number(score.target),
            "target_to_date": _number(score.target_to_date), "attainment": _number(score.attainment),
            "attainment_note": score.attainment_reason,
            "change": {
                "absolute": _number(change.absolute), "relative": _number(change.relative), "is_new": change.is_new,
                "percentage_points": _number(change.percentage_points),
                "previous_period": change.previous_period, "previous_value": _number(change.previous_value),
                "improving": change.improving,
            },
        })
    perspective_records = []
    for key, score in report.perspectives.items():
        unit, perspective = key.split("/", 1)
        info = perspective_by_key.get(perspective, {"name": perspective, "position": 0})
        perspective_records.append(_objective_record(score, {"unit": unit, "perspective": perspective,
                                                             "name": info["name"]}) | {"key": key})
    scorecards = [_objective_record(score, {"unit": key}) for key, score in report.scorecards.items()]
    return {
        "organization": result.organization.key,
        "as_of": result.as_of.isoformat(),
        "scorecards": scorecards,
        "perspectives": perspective_records,
        "strategic_objectives": strategic,
        "okr_objectives": okrs,
        "key_results": key_results,
        "kpis": kpis,
    }
