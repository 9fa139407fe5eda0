"""The demo organizations' strategy files and the placeholders they use for dates.

The three simulated organizations (`industry.yaml`, `financial.yaml`,
`retail.yaml`) are strategy-file templates. Their OKRs belong to the fiscal
quarter that contains the load date and to the quarter before it. So the
cycle labels, the OKR and key-result keys built from them, and the fiscal
years of KPI targets are placeholders in `string.Template` syntax:

- `${current_quarter}`, `${previous_quarter}`: fiscal quarter labels, e.g. `2026-Q1`
- `${current_slug}`, `${previous_slug}`: the same in lower case, for keys
- `${current_year}`, `${previous_year}`: fiscal year labels, e.g. `2026`

`render_strategy` fills them in from the organization's fiscal start month.
`public-data.yaml` has no placeholders.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from hoshin.engine import periods

STRATEGY_DIR = Path(__file__).resolve().parent
# The C parser when PyYAML was built with libyaml: it parses these files about eight times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SIMULATED = ("industry", "financial", "retail")
PUBLIC_DATA = "public-data"


@dataclass(frozen=True)
class RenderedStrategy:
    """A strategy file ready to import: its YAML text and the parsed document."""

    name: str
    text: str
    data: dict


def strategy_path(name: str) -> Path:
    return STRATEGY_DIR / f"{name}.yaml"


def cycle_labels(today: dt.date, fiscal_year_start_month: int) -> dict[str, str]:
    """Return the placeholder values for the fiscal quarter containing `today` and the one before."""
    current = periods.period_of(today, "quarterly", fiscal_year_start_month)
    previous = periods.shift_period(current, -1, fiscal_year_start_month)
    return {
        "current_quarter": current.label,
        "previous_quarter": previous.label,
        "current_slug": current.label.lower(),
        "previous_slug": previous.label.lower(),
        "current_year": current.label.split("-")[0],
        "previous_year": str(int(current.label.split("-")[0]) - 1),
    }


def render_strategy(name: str, today: dt.date) -> RenderedStrategy:
    """Read the strategy file `name` and fill in its cycle placeholders for `today`.

    The placeholders only appear in plain block scalars, so the template
    itself parses as YAML, which gives the fiscal start month needed to
    name the quarters.
    """
    template = strategy_path(name).read_text(encoding="utf-8")
    fiscal_start = yaml.load(template, Loader=YAML_LOADER)["organization"].get("fiscal_year_start_month", 1)
    text = string.Template(template).substitute(cycle_labels(today, fiscal_start))
    return RenderedStrategy(name=name, text=text, data=yaml.load(text, Loader=YAML_LOADER))
