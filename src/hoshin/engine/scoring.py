"""Score a whole organization as of one date.

`score_organization` is the one entry point the web pages, API, CLI and
exports call. It scores, in order:

- every KPI on its current period (see `kpi_scoring`);
- every key result from its source KPI aggregated over the cycle up to
  the scoring date, or from its check-ins (see `progress`);
- every OKR objective from its key results and the child objectives whose
  cycles overlap its own;
- every strategic objective from its strategic KPIs and the OKR
  objectives aligned to it whose cycle contains the scoring date;
- every perspective of a unit from that unit's strategic objectives in it,
  and every unit's scorecard from its perspectives, with equal weights.

The roll-up modes and the handling of missing data are those of `rollup`.
The status of an OKR objective compares its score with the progress
expected in its cycle. Strategic objectives, perspectives and scorecards
use the expected progress rolled up from their children, where a KPI
expects full attainment.

The windows that `windows.plan_windows` lists are aggregated for all KPIs
and key results at once. They come from the snapshot's measurements in one
polars pass, or from the snapshot's window aggregates, which a caller has
computed from partial sums in its database. Both inputs give the same
values, because both go through `aggregation_partials.aggregate_partials`.
Window aggregates may arrive in parts, each with every window of some
KPIs. KPIs and key results are scored part by part, so a caller can
compute the next part while the engine scores this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from ._checks import member
from .aggregation import Aggregation, Kind
from .aggregation_frames import latest_revisions
from .aggregation_partials import aggregate_partials, partials_from_rows
from .errors import ValidationError
from .kpi_scoring import score_kpi
from .periods import Frequency
from .progress import KRType, current_from_checkins, expected_progress, progress, progress_status
from .report import KeyResultScore, KpiScore, ObjectiveScore, ScoreReport
from .rollup import Edge, Node, RollupMode, RollupResult, roll_up
from .snapshot import KeyResultSnapshot, KpiSnapshot, OkrObjectiveSnapshot, OrganizationSnapshot
from .status import Direction
from .windows import (
    WINDOW_SCHEMA,
    PeriodCache,
    kpi_definitions,
    last_periods_with_data,
    last_with_data_windows,
    plan_windows,
    previous_searches,
)

_EMPTY_MEASUREMENTS = {"kpi_id": pl.Utf8, "day": pl.Date, "value": pl.Float64}
_WINDOW_KEY = ["purpose", "owner", "kpi_id", "window_start", "window_end", "aggregation"]


def score_organization(snapshot: OrganizationSnapshot, as_of: date) -> ScoreReport:
    """Score every KPI, key result, objective, perspective and scorecard of `snapshot` as of `as_of`.

    Raises `ValidationError` for inconsistent input (a repeated key, a
    reference to a missing KPI or objective, invalid thresholds or weights)
    and `CycleError` when the objectives' alignments form a cycle.
    """
    kpis, objectives, key_results, _strategic = _checked_index(snapshot)

    periods = PeriodCache(snapshot.fiscal_start_month, snapshot.week_start)
    current = {key: periods.period_of(as_of, kpi.frequency) for key, kpi in kpis.items()}
    kpi_scores: dict[str, KpiScore] = {}
    kr_scores: dict[str, KeyResultScore] = {}
    window_keys = []
    # Planned before the first part arrives. Only the windows that depend on the data are planned after the last.
    planned = None
    if snapshot.window_aggregates is not None:
        planned = plan_windows(snapshot, as_of, None, periods), previous_searches(snapshot, as_of, periods)
    for part in window_aggregate_parts(snapshot, as_of, kpi_definitions(snapshot.kpis), periods):
        window_keys.append(part.select(_WINDOW_KEY))
        values = _window_values(part)
        scored = [key for key in _kpis_of_part(values) if key in kpis]
        previous = _previous_values({key: kpis[key] for key in scored}, values, as_of, periods)
        for key in scored:
            actual, n_values, _start = values[("current", key)]
            kpi_scores[key] = score_kpi(kpis[key], current[key], as_of, actual, n_values, previous.get(key),
                                        snapshot.prorate)
        for purpose, owner in values:
            if purpose == "key_result" and owner in key_results:
                kr = key_results[owner]
                kr_scores[owner] = _score_key_result(kr, objectives[kr.objective], as_of, values[(purpose, owner)])
    if planned is not None:
        _check_windows(*planned, pl.concat(window_keys) if window_keys else None, as_of)

    kpi_scores = {key: kpi_scores[key] for key in kpis}
    kr_scores = {
        key: kr_scores[key] if key in kr_scores else _score_key_result(kr, objectives[kr.objective], as_of, None)
        for key, kr in key_results.items()
    }

    nodes, edges = _graph(snapshot, kpi_scores, kr_scores, objectives, as_of)
    rolled = roll_up(nodes, edges)
    return ScoreReport(
        as_of=as_of,
        kpis=kpi_scores,
        key_results=kr_scores,
        okr_objectives={
            key: _objective_score(rolled[f"okr:{key}"], key, *_cycle_position(objective, as_of))
            for key, objective in objectives.items()
        },
        strategic_objectives=_rolled_scores(rolled, "so:"),
        perspectives=_rolled_scores(rolled, "perspective:"),
        scorecards=_rolled_scores(rolled, "scorecard:"),
    )


def validate_snapshot(snapshot: OrganizationSnapshot) -> None:
    """Raise `ValidationError` for the inconsistent input that `score_organization` rejects.

    A caller that aggregates measurements before scoring calls this first,
    so that invalid definitions fail with the same error either way.
    """
    _checked_index(snapshot)


def _checked_index(snapshot: OrganizationSnapshot) -> tuple[dict, dict, dict, dict]:
    """Index the snapshot's KPIs, OKR objectives, key results and strategic objectives by key, after checking them."""
    kpis = _index(snapshot.kpis, "kpis")
    objectives = _index(snapshot.okr_objectives, "okr_objectives")
    key_results = _index(snapshot.key_results, "key_results")
    strategic = _index(snapshot.strategic_objectives, "strategic_objectives")
    _check_definitions(kpis, objectives, key_results, strategic)
    _check_references(kpis, objectives, key_results, strategic)
    return kpis, objectives, key_results, strategic


def _index(items: Iterable, field: str) -> dict:
    index = {}
    for item in items:
        if item.key in index:
            raise ValidationError(field, f"key {item.key!r} appears more than once")
        index[item.key] = item
    return index


def _check_definitions(kpis: dict, objectives: dict, key_results: dict, strategic: dict) -> None:
    """Raise `ValidationError` naming the item and field of the first unknown choice or inverted cycle."""
    choices = {"aggregation": Aggregation, "frequency": Frequency, "direction": Direction, "kind": Kind}
    if not _all_choices_valid(kpis, objectives, key_results, choices):
        for kpi in kpis.values():
            for field, enum_type in choices.items():
                member(enum_type, getattr(kpi, field), f"kpis[{kpi.key}].{field}")
            if Frequency(kpi.frequency) is Frequency.CUSTOM:
                raise ValidationError(f"kpis[{kpi.key}].frequency", "a KPI needs a calendar frequency, not custom")
        for kr in key_results.values():
            member(KRType, kr.kr_type, f"key_results[{kr.key}].kr_type")
            if kr.source_aggregation is not None:
                member(Aggregation, kr.source_aggregation, f"key_results[{kr.key}].source_aggregation")
        for objective in objectives.values():
            member(RollupMode, objective.rollup_mode, f"okr_objectives[{objective.key}].rollup_mode")
            if objective.cycle_end < objective.cycle_start:
                raise ValidationError(f"okr_objectives[{objective.key}].cycle_end", "the cycle ends before it starts")
    for item in strategic.values():
        member(RollupMode, item.rollup_mode, f"strategic_objectives[{item.key}].rollup_mode")


def _all_choices_valid(kpis: dict, objectives: dict, key_results: dict, choices: dict) -> bool:
    """Return whether every KPI, key result and OKR objective has valid choices and cycles.

    Checking each distinct value once is much cheaper than checking every
    item. When it fails, the caller checks item by item to name the first
    invalid one.
    """
    try:
        distinct = [(enum_type, {getattr(kpi, field) for kpi in kpis.values()}) for field, enum_type in choices.items()]
        distinct.append((KRType, {kr.kr_type for kr in key_results.values()}))
        distinct.append((Aggregation, {kr.source_aggregation for kr in key_results.values()} - {None}))
        distinct.append((RollupMode, {objective.rollup_mode for objective in objectives.values()}))
    except TypeError:  # an unhashable value, which is no valid choice either
        return False
    for enum_type, values in distinct:
        if not all(isinstance(value, str) and value in enum_type._value2member_map_ for value in values):
            return False
    if Frequency.CUSTOM.value in {str(kpi.frequency) for kpi in kpis.values()}:
        return False
    return not any(objective.cycle_end < objective.cycle_start for objective in objectives.values())


def _check_references(kpis: dict, objectives: dict, key_results: dict, strategic: dict) -> None:
    for kr in key_results.values():
        if kr.objective not in objectives:
            raise ValidationError(f"key_results[{kr.key}].objective", f"OKR objective {kr.objective!r} not found")
        if kr.source_kpi is not None and kr.source_kpi not in kpis:
            raise ValidationError(f"key_results[{kr.key}].source_kpi", f"KPI {kr.source_kpi!r} not found")
    for objective in objectives.values():
        for link in objective.parent_objectives:
            if link.key not in objectives:
                field = f"okr_objectives[{objective.key}].parent_objectives"
                raise ValidationError(field, f"OKR objective {link.key!r} not found")
        for link in objective.strategic_objectives:
            if link.key not in strategic:
                field = f"okr_objectives[{objective.key}].strategic_objectives"
                raise ValidationError(field, f"strategic objective {link.key!r} not found")
    for item in strategic.values():
        for link in item.kpis:
            if link.key not in kpis:
                raise ValidationError(f"strategic_objectives[{item.key}].kpis", f"KPI {link.key!r} not found")


def window_aggregate_parts(
    snapshot: OrganizationSnapshot, as_of: date, definitions: pl.DataFrame, periods: PeriodCache
) -> Iterable[pl.DataFrame]:
    """Return the aggregates of every window scoring reads, in the parts the snapshot has them, or as one part."""
    aggregates = snapshot.window_aggregates
    if aggregates is None:
        return (window_aggregates(snapshot, as_of, definitions, periods),)
    parts = (aggregates,) if isinstance(aggregates, pl.DataFrame) else aggregates
    return (_checked_columns(part) for part in parts)


def window_aggregates(
    snapshot: OrganizationSnapshot, as_of: date, definitions: pl.DataFrame, periods: PeriodCache
) -> pl.DataFrame:
    """Return the aggregate of every window scoring reads, computed from the snapshot's measurements."""
    calendar = {"fiscal_start_month": snapshot.fiscal_start_month, "week_start": snapshot.week_start}
    rows = latest_revisions(_measurements_until(snapshot.measurements, as_of), definitions, **calendar)
    last_periods = last_periods_with_data(rows, previous_searches(snapshot, as_of, periods))
    windows = plan_windows(snapshot, as_of, last_periods, periods)
    return aggregate_partials(partials_from_rows(rows, windows), definitions, windows, **calendar)


def _checked_columns(part: pl.DataFrame) -> pl.DataFrame:
    missing = sorted({*_WINDOW_KEY, "value", "n_values"} - set(part.columns))
    if missing:
        raise ValidationError("window_aggregates", f"missing columns: {', '.join(missing)}")
    return part


def _check_windows(planned: pl.DataFrame, searches: pl.DataFrame, keys: pl.DataFrame | None, as_of: date) -> None:
    """Raise `ValidationError` unless the window aggregates given cover exactly the windows planned for `as_of`.

    `planned` contains the windows that do not depend on the data, and
    `searches` the level KPIs whose last period with data `keys` gives.
    """
    keys = keys if keys is not None else pl.DataFrame(schema=WINDOW_SCHEMA)
    last_periods = keys.filter(pl.col("purpose") == "last_with_data").select(
        "kpi_id", period_start=pl.col("window_start")
    )
    planned = pl.concat([planned, last_with_data_windows(searches, last_periods).cast(WINDOW_SCHEMA)])
    keys = keys.cast(planned.schema)
    unmatched = planned.join(keys, on=_WINDOW_KEY, how="anti", nulls_equal=True)
    if unmatched.height or keys.height != planned.height:
        example = unmatched.row(0, named=True) if unmatched.height else None
        raise ValidationError(
            "window_aggregates",
            f"the windows differ from those planned for {as_of} (first missing: {example}); "
            "compute them from windows.plan_windows for the same snapshot and date",
        )


def _measurements_until(measurements: pl.DataFrame | None, as_of: date) -> pl.DataFrame:
    if measurements is None:
        return pl.DataFrame(schema=_EMPTY_MEASUREMENTS)
    date_column = "day" if "day" in measurements.columns else "period_start"
    return measurements.with_columns(pl.col("kpi_id").cast(pl.Utf8)).filter(pl.col(date_column) <= as_of)


def _kpis_of_part(values: dict) -> list[str]:
    """Return the KPIs whose current window is in one part, after checking that their other windows are too.

    A KPI's change compares its current window with its previous one, so
    both must come in the same part.
    """
    scored = [owner for purpose, owner in values if purpose == "current"]
    own = set(scored)
    for purpose, owner in values:
        if purpose in ("previous", "last_with_data") and owner not in own:
            raise ValidationError(
                "window_aggregates",
                f"the {purpose} window of KPI {owner!r} comes in another part than its current window; "
                "put every window of a KPI in the same part",
            )
    return scored


def _window_values(aggregated: pl.DataFrame) -> dict[tuple[str, str], tuple[float | None, float, date]]:
    """Index the aggregates by purpose and owner as ``(value, n_values, window_start)``."""
    rows = aggregated.select("purpose", "owner", "value", "n_values", "window_start").iter_rows()
    return {(purpose, owner): (value, n_values, start) for purpose, owner, value, n_values, start in rows}


def _previous_values(
    kpis: dict[str, KpiSnapshot], values: dict, as_of: date, periods: PeriodCache
) -> dict[str, tuple[str, float | None]]:
    """Return each KPI's last earlier period with data, as ``(label, value)``.

    For a ``count`` KPI that is always the period just before the current
    one, with 0 when it has no rows. For a ``level`` KPI the value is None
    when its period has data that gives no value, such as a zero denominator.
    """
    previous = {}
    for key, kpi in kpis.items():
        if str(kpi.kind) == Kind.COUNT:
            value = values.get(("previous", key), (None,))[0]
            if value is not None:
                previous[key] = (periods.period_of(as_of, kpi.frequency, -1).label, value)
            continue
        found = values.get(("last_with_data", key))
        if found is not None:
            value, _n_values, start = found
            previous[key] = (periods.period_of(start, kpi.frequency).label, value)
    return previous


def _score_key_result(
    kr: KeyResultSnapshot, objective: OkrObjectiveSnapshot, as_of: date, window: tuple | None
) -> KeyResultScore:
    if kr.source_kpi is not None:
        current = window[0] if window else None
        measured_on = min(objective.cycle_end, as_of) if current is not None else None
    else:
        in_cycle = [c for c in kr.checkins if objective.cycle_start <= c.measured_on <= objective.cycle_end]
        checkin = current_from_checkins(in_cycle, as_of)
        current = checkin.value if checkin else None
        measured_on = checkin.measured_on if checkin else None

    result = progress(kr.kr_type, current, kr.baseline, kr.target, kr.target_range)
    expected, ended = _cycle_position(objective, as_of)
    return KeyResultScore(
        key=kr.key,
        score=result.clamped,
        status=progress_status(result.clamped, expected, ended),
        current=current,
        current_measured_on=measured_on,
        progress_raw=result.raw,
        progress=result.clamped,
        expected_progress=expected,
    )


def _cycle_position(objective: OkrObjectiveSnapshot, as_of: date) -> tuple[float, bool]:
    return expected_progress(objective.cycle_start, objective.cycle_end, as_of), as_of > objective.cycle_end


def _graph(
    snapshot: OrganizationSnapshot,
    kpi_scores: dict[str, KpiScore],
    kr_scores: dict[str, KeyResultScore],
    objectives: dict[str, OkrObjectiveSnapshot],
    as_of: date,
) -> tuple[list[Node], list[Edge]]:
    """Build the roll-up graph, with a prefix per kind on node keys so that keys may repeat across kinds.

    Only KPIs that a strategic objective links to are nodes: a KPI that no
    objective links to affects no score above it.
    """
    nodes: list[Node] = []
    edges: list[Edge] = []
    linked = {link.key for item in snapshot.strategic_objectives for link in item.kpis}
    for kpi in snapshot.kpis:
        if kpi.key not in linked:
            continue
        score = kpi_scores[kpi.key]
        node = Node(
            f"kpi:{kpi.key}",
            score.score,
            actual=score.actual,
            target=score.target_to_date,
            expected=1.0,
            archived=kpi.archived,
        )
        nodes.append(node)
    for kr in snapshot.key_results:
        score = kr_scores[kr.key]
        node = Node(
            f"kr:{kr.key}",
            score.score,
            actual=score.current,
            target=kr.target,
            expected=score.expected_progress,
            archived=kr.archived,
        )
        nodes.append(node)
        edges.append(Edge(f"okr:{kr.objective}", f"kr:{kr.key}", kr.weight))

    for objective in snapshot.okr_objectives:
        nodes.append(Node(f"okr:{objective.key}", mode=objective.rollup_mode, archived=objective.archived))
        for link in objective.parent_objectives:
            parent = objectives[link.key]
            if objective.cycle_start <= parent.cycle_end and parent.cycle_start <= objective.cycle_end:
                edges.append(Edge(f"okr:{link.key}", f"okr:{objective.key}", link.weight))
        if objective.cycle_start <= as_of <= objective.cycle_end:
            for link in objective.strategic_objectives:
                edges.append(Edge(f"so:{link.key}", f"okr:{objective.key}", link.weight))

    for item in snapshot.strategic_objectives:
        nodes.append(Node(f"so:{item.key}", mode=item.rollup_mode, archived=item.archived))
        edges.extend(Edge(f"so:{item.key}", f"kpi:{link.key}", link.weight) for link in item.kpis)

    perspectives = {}
    for item in snapshot.strategic_objectives:
        perspective = f"{item.unit}/{item.perspective}"
        perspectives.setdefault(perspective, item.unit)
        edges.append(Edge(f"perspective:{perspective}", f"so:{item.key}", item.weight))
    nodes.extend(Node(f"perspective:{key}") for key in perspectives)
    nodes.extend(Node(f"scorecard:{unit}") for unit in dict.fromkeys(perspectives.values()))
    edges.extend(Edge(f"scorecard:{unit}", f"perspective:{key}") for key, unit in perspectives.items())
    return nodes, edges


def _objective_score(result: RollupResult, key: str, expected: float, ended: bool) -> ObjectiveScore:
    return ObjectiveScore(
        key=key,
        score=result.score,
        status=progress_status(result.score, expected, ended),
        children_with_data=result.children_with_data,
        children=result.children,
        expected_progress=expected,
    )


def _rolled_scores(rolled: dict[str, RollupResult], prefix: str) -> dict[str, ObjectiveScore]:
    scores = {}
    for node_key, result in rolled.items():
        if node_key.startswith(prefix):
            key = node_key[len(prefix):]
            expected = result.expected if result.expected is not None else 1.0
            scores[key] = _objective_score(result, key, expected, False)
    return scores
