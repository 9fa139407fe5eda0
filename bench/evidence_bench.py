"""Benchmark: the insights engine on organizations whose causal structure is known.

Pure numpy and the engine, no database. Prints:

- evidence for links: for each noise level and history length, the share
  of real links found `supported`, the share of links that are not real
  found `supported`, and the number of real links found `contradicted`;
- explain: how often a step change injected into one operational KPI
  ranks that KPI first beneath the strategic objective it feeds;
- forecasts: how often the 80 % interval of a key result's end-of-cycle
  value contains the realised value, on the demo simulator's daily KPIs;
- the time to test 10,000 links over two years of daily data (200 at
  tiny size).

The generated series follow the demo simulator's model (see
`hoshin.demo.simulator`): each KPI is a persistent AR(1) process plus the
lagged, standardized series of its drivers, a trend, a weekly pattern, a
yearly wave and day-to-day noise. The demo's KPIs have noise between 0.2
and 1.25 times their spread, 0.5 in the middle; the `demo` noise level
draws from that range, `low` halves it and `high` doubles it. KPIs come
in small independent groups (a chain of drivers), so a link between two
groups has no common cause: those are the links that are not real.

Usage: python bench/evidence_bench.py --size tiny|full [--seed N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from hoshin.demo import series as demo_series  # noqa: E402
from hoshin.engine.insights.evidence import CONTRADICTED, SUPPORTED, LinkSpec, evaluate  # noqa: E402
from hoshin.engine.insights.attribution import Contributor, attribute  # noqa: E402
from hoshin.engine.insights.forecast import combine, forecast_cycle  # noqa: E402
from hoshin.engine.insights.series import Series  # noqa: E402
from hoshin.engine.scoring import score_organization  # noqa: E402
from hoshin.engine.snapshot import (  # noqa: E402
    KeyResultSnapshot, KpiSnapshot, Link, OkrObjectiveSnapshot, OrganizationSnapshot, StrategicObjectiveSnapshot,
)

NOISE_LEVELS = {"low": 0.5, "demo": 1.0, "high": 2.0}
DEMO_NOISE_RATIOS = (0.2, 1.25)
LAGS = (0, 7, 14, 30, 60, 90)
START = np.datetime64("2023-01-02")

SIZES = {
    # organizations per setting, groups per organization, links timed
    "tiny": {"organizations": 1, "groups": 8, "timed_links": 200, "histories": (365, 730), "fault_seeds": 5,
             "backtest": {"organizations": ("industry",), "seeds": (1,), "cycle_ends": (582, 673)}},
    "full": {"organizations": 10, "groups": 12, "timed_links": 10_000, "histories": (365, 730), "fault_seeds": 50,
             "backtest": {"organizations": ("industry", "financial", "retail"), "seeds": (1, 2, 3),
                          "cycle_ends": (400, 491, 582, 673)}},
}


@dataclass(frozen=True)
class Driver:
    cause: str
    effect: str
    sign: int
    lag_days: int
    weight: float


@dataclass
class Organization:
    series: dict[str, Series]
    real: list[Driver]
    unrelated: list[tuple[str, str, int, int]]
    daily: dict[str, np.ndarray]


def generate(rng: np.random.Generator, groups: int, days: int, noise_scale: float) -> Organization:
    """Generate `groups` independent chains of 3 to 5 KPIs with `days` days of data each."""
    pre = max(LAGS) * 4
    dates = START + np.arange(days)
    all_days = START - pre + np.arange(days + pre)
    visible = slice(pre, pre + days)
    values, standardized, drivers, members = {}, {}, [], []
    for group in range(groups):
        size = int(rng.integers(3, 6))
        keys = [f"g{group}-k{index}" for index in range(size)]
        members.append(keys)
        for index, key in enumerate(keys):
            mine = []
            if index > 0:
                mine.append(Driver(keys[index - 1], key, int(rng.choice([-1, 1])), int(rng.choice(LAGS)),
                                   float(rng.uniform(0.45, 0.9))))
            daily = kpi_series(rng, all_days, visible, mine, standardized, noise_scale)
            values[key] = daily
            standardized[key] = demo_series.standardize(daily, visible)
            drivers.extend(mine)
    unrelated = []
    while len(unrelated) < len(drivers):
        first, second = rng.choice(len(members), size=2, replace=False)
        unrelated.append((str(rng.choice(members[first])), str(rng.choice(members[second])),
                          int(rng.choice([-1, 1])), int(rng.choice(LAGS))))
    series = {key: Series.of("daily", dates, daily[visible]) for key, daily in values.items()}
    return Organization(series, drivers, unrelated, {key: daily[visible] for key, daily in values.items()})


def kpi_series(rng, days, visible, drivers, standardized, noise_scale) -> np.ndarray:
    """Return one KPI's daily values, by the demo simulator's formula."""
    spread = 1.0
    signal = np.zeros(days.size)
    for driver in drivers:
        signal += driver.weight * driver.sign * demo_series.shift(standardized[driver.cause], driver.lag_days)
    own = demo_series.ar1(rng, days.size, float(rng.uniform(0.8, 0.95)))
    values = spread * (signal + np.sqrt(max(0.0, 1 - sum(d.weight**2 for d in drivers))) * own)
    progress = np.clip((np.arange(days.size) - visible.start) / (days.size - visible.start - 1), 0, 1)
    values += rng.uniform(-1, 1) * spread * (progress - 0.5)
    values += rng.normal(0, 0.3 * spread, 7)[demo_series.weekdays(days)]
    values += demo_series.annual_wave(days, rng.uniform(0, 0.3) * spread, int(rng.integers(1, 366)))
    values += noise_scale * rng.uniform(*DEMO_NOISE_RATIOS) * spread * rng.standard_normal(days.size)
    return values


def evidence_rates(size: dict, seed: int) -> list[dict]:
    rows = []
    for history in size["histories"]:
        for level, scale in NOISE_LEVELS.items():
            rng = np.random.default_rng([seed, history, int(scale * 10)])
            counts = {"real": 0, "real_supported": 0, "real_contradicted": 0, "unrelated": 0, "unrelated_supported": 0}
            for _ in range(size["organizations"]):
                organization = generate(rng, size["groups"], history, scale)
                specs = [LinkSpec(f"real:{i}", d.cause, d.effect, d.sign, d.lag_days)
                         for i, d in enumerate(organization.real)]
                specs += [LinkSpec(f"unrelated:{i}", cause, effect, sign, lag)
                          for i, (cause, effect, sign, lag) in enumerate(organization.unrelated)]
                verdicts = evaluate(specs, organization.series)
                for spec, verdict in zip(specs, verdicts, strict=True):
                    if spec.key.startswith("real"):
                        counts["real"] += 1
                        counts["real_supported"] += verdict.verdict == SUPPORTED
                        counts["real_contradicted"] += verdict.verdict == CONTRADICTED
                    else:
                        counts["unrelated"] += 1
                        counts["unrelated_supported"] += verdict.verdict == SUPPORTED
            rows.append({"history_days": history, "noise": level, **counts})
    return rows


def evidence_timing(size: dict, seed: int) -> tuple[int, int, float, float]:
    """Time `evaluate` on `timed_links` links among 2,000 KPIs (fewer at tiny size) over two years of daily data."""
    rng = np.random.default_rng(seed)
    kpis = min(2_000, size["timed_links"])
    groups = max(1, kpis // 4)
    organization = generate(rng, groups, 730, 1.0)
    keys = list(organization.series)
    causes = rng.integers(0, len(keys), size["timed_links"])
    effects = (causes + rng.integers(1, len(keys), size["timed_links"])) % len(keys)
    specs = [LinkSpec(str(i), keys[c], keys[e], 1, int(rng.choice(LAGS))) for i, (c, e) in enumerate(zip(causes, effects))]
    started, cpu = time.perf_counter(), time.process_time()
    evaluate(specs, organization.series)
    return len(specs), len(keys), time.perf_counter() - started, time.process_time() - cpu


OPERATIONAL = ("ops-a", "ops-b", "ops-c")
# The data ends 50 days into a 91-day cycle, 10 days after the step change began.
CYCLE_DAYS = 91
CYCLE_ELAPSED = 50
# Operational KPIs are counts or levels well above zero, so ratio scoring applies.
LEVEL = 100.0


def fault_scenario(rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray, str]:
    """Simulate a strategic KPI driven by three operational KPIs, and a step change in one of them.

    The step starts 40 days before the end of the data, in the running
    cycle, and moves that KPI by 2.5 of its spreads against its target.
    """
    days = START + np.arange(730)
    pre = 60
    all_days = START - pre + np.arange(730 + pre)
    visible = slice(pre, pre + 730)
    faulty = str(rng.choice(OPERATIONAL))
    values, standardized = {}, {}
    for key in OPERATIONAL:
        daily = kpi_series(rng, all_days, visible, [], standardized, 1.0)
        if key == faulty:
            daily[-40:] -= 2.5 * daily[visible].std()
        values[key] = daily
        standardized[key] = demo_series.standardize(daily, visible)
    weights = rng.dirichlet(np.ones(3)) * 0.85
    drivers = [Driver(key, "strategic", 1, int(rng.choice((0, 7))), float(np.sqrt(weight)))
               for key, weight in zip(OPERATIONAL, weights, strict=True)]
    values["strategic"] = kpi_series(rng, all_days, visible, drivers, standardized, 1.0)
    return {key: LEVEL + daily[visible] for key, daily in values.items()}, days, faulty


def explain_rank(rng: np.random.Generator) -> bool:
    """Score a faulty scenario with the engine, test its feeds, and tell whether the faulty KPI ranks first."""
    values, days, faulty = fault_scenario(rng)
    as_of = days[-1].astype(object)
    cycle_start = as_of - dt.timedelta(days=CYCLE_ELAPSED - 1)
    cycle_end = cycle_start + dt.timedelta(days=CYCLE_DAYS - 1)
    before = days < np.datetime64(cycle_start)
    kpis, key_results = [], []
    for key, daily in values.items():
        level, spread = daily[before][-90:].mean(), daily[before].std()
        kpis.append(KpiSnapshot(key, "mean", "daily", target=level + 0.5 * spread, green=level + 0.5 * spread,
                                yellow=level - spread))
        if key != "strategic":
            key_results.append(KeyResultSnapshot(f"kr-{key}", "okr", "increase", baseline=level - 0.5 * spread,
                                                 target=level + 0.5 * spread, source_kpi=key))
    snapshot = OrganizationSnapshot(
        kpis=tuple(kpis), key_results=tuple(key_results),
        okr_objectives=(OkrObjectiveSnapshot("okr", cycle_start, cycle_end, strategic_objectives=(Link("goal"),)),),
        strategic_objectives=(StrategicObjectiveSnapshot("goal", "customer", "company", kpis=(Link("strategic"),)),),
        measurements=pl.DataFrame({
            "kpi_id": np.repeat(list(values), days.size),
            "day": np.tile(days, len(values)),
            "value": np.concatenate(list(values.values())),
        }),
    )
    report = score_organization(snapshot, as_of)
    series = {key: Series.of("daily", days, daily) for key, daily in values.items()}
    verdicts = evaluate([LinkSpec(key, key, "strategic", 1, 0) for key in OPERATIONAL], series)
    evidence = dict(zip(OPERATIONAL, verdicts, strict=True))
    contributors = [Contributor("kpi", "strategic", 0.5, report.kpis["strategic"].score)]
    for key in OPERATIONAL:
        kr = report.key_results[f"kr-{key}"]
        contributors.append(Contributor("key_result", f"kr-{key}", 0.5 / 3, kr.score, kr.expected_progress,
                                        evidence[key].verdict, evidence[key].result.correlation, kpi=key,
                                        raw=kr.progress_raw))
    ranked = attribute(contributors, "strategic")
    return (ranked[0].kind, ranked[0].key) == ("kpi", faulty)


def forecast_coverage(size: dict) -> tuple[int, int]:
    """Backtest the forecasts on the demo simulator's daily KPIs: how often the 80 % interval held the result.

    Each 91-day cycle ends `cycle_ends` days into the two simulated years;
    the forecast is made 30 and 60 days into it, from the data up to then.
    """
    from hoshin.demo.simulator import load_scenario, simulate
    from hoshin.demo.strategies import render_strategy

    inside = total = 0
    for name in size["backtest"]["organizations"]:
        rendered = render_strategy(name, dt.date(2025, 5, 20))
        definitions = {kpi["key"]: kpi for kpi in rendered.data["kpis"]}
        for seed in size["backtest"]["seeds"]:
            simulation = simulate(rendered.data, load_scenario(name), seed=seed, today=dt.date(2025, 5, 20))
            for key, kpi_series_ in simulation.series.items():
                if definitions[key]["frequency"] != "daily":
                    continue
                aggregation, values = definitions[key]["aggregation"], kpi_series_.values
                for end in size["backtest"]["cycle_ends"]:
                    start = end - CYCLE_DAYS
                    realised = combine(values[start:end][None, :], np.empty((1, 0)), aggregation)[0]
                    for elapsed in (30, 60):
                        forecast = forecast_cycle(values[: start + elapsed], elapsed, CYCLE_DAYS - elapsed,
                                                  aggregation, "daily", seed)
                        if forecast.low is not None:
                            inside += forecast.low <= realised <= forecast.high
                            total += 1
    return inside, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    size = SIZES[args.size]
    print(f"evidence bench, size {args.size}, Python {platform.python_version()}, {platform.machine()}")

    print("\nevidence for links (daily data)")
    print(f"{'history':>8} {'noise':>6} {'real':>5} {'supported':>10} {'contradicted':>13} {'unrelated':>10} {'supported':>10}")
    for row in evidence_rates(size, args.seed):
        print(f"{row['history_days']:>7}d {row['noise']:>6} {row['real']:>5} "
              f"{row['real_supported'] / row['real']:>10.1%} {row['real_contradicted']:>13} "
              f"{row['unrelated']:>10} {row['unrelated_supported'] / row['unrelated']:>10.1%}")

    rng = np.random.default_rng(args.seed)
    hits = sum(explain_rank(rng) for _ in range(size["fault_seeds"]))
    print(f"\nexplain: the KPI with a step change ranks first in {hits} of {size['fault_seeds']} seeds "
          f"({hits / size['fault_seeds']:.0%})")

    inside, total = forecast_coverage(size)
    print(f"\nforecasts: the 80 % interval held the realised end-of-cycle value in {inside} of {total} "
          f"backtests ({inside / total:.0%})")

    links, kpis, seconds, cpu = evidence_timing(size, args.seed)
    print(f"\ntiming: {links:,} links among {kpis:,} KPIs, 730 daily values each: {seconds:.1f} s "
          f"({cpu:.1f} s of CPU)")


if __name__ == "__main__":
    main()
