"""The ground truth of the demo simulation, as a JSON document.

For each simulated organization the document lists every cause-effect
link and whether the data really carries it. It also lists every KPI feed
(the strategic objectives and key results each KPI measures), the drivers
between KPIs that the simulator applied, and the weak indicators planted
on purpose. It depends only on the seed, the date and the files, so the
same inputs give a byte-identical file.
"""

from __future__ import annotations

import json
from pathlib import Path

from hoshin.demo.simulator import Simulation, objective_kpis

FORMAT_VERSION = 1
SIGN_WORDS = {1: "positive", -1: "negative"}


def kpi_feeds(strategy: dict) -> dict[str, list[dict]]:
    """Return, for every KPI of the strategy file, the objectives and key results it feeds."""
    feeds: dict[str, list[dict]] = {kpi["key"]: [] for kpi in strategy["kpis"]}
    for objective in strategy["strategic_objectives"]:
        for kpi in objective_kpis(objective):
            feeds[kpi].append({"type": "strategic_objective", "key": objective["key"]})
    for okr in strategy.get("okrs", []):
        for key_result in okr.get("key_results", []):
            source = (key_result.get("source") or {}).get("kpi")
            if source:
                feeds[source].append({"type": "key_result", "key": key_result["key"], "okr": okr["key"],
                                      "cycle": okr["cycle"]})
    return feeds


def organization_truth(strategy: dict, simulation: Simulation) -> dict:
    feeds = kpi_feeds(strategy)
    planted = simulation.planted
    stale_key = planted["stale"]["kpi"]
    stale_dates = simulation.series[stale_key].dates()
    unsupported = [link for link in simulation.links if not link.real]
    return {
        "name": strategy["organization"]["name"],
        "links": [
            {
                "from": link.cause, "to": link.effect, "real": link.real, "sign": link.sign,
                "lag_days": link.lag_days, "cause_kpi": link.cause_kpi, "effect_kpi": link.effect_kpi,
                "kpi_sign": SIGN_WORDS[link.kpi_sign], "weight": link.weight,
            }
            for link in simulation.links
        ],
        "kpi_feeds": [{"kpi": kpi, "feeds": targets} for kpi, targets in feeds.items()],
        "drivers": [
            {
                "cause_kpi": driver.cause, "effect_kpi": driver.effect, "sign": SIGN_WORDS[driver.sign],
                "lag_days": driver.lag_days, "weight": driver.weight,
                "link": {"from": driver.link[0], "to": driver.link[1]} if driver.link else None,
            }
            for driver in simulation.drivers
        ],
        "weak_indicators": {
            "orphan": planted["orphan"],
            "duplicate": list(planted["duplicate"]),
            "stale": {
                "kpi": stale_key,
                "stopped_days_ago": planted["stale"]["stopped_days_ago"],
                "last_period_start": stale_dates[-1].isoformat() if stale_dates else None,
            },
            "unsupported_links": [{"from": link.cause, "to": link.effect} for link in unsupported],
        },
    }


def build_truth(seed: int, today, organizations: dict[str, dict]) -> dict:
    """Wrap the per-organization truths (keyed by organization key) with the inputs that produced them."""
    return {"format_version": FORMAT_VERSION, "seed": seed, "today": today.isoformat(), "organizations": organizations}


def write_truth(document: dict, path: Path) -> None:
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
