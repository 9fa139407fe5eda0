"""The strategy-file format, version 1: every section, field, type and default.

The importer reads files with these definitions and
`docs/strategy-file.schema.json` is generated from them by `json_schema()`.
"""

import json

from hoshin.core.choices import (
    Aggregation,
    Direction,
    Frequency,
    IndicatorType,
    KeyResultType,
    KpiKind,
    ProrateBy,
    RollupMode,
    Sign,
    Visibility,
)
from hoshin.interchange.fields import Field, KeyOrMapping, ListOf, Mapping
from hoshin.interchange.scalar_fields import (
    Boolean,
    Choice,
    Date,
    Integer,
    Key,
    Label,
    Number,
    NumberOrBand,
    Text,
    Timestamp,
    Version,
    Weight,
)

HEADER = "# Strategy file (format version 1)"


def _key(entity: str) -> Field:
    return Field("key", Key(), f"Stable identifier of the {entity}, used for references and re-imports.", required=True)


def _name(max_length: int) -> Field:
    return Field("name", Text(max_length, blank=False), "Name shown to people.", required=True)


def _ref(name: str, entity: str, *, required: bool = True) -> Field:
    return Field(name, Text(64, blank=False), f"Key of the {entity}.", required=required)


def _archived() -> Field:
    return Field("archived", Boolean(), "Archived entries stay in history but leave roll-ups and lists.", default=False)


def _description() -> Field:
    return Field("description", Text(), "Longer explanation.", default="")


ORGANIZATION = Mapping([
    _key("organization"),
    Field("name", Text(200, blank=False), "Name shown to people.", required=True),
    Field("time_zone", Text(64, blank=False), "IANA time zone in which dates are read, such as America/Sao_Paulo.",
          default="UTC"),
    Field("fiscal_year_start_month", Integer(1, 12), "Month (1-12) in which the fiscal year starts.", default=1),
    Field("locale", Text(10, blank=False), "Language and region for display, such as pt-BR.", default="en"),
    Field("week_start", Integer(0, 6), "First day of the week: 0 is Monday, 6 is Sunday.", default=0),
    Field("prorate_by", Choice(ProrateBy.values), "How targets of sum KPIs are pro-rated to date.", default="days"),
    Field("visibility", Choice(Visibility.values), "Who sees what inside the organization.", default="open"),
], doc="The organization the file describes, matched by key.")

UNIT = Mapping([
    _key("unit"),
    _name(200),
    _ref("parent", "parent unit; left out for the top of the tree", required=False),
    _archived(),
], doc="A node of the organization's tree.")

PERSPECTIVE = Mapping([_key("perspective"), _name(200), _archived()],
                      doc="A balanced-scorecard perspective; the list order is the display order.")

STRATEGIC_KPI = Mapping([
    _ref("kpi", "KPI"),
    Field("weight", Weight(), "Weight of this KPI in the objective's score.", default=1.0),
])

STRATEGIC_OBJECTIVE = Mapping([
    _key("strategic objective"),
    _name(300),
    _description(),
    _ref("perspective", "perspective"),
    _ref("unit", "owning unit"),
    Field("kpis", ListOf(KeyOrMapping("kpi", STRATEGIC_KPI)),
          "KPIs that measure the objective: keys, or {kpi, weight} mappings.", default=[]),
    Field("rollup_mode", Choice(RollupMode.values), "How the children's scores combine.", default="mean"),
    Field("weight", Weight(), "Weight of the objective in roll-ups.", default=1.0),
    _archived(),
], doc="A balanced-scorecard objective in one perspective, owned by a unit.")

LINK = Mapping([
    _ref("from", "strategic objective that drives the other"),
    _ref("to", "strategic objective that is driven"),
    Field("hypothesis", Text(), "Why the cause should move the effect.", default=""),
    Field("sign", Choice(Sign.values), "positive: more of the cause brings more of the effect.", default="positive"),
    Field("lag_days", Integer(0), "Days the effect is expected to take.", default=0),
    _archived(),
], doc="A cause-effect link on the strategy map, matched by its from and to keys.")

CYCLE = Mapping([
    Field("key", Label(64), "Key of the custom cycle, referenced by OKRs.", required=True),
    Field("name", Text(200, blank=False), "Name shown to people; the key when left out."),
    Field("start", Date(), "First day of the cycle.", required=True),
    Field("end", Date(), "Last day of the cycle, inclusive.", required=True),
], doc="A custom OKR cycle. Fiscal quarters (2026-Q1) and years (2026) need no entry.")

SCALE = Mapping([
    Field("min", Number(), "Lowest valid value."),
    Field("max", Number(), "Highest valid value."),
], doc="Values outside the scale are reported as out of range.")

THRESHOLDS = Mapping([
    Field("green", NumberOrBand(), "Green bound; a band [low, high] for a target_range KPI."),
    Field("yellow", NumberOrBand(), "Yellow bound; a band [low, high] for a target_range KPI."),
], doc="Status bounds, read in the KPI's direction; bounds on the good side are inclusive.")

TARGET = Mapping([
    Field("period", Label(20), "Period label: 2026, 2026-Q1, 2026-03, 2026-W11 or 2026-03-14.", required=True),
    Field("value", Number(), "Target value for the period.", required=True),
])

KPI = Mapping([
    _key("KPI"),
    _name(300),
    _description(),
    Field("unit_of_measure", Text(40), 'Unit of the values, such as MWh or "%".', default=""),
    Field("direction", Choice(Direction.values), "Which way is good.", default="higher_is_better"),
    Field("frequency", Choice(Frequency.values), "How often a value is measured.", default="monthly"),
    Field("aggregation", Choice(Aggregation.values), "How values combine over a longer period.", default="mean"),
    Field("kind", Choice(KpiKind.values), "count: a missing period is 0; level: it is no data.", default="level"),
    Field("indicator_type", Choice(IndicatorType.values), "Leading or lagging indicator.", default="lagging"),
    _ref("unit", "owning unit"),
    Field("scale", SCALE, "Valid range of values."),
    Field("thresholds", THRESHOLDS, "Status thresholds."),
    Field("targets", ListOf(TARGET), "Targets by period.", default=[]),
    _archived(),
], doc="An indicator with its definition, thresholds and targets.")

ALIGNMENT = Mapping([
    _ref("key", "strategic objective or parent OKR objective"),
    Field("weight", Weight(), "Weight of this OKR objective in what it serves.", default=1.0),
])

RANGE = Mapping([
    Field("low", Number(), "Lowest value inside the range.", required=True),
    Field("high", Number(), "Highest value inside the range.", required=True),
])

SOURCE = Mapping([
    _ref("kpi", "KPI whose values feed the key result"),
    Field("aggregation", Choice(Aggregation.values),
          "How the KPI's values combine over the cycle; the KPI's own aggregation when left out.", default=""),
])

CHECK_IN = Mapping([
    Field("measured_on", Date(), "Day the check-in measures; it must lie in the OKR's cycle.", required=True),
    Field("value", Number(), "Value measured; for every type except milestone."),
    Field("done", Boolean(), "Whether a milestone is reached; for milestones only."),
    Field("confidence", Integer(0, 10), "Confidence of reaching the target, 0 to 10."),
    Field("comment", Text(), "Note from the person who checked in.", default=""),
    Field("entered_at", Timestamp(), "When the check-in was entered; the start of the import when left out."),
], doc="An update of a key result, matched by measured_on, value (or done) and comment.")

KEY_RESULT = Mapping([
    Field("key", Key(), "Stable identifier, unique in the organization.", required=True),
    _name(300),
    Field("type", Choice(KeyResultType.values), "What kind of result it is.", default="increase"),
    Field("baseline", Number(), "Value at the start; required for increase and decrease."),
    Field("target", Number(), "Value to reach or to hold; must differ from the baseline."),
    Field("range", RANGE, "Band to stay within; for within_range."),
    Field("unit_of_measure", Text(40), "Unit of the values.", default=""),
    Field("weight", Weight(), "Weight of the key result in the objective's score.", default=1.0),
    Field("source", SOURCE, "KPI that feeds the key result, instead of manual check-ins."),
    Field("owner", Text(150, blank=False), "Username of the person who owns the key result."),
    _archived(),
    Field("check_ins", ListOf(CHECK_IN), "Manual updates; added, never removed, by an import.", default=[]),
], doc="A verifiable result of an OKR objective.")

OKR = Mapping([
    _key("OKR objective"),
    _name(300),
    _description(),
    _ref("unit", "owning unit"),
    Field("cycle", Label(64), "Cycle key: a fiscal quarter such as 2026-Q1, a fiscal year such as 2026, "
          "or a custom cycle.", required=True),
    Field("aligned_to", ListOf(KeyOrMapping("key", ALIGNMENT)),
          "Strategic objectives and parent OKR objectives served: keys, or {key, weight} mappings.", default=[]),
    Field("rollup_mode", Choice(RollupMode.values), "How the key results' scores combine.", default="mean"),
    _archived(),
    Field("key_results", ListOf(KEY_RESULT), "The key results, in display order.", default=[]),
], doc="A qualitative goal of one unit in one cycle.")

DOCUMENT = Mapping([
    Field("version", Version(), "Format version; always 1.", required=True),
    Field("organization", ORGANIZATION, "The organization.", required=True),
    Field("units", ListOf(UNIT), "The unit tree.", default=[]),
    Field("perspectives", ListOf(PERSPECTIVE), "Balanced-scorecard perspectives, in display order.", default=[]),
    Field("strategic_objectives", ListOf(STRATEGIC_OBJECTIVE), "The balanced scorecard.", default=[]),
    Field("cause_effect", ListOf(LINK), "The strategy map.", default=[]),
    Field("cycles", ListOf(CYCLE), "Custom OKR cycles.", default=[]),
    Field("kpis", ListOf(KPI), "KPI definitions.", default=[]),
    Field("okrs", ListOf(OKR), "OKR objectives with their key results.", default=[]),
])


def json_schema() -> dict:
    """Describe the format as a JSON Schema (draft 2020-12) document."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Hoshin strategy file, format version 1",
        "description": "One organization's units, balanced scorecard, cause-effect links, KPI definitions and OKRs.",
    } | DOCUMENT.schema()


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(json_schema_text(), end="")
