"""Window aggregates computed in the database agree with the engine's aggregation of the rows."""

import dataclasses
import datetime as dt
import math
import random

import polars as pl
import pytest
from django.utils import timezone

from hoshin.engine.periods import period_of, shift_period
from hoshin.engine.scoring import score_organization as engine_score
from hoshin.engine.scoring import window_aggregates as engine_aggregates
from hoshin.engine.windows import PeriodCache, kpi_definitions
from hoshin.kpis import services as kpi_services
from hoshin.kpis.models import Kpi, Measurement
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services
from hoshin.scoring.snapshot import load_snapshot, measurement_frame

AGGREGATIONS = ["sum", "mean", "last", "min", "max", "ratio"]
FREQUENCIES = ["daily", "weekly", "monthly", "quarterly"]


def _cycle_label(day: dt.date, fiscal_start_month: int) -> str:
    period = period_of(day, "quarterly", fiscal_start_month)
    return period.label


def _measurements(kpi: Kpi, calendar: dict, as_of: dt.date, rng: random.Random) -> list[Measurement]:
    """Return random rows for `kpi` over the last 500 days: gaps, segments, missing and non-finite numbers."""
    rows = []
    period = period_of(as_of, kpi.frequency, **calendar)
    first = as_of - dt.timedelta(days=500)
    while period.start >= first:
        if rng.random() < 0.7:
            for segment in rng.choice([[""], ["north"], ["north", "south"]]):
                value = rng.choice([None, math.inf, -math.inf, *(round(rng.uniform(-50, 150), 2) for _ in range(12))])
                numerator = rng.choice([None, math.inf, *(float(rng.randint(0, 90)) for _ in range(10))])
                denominator = rng.choice([None, 0.0, *(float(rng.randint(1, 100)) for _ in range(10))])
                rows.append(Measurement(
                    kpi=kpi, period_start=period.start, segment=segment, value=value, numerator=numerator,
                    denominator=denominator, value_count=rng.randint(1, 4), recorded_at=timezone.now(),
                ))
        period = shift_period(period, -1, **calendar)
    return rows


@pytest.fixture
def mixed(org):
    """An organization with KPIs of every aggregation, kind and frequency, and key results sourced from them."""
    org.fiscal_year_start_month, org.week_start = 4, 6
    org.save()
    calendar = {"fiscal_start_month": 4, "week_start": 6}
    as_of = dt.date.today()
    rng = random.Random(20260401)
    unit = org.units.get(key="t1")

    kpis = []
    for index, (aggregation, kind, frequency) in enumerate(
        (aggregation, kind, frequency)
        for aggregation in AGGREGATIONS
        for kind in ("count", "level")
        for frequency in FREQUENCIES
    ):
        kpis.append(kpi_services.create_kpi(
            None, org, key=f"k{index}-{aggregation}-{kind}-{frequency}", name=f"KPI {index}", unit=unit,
            frequency=frequency, aggregation=aggregation, kind=kind,
        ))
    Measurement.objects.bulk_create([row for kpi in kpis for row in _measurements(kpi, calendar, as_of, rng)])

    current = org_services.cycle_for_label(None, org, _cycle_label(as_of, 4))
    previous = org_services.cycle_for_label(None, org, _cycle_label(current.start - dt.timedelta(days=1), 4))
    for cycle in (current, previous):
        objective = okr_services.create_okr_objective(None, org, key=f"okr-{cycle.key}", name="OKR", unit=unit,
                                                      cycle=cycle)
        for index, kpi in enumerate(kpis):
            override = rng.choice(["", "", *AGGREGATIONS])
            okr_services.create_key_result(
                None, objective, key=f"kr-{cycle.key}-{index}", name="KR", kr_type="increase", baseline=0, target=100,
                source_kpi=kpi, rollup_mode=override,
            )
            if index % 5 == 0:
                # A second key result over the same KPI and cycle shares the database range.
                okr_services.create_key_result(
                    None, objective, key=f"kr-{cycle.key}-{index}-twin", name="KR", kr_type="increase", baseline=0,
                    target=100, source_kpi=kpi, rollup_mode="last",
                )
    return {"as_of": as_of, "kpis": kpis}


def _rows_snapshot(org, as_of):
    """Load the snapshot from the database, then swap the aggregates for the raw rows they came from."""
    snapshot, presentation = load_snapshot(org, as_of)
    keys = dict(Kpi.objects.filter(organization=org).values_list("pk", "key"))
    rows = measurement_frame(keys, presentation["measurement_start"], as_of)
    return snapshot, dataclasses.replace(snapshot, window_aggregates=None, measurements=rows)


def test_database_windows_match_rows(org, mixed):
    as_of = mixed["as_of"]
    from_database, from_rows = _rows_snapshot(org, as_of)
    periods = PeriodCache(4, 6)

    expected = engine_aggregates(from_rows, as_of, kpi_definitions(from_rows.kpis), periods)
    actual = from_database.window_aggregates

    key = ["purpose", "owner"]
    assert actual.height == expected.height
    joined = expected.join(actual, on=key, how="left", suffix="_db")
    assert joined["window_start_db"].to_list() == joined["window_start"].to_list()
    assert joined["window_end_db"].to_list() == joined["window_end"].to_list()
    assert joined["periods_with_data_db"].to_list() == joined["periods_with_data"].to_list()
    assert joined["n_values_db"].to_list() == pytest.approx(joined["n_values"].to_list())
    for column in ("value", "numerator", "denominator"):
        for row in joined.select(*key, column, f"{column}_db").iter_rows():
            if row[2] is None:
                assert row[3] is None, row
            else:
                assert row[3] == pytest.approx(row[2], rel=1e-9, abs=1e-9), row
    last_with_data = joined.filter(pl.col("purpose") == "last_with_data")
    previous_starts = [
        shift_period(period_of(as_of, key.rsplit("-", 1)[1], 4, 6), -1, 4, 6).start for key in last_with_data["owner"]
    ]
    # Both paths run: KPIs with data in the previous period, and KPIs whose data lies further back.
    assert any(start == previous for start, previous in zip(last_with_data["window_start"], previous_starts))
    assert any(start < previous for start, previous in zip(last_with_data["window_start"], previous_starts))


def test_database_scores_match_rows(org, mixed):
    as_of = mixed["as_of"]
    from_database, from_rows = _rows_snapshot(org, as_of)

    expected = engine_score(from_rows, as_of)
    actual = engine_score(from_database, as_of)

    assert actual.kpis.keys() == expected.kpis.keys()
    for key, score in expected.kpis.items():
        assert actual.kpis[key].actual == pytest.approx(score.actual), key
        assert actual.kpis[key].change.previous_period == score.change.previous_period, key
        assert actual.kpis[key].change.previous_value == pytest.approx(score.change.previous_value), key
        assert actual.kpis[key].status == score.status, key
    for key, score in expected.key_results.items():
        assert actual.key_results[key].current == pytest.approx(score.current), key
    for key, score in expected.okr_objectives.items():
        assert actual.okr_objectives[key].score == pytest.approx(score.score), key


def test_overflowing_sum_gives_no_value(org):
    as_of = dt.date.today()
    unit = org.units.get(key="t1")
    kpi = kpi_services.create_kpi(None, org, key="huge", name="Huge", unit=unit, frequency="monthly", aggregation="sum",
                                  kind="level")
    start = period_of(as_of, "monthly").start
    Measurement.objects.bulk_create([
        Measurement(kpi=kpi, period_start=start, segment=segment, value=1.5e308, recorded_at=timezone.now())
        for segment in ("north", "south")
    ])

    snapshot, _presentation = load_snapshot(org, as_of)
    report = engine_score(snapshot, as_of)

    assert report.kpis["huge"].actual is None
    assert report.kpis["huge"].change.previous_period is None


def test_aggregates_for_another_date_are_rejected(org, mixed):
    from hoshin.engine.errors import ValidationError

    snapshot, _presentation = load_snapshot(org, mixed["as_of"])

    with pytest.raises(ValidationError) as error:
        engine_score(snapshot, mixed["as_of"] - dt.timedelta(days=1))

    assert error.value.field == "window_aggregates"


@pytest.mark.django_db(transaction=True)
def test_split_windows_match_one_connection(org, mixed, monkeypatch, settings):
    import threading

    from django.db import connection

    from hoshin.scoring import aggregates
    from hoshin.scoring.service import score_organization

    if connection.vendor != "postgresql":
        pytest.skip("the statements are split between connections on PostgreSQL only")
    as_of = mixed["as_of"]
    settings.HOSHIN_SCORING_CONNECTIONS = 1
    one_connection, _presentation = load_snapshot(org, as_of)
    whole = score_organization(org, as_of).to_json()

    threads = []
    range_partials = aggregates._range_partials

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return range_partials(*args, **kwargs)

    monkeypatch.setattr(aggregates, "_range_partials", spy)
    monkeypatch.setattr(aggregates, "MIN_WINDOWS_TO_SPLIT", 4)
    settings.HOSHIN_SCORING_CONNECTIONS = 3
    split, _presentation = load_snapshot(org, as_of)
    split_score = score_organization(org, as_of).to_json()

    # Two loads in 12 parts each; KPIs whose data lies further back are looked up on the calling thread.
    in_threads = [name for name in threads if name != threading.main_thread().name]
    assert len(in_threads) == 2 * 3 * aggregates.PARTS_PER_CONNECTION
    assert set(in_threads) == {f"hoshin-scoring-{number}" for number in range(3)}
    key = ["purpose", "owner"]
    assert split.window_aggregates.sort(key).equals(one_connection.window_aggregates.sort(key))
    assert split_score == whole


def test_kpi_across_parts_rejected(org, mixed):
    from hoshin.engine.errors import ValidationError

    as_of = mixed["as_of"]
    snapshot, _presentation = load_snapshot(org, as_of)
    windows = snapshot.window_aggregates
    kpi = windows.filter(pl.col("purpose") == "previous")["owner"][0]
    moved = (pl.col("owner") == kpi) & (pl.col("purpose") == "previous")
    parts = [windows.filter(~moved), windows.filter(moved)]

    with pytest.raises(ValidationError, match="another part"):
        engine_score(dataclasses.replace(snapshot, window_aggregates=iter(parts)), as_of)


def test_parts_score_like_one_frame(org, mixed):
    as_of = mixed["as_of"]
    snapshot, _presentation = load_snapshot(org, as_of)
    windows = snapshot.window_aggregates.with_columns(part=pl.col("kpi_id").rank("dense") % 3)
    parts = windows.partition_by("part", include_key=False)

    from_parts = engine_score(dataclasses.replace(snapshot, window_aggregates=iter(parts)), as_of)

    assert len(parts) == 3
    assert from_parts == engine_score(snapshot, as_of)


def test_missing_part_rejected(org, mixed):
    from hoshin.engine.errors import ValidationError

    as_of = mixed["as_of"]
    snapshot, _presentation = load_snapshot(org, as_of)
    windows = snapshot.window_aggregates.with_columns(part=pl.col("kpi_id").rank("dense") % 3)
    parts = windows.partition_by("part", include_key=False)

    with pytest.raises(ValidationError, match="windows differ"):
        engine_score(dataclasses.replace(snapshot, window_aggregates=iter(parts[:2])), as_of)


def test_thread_parts_keep_order_and_errors():
    import threading

    from hoshin.scoring.threads import in_threads

    def aggregate(frame):
        if frame["n"][0] == 3:
            raise ValueError("part 3 failed")
        return frame

    parts = [pl.DataFrame({"n": [number]}) for number in range(6)]
    results = in_threads(aggregate, parts, 2)

    assert [next(results)["n"][0] for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="part 3 failed"):
        next(results)
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("hoshin-scoring-")]
