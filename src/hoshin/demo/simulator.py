"""Seeded simulation of two years of KPI measurements for a demo organization.

The simulator reads a strategy file (already rendered, see
`hoshin.demo.strategies`) and a scenario in `scenarios/<name>.yaml`. The
scenario contains what the strategy file must not reveal: how each KPI behaves
(level, spread, trend, seasonality, noise), which KPIs drive which, and
which cause-effect links are real. Each KPI is simulated as a daily series,
then aggregated to its own frequency:

    x_t = spread * (sum_j w_j * s_j * z_j[t - lag_j] + sqrt(1 - sum_j w_j^2) * own_t)
          + change * ramp_t + weekly[weekday_t] + annual_t + noise * e_t

`z_j` is driver j's daily series standardized over the visible window,
`s_j` its sign on the KPI values, `own` a unit AR(1) process and `e` white
noise; the result is shifted so that its mean over the visible window is
`level`. A cause-effect link "A drives B" becomes a driver from A's first KPI
to B's first KPI with the link's lag, unless the scenario marks it
`real: false`, in which case B does not depend on A at all.

A link's sign speaks of the objectives ("more of A brings more of B"), so its
sign on KPI values also depends on the KPIs' directions: better skills drive
a lower energy per ton, which is a positive link between a higher-is-better
and a lower-is-better KPI. `kpi_sign` = link sign × direction(cause KPI) ×
direction(effect KPI), with +1 for higher-is-better and target-range KPIs
and -1 for lower-is-better ones.

The same seed, date and files give identical series: every KPI draws from
its own generator, seeded by the seed, the organization key and the KPI key.
"""

from __future__ import annotations

import datetime as dt
import graphlib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from hoshin.demo import series

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
WINDOW_DAYS = 730
DEFAULT_LINK_WEIGHT = 0.6
SIGNS = {"positive": 1, "negative": -1}
DIRECTION_SIGNS = {"higher_is_better": 1, "lower_is_better": -1, "target_range": 1}


class ScenarioError(ValueError):
    """The scenario does not fit the strategy file it simulates."""


@dataclass(frozen=True)
class Driver:
    """KPI `cause` moves KPI `effect` after `lag_days`, with `sign` on their values."""

    cause: str
    effect: str
    sign: int
    lag_days: int
    weight: float
    link: tuple[str, str] | None = None


@dataclass(frozen=True)
class LinkTruth:
    """Ground truth of one cause-effect link: whether the data carries it, and between which KPIs."""

    cause: str
    effect: str
    real: bool
    sign: str
    lag_days: int
    cause_kpi: str
    effect_kpi: str
    kpi_sign: int
    weight: float


@dataclass
class KpiSeries:
    """The measurements of one KPI: one value per period that starts in the window.

    Ratio KPIs also carry the numerator and denominator of each period, and
    their value is numerator / denominator.
    """

    key: str
    period_starts: np.ndarray
    values: np.ndarray
    numerators: np.ndarray | None = None
    denominators: np.ndarray | None = None

    def dates(self) -> list[dt.date]:
        return self.period_starts.astype(object).tolist()


@dataclass
class Simulation:
    organization: str
    seed: int
    today: dt.date
    first_day: dt.date
    series: dict[str, KpiSeries]
    drivers: list[Driver]
    links: list[LinkTruth]
    planted: dict
    daily: dict[str, np.ndarray] = field(repr=False, default_factory=dict)


def objective_kpis(objective: dict) -> list[str]:
    """Return the keys of a strategic objective's KPIs, written as keys or as {kpi, weight} mappings."""
    return [entry if isinstance(entry, str) else entry["kpi"] for entry in objective.get("kpis", [])]


def load_scenario(name: str) -> dict:
    return yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def kpi_generator(seed: int, organization: str, kpi: str) -> np.random.Generator:
    """Return the random generator of one KPI; crc32 keeps it stable across Python runs."""
    return np.random.default_rng([seed, zlib.crc32(organization.encode()), zlib.crc32(kpi.encode())])


def simulate(strategy: dict, scenario: dict, *, seed: int, today: dt.date) -> Simulation:
    """Simulate every KPI of `strategy` for the `WINDOW_DAYS` days ending on `today`."""
    org_key = strategy["organization"]["key"]
    week_start = strategy["organization"].get("week_start", 0)
    definitions = {kpi["key"]: kpi for kpi in strategy["kpis"]}
    specs = scenario["kpis"]
    _check_kpis_match(definitions, specs)

    links = _resolve_links(strategy, scenario, definitions)
    drivers = _operational_drivers(specs) + [
        Driver(link.cause_kpi, link.effect_kpi, link.kpi_sign, link.lag_days, link.weight, (link.cause, link.effect))
        for link in links
        if link.real
    ]
    order = _simulation_order(specs, drivers)
    pre_days = _longest_lag(order, drivers)

    first_day = today - dt.timedelta(days=WINDOW_DAYS - 1)
    days = np.arange(np.datetime64(first_day - dt.timedelta(days=pre_days)), np.datetime64(today + dt.timedelta(days=1)))
    visible = slice(pre_days, days.size)
    daily, numerators, standardized = {}, {}, {}
    for key in order:
        rng = kpi_generator(seed, org_key, key)
        values = _daily_series(key, specs[key], days, visible, rng, drivers, daily, numerators, standardized, week_start)
        daily[key] = values
        standardized[key] = series.standardize(values, visible)
        if "denominator" in specs[key]:
            numerators[key] = np.round(values * daily[specs[key]["denominator"]], specs[key].get("numerator_decimals", 2))

    stale = scenario["planted"]["stale"]
    result = {}
    for key, definition in definitions.items():
        stop_before = today - dt.timedelta(days=stale["stopped_days_ago"]) if key == stale["kpi"] else None
        result[key] = _measurements(key, definition, specs[key], days[visible], visible, daily, numerators,
                                    week_start, stop_before)
    return Simulation(org_key, seed, today, first_day, result, drivers, links, scenario["planted"],
                      daily={key: values[visible] for key, values in daily.items()})


def _check_kpis_match(definitions: dict, specs: dict) -> None:
    missing = sorted(set(definitions) - set(specs))
    unknown = sorted(set(specs) - set(definitions))
    if missing or unknown:
        raise ScenarioError(f"scenario and strategy file disagree: no simulation for {missing}, unknown KPIs {unknown}")


def _resolve_links(strategy: dict, scenario: dict, definitions: dict) -> list[LinkTruth]:
    """Map each cause-effect link to the first KPIs of its two objectives."""
    first_kpi = {objective["key"]: objective_kpis(objective)[0] for objective in strategy["strategic_objectives"]}
    settings = {(entry["from"], entry["to"]): entry for entry in scenario.get("links", [])}
    declared = {(link["from"], link["to"]) for link in strategy.get("cause_effect", [])}
    unknown = sorted(set(settings) - declared)
    if unknown:
        raise ScenarioError(f"scenario sets links that the strategy file does not declare: {unknown}")

    links = []
    for link in strategy.get("cause_effect", []):
        entry = settings.get((link["from"], link["to"]), {})
        cause_kpi, effect_kpi = first_kpi[link["from"]], first_kpi[link["to"]]
        kpi_sign = (SIGNS[link.get("sign", "positive")]
                    * DIRECTION_SIGNS[definitions[cause_kpi]["direction"]]
                    * DIRECTION_SIGNS[definitions[effect_kpi]["direction"]])
        real = entry.get("real", True)
        links.append(LinkTruth(
            cause=link["from"], effect=link["to"], real=real, sign=link.get("sign", "positive"),
            lag_days=int(link.get("lag_days", 0)), cause_kpi=cause_kpi, effect_kpi=effect_kpi, kpi_sign=kpi_sign,
            weight=float(entry.get("weight", DEFAULT_LINK_WEIGHT)) if real else 0.0,
        ))
    return links


def _operational_drivers(specs: dict) -> list[Driver]:
    drivers = []
    for key, spec in specs.items():
        for entry in spec.get("drivers", []):
            drivers.append(Driver(entry["kpi"], key, SIGNS[entry["sign"]], int(entry.get("lag_days", 0)),
                                  float(entry["weight"])))
    return drivers


def _simulation_order(specs: dict, drivers: list[Driver]) -> list[str]:
    sorter = graphlib.TopologicalSorter({key: set() for key in specs})
    for driver in drivers:
        sorter.add(driver.effect, driver.cause)
    for key, spec in specs.items():
        for field_name in ("denominator", "numerator_of", "duplicate_of"):
            if field_name in spec:
                sorter.add(key, spec[field_name])
    try:
        return list(sorter.static_order())
    except graphlib.CycleError as error:
        raise ScenarioError(f"the KPIs drive each other in a cycle: {error.args[1]}") from error


def _longest_lag(order: list[str], drivers: list[Driver]) -> int:
    """Return the longest chain of lags, which is how many days before the window must be simulated."""
    reach = dict.fromkeys(order, 0)
    for key in order:
        for driver in drivers:
            if driver.effect == key:
                reach[key] = max(reach[key], reach[driver.cause] + driver.lag_days)
    return max(reach.values(), default=0)


def _daily_series(key, spec, days, visible, rng, drivers, daily, numerators, standardized, week_start) -> np.ndarray:
    if "duplicate_of" in spec:
        values = daily[spec["duplicate_of"]] * (1 + spec["relative_noise"] * rng.standard_normal(days.size))
    elif "numerator_of" in spec:
        values = numerators[spec["numerator_of"]].copy()
    else:
        values = _driven_series(key, spec, days, visible, rng, drivers, standardized, week_start)
    values = np.clip(values, spec.get("min", -np.inf), spec.get("max", np.inf))
    return np.round(values, spec.get("decimals", 2))


def _driven_series(key, spec, days, visible, rng, drivers, standardized, week_start) -> np.ndarray:
    own = series.ar1(rng, days.size, spec.get("phi", 0.9))
    mine = [driver for driver in drivers if driver.effect == key]
    signal = np.zeros(days.size)
    for driver in mine:
        signal += driver.weight * driver.sign * series.shift(standardized[driver.cause], driver.lag_days)
    own_weight = np.sqrt(max(0.0, 1.0 - sum(driver.weight**2 for driver in mine)))
    values = spec.get("spread", 0.0) * (signal + own_weight * own)

    progress = np.clip((np.arange(days.size) - visible.start) / (days.size - visible.start - 1), 0, 1)
    values += spec.get("change", 0.0) * (progress - 0.5)
    if "weekly" in spec:
        values += np.asarray(spec["weekly"], dtype=float)[series.weekdays(days, week_start)]
    if "annual" in spec:
        values += series.annual_wave(days, spec["annual"]["amplitude"], spec["annual"]["peak_day"])
    values += spec.get("noise", 0.0) * rng.standard_normal(days.size)
    values += spec["level"] - values[visible].mean()
    if spec.get("poisson"):
        values = rng.poisson(np.clip(values, 0, None)).astype(float)
    return values


def _measurements(key, definition, spec, days, visible, daily, numerators, week_start, stop_before) -> KpiSeries:
    index = series.period_index(days, definition["frequency"], week_start)
    if stop_before is not None:
        keep = days[index.stop - 1] < np.datetime64(stop_before)
        index = series.PeriodIndex(index.starts[keep], index.first[keep], index.stop[keep])
    if definition["aggregation"] == "ratio":
        numerator = series.aggregate(numerators[key][visible], index, "sum")
        denominator = series.aggregate(daily[spec["denominator"]][visible], index, "sum")
        return KpiSeries(key, index.starts, numerator / denominator, numerator, denominator)
    values = series.aggregate(daily[key][visible], index, definition["aggregation"])
    return KpiSeries(key, index.starts, np.round(values, spec.get("decimals", 2)))
