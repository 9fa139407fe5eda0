"""Validation of a whole strategy file against itself and the database, before anything is written.

The field types have already checked each value on its own. These checks
need more than one value: duplicate keys, references to other entries
(in the file or in the database), cycles in the graph the database will
hold after the import, and the model's rules for KPIs and key results.
"""

import functools
import zoneinfo
from dataclasses import dataclass, field

from hoshin.core.errors import ValidationFailed
from hoshin.core.graph import closes_cycle
from hoshin.engine import periods
from hoshin.interchange.checks import Checks, records, valid_key
from hoshin.interchange.errors import ErrorReport
from hoshin.interchange.fields import INVALID, Record, closest
from hoshin.interchange.graphs import cycle_edges, find_cycles, successors_first
from hoshin.interchange.okr_checks import OkrChecks
from hoshin.interchange.snapshot import CycleDates, Snapshot
from hoshin.kpis.services import validate_definition
from hoshin.organizations.services import DEFAULT_PERSPECTIVES


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@dataclass
class Plan:
    """A validated file, with its entries in the order they must be written."""

    organization: Record
    default_perspectives: bool
    units: list[Record]
    perspectives: list[Record]
    strategic_objectives: list[Record]
    links: list[Record]
    cycles: list[Record]
    kpis: list[Record]
    okrs: list[Record]
    okrs_parents_first: list[Record]
    okr_keys: set[str] = field(default_factory=set)
    """Keys of every OKR objective after the import; other aligned_to keys name strategic objectives."""


def is_complete(value) -> bool:
    """Tell whether a value read from the file contains no rejected part at any depth."""
    if value is INVALID:
        return False
    if isinstance(value, dict):
        return all(is_complete(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(is_complete(item) for item in value)
    return True


def kpi_definition(record: Record) -> dict:
    """Return the definition fields of a KPI entry under the model's field names (the unit excluded)."""
    names = ("name", "description", "unit_of_measure", "direction", "frequency", "aggregation", "kind",
             "indicator_type", "archived")
    values = {name: record[name] for name in names}
    scale = record["scale"] or {}
    thresholds = record["thresholds"] or {}
    values["scale_min"], values["scale_max"] = scale.get("min"), scale.get("max")
    for bound in ("green", "yellow"):
        value = thresholds.get(bound)
        values[bound], values[f"{bound}_upper"] = value if isinstance(value, tuple) else (value, None)
    return values


def validate(document: Record, snapshot: Snapshot, report: ErrorReport) -> Plan:
    """Check `document` as a whole and return the plan for writing it; errors go to `report`."""
    return _Validator(document, snapshot, report).run()


class _Validator(Checks):
    def __init__(self, document: Record, snapshot: Snapshot, report: ErrorReport):
        super().__init__(report)
        self.document = document
        self.snapshot = snapshot
        organization = document["organization"]
        self.organization = organization if isinstance(organization, Record) else None
        self.fiscal_month = 1
        if self.organization is not None and self.organization["fiscal_year_start_month"] is not INVALID:
            self.fiscal_month = self.organization["fiscal_year_start_month"]
        self.default_perspectives = snapshot.organization is None and not document.given("perspectives")

        self.units = self.unique(records(document["units"]), valid_key, "key")
        self.perspectives = self.unique(records(document["perspectives"]), valid_key, "key")
        self.strategic = self.unique(records(document["strategic_objectives"]), valid_key, "key")
        self.cycles = self.unique(records(document["cycles"]), valid_key, "key")
        self.kpis = self.unique(records(document["kpis"]), valid_key, "key")

        self.unit_keys = set(self.units) | set(snapshot.unit_parents)
        self.perspective_keys = set(self.perspectives) | snapshot.perspectives
        if self.default_perspectives:
            self.perspective_keys |= {key for key, _name in DEFAULT_PERSPECTIVES}
        self.strategic_keys = set(self.strategic) | snapshot.strategic_objectives
        self.kpi_keys = set(self.kpis) | snapshot.kpis

    def run(self) -> Plan:
        self.check_organization()
        units = self.check_units()
        self.check_strategic_objectives()
        links = self.check_links()
        self.check_cycles()
        self.check_kpis()
        okrs = OkrChecks(self.report, self.document, self.snapshot, self)
        okrs_parents_first = okrs.run()
        return Plan(
            organization=self.organization,
            default_perspectives=self.default_perspectives,
            units=units,
            perspectives=list(self.perspectives.values()),
            strategic_objectives=list(self.strategic.values()),
            links=links,
            cycles=list(self.cycles.values()),
            kpis=list(self.kpis.values()),
            okrs=list(okrs.okrs.values()),
            okrs_parents_first=okrs_parents_first,
            okr_keys=okrs.okr_keys,
        )

    def cycle_dates(self, label: str) -> CycleDates | None:
        """Return the dates of the cycle named `label` after the import, or None when no such cycle can exist."""
        record = self.cycles.get(label)
        if record is not None:
            if not record.valid("start", "end"):
                return None
            return CycleDates(record["start"], record["end"], record["name"] or label)
        if label in self.snapshot.cycles:
            return self.snapshot.cycles[label]
        try:
            period = periods.parse_period_label(label, self.fiscal_month)
        except ValueError:
            return None
        if period.frequency not in ("quarterly", "yearly"):
            return None
        return CycleDates(period.start, period.end, period.label)

    def check_organization(self) -> None:
        if self.organization is None:
            return
        zone = self.organization["time_zone"]
        if zone is not INVALID and zone not in _time_zones():
            suggestion = closest(zone, _time_zones())
            hint = f"; did you mean {suggestion}?" if suggestion else ""
            self.field_error(self.organization, "time_zone",
                             f'"{zone}" is not an IANA time zone such as America/Sao_Paulo{hint}')

    def check_units(self) -> list[Record]:
        parents = dict(self.snapshot.unit_parents)
        for key, record in self.units.items():
            parent = record["parent"]
            parents[key] = None
            if parent == key:
                self.field_error(record, "parent", f"unit {key} cannot be its own parent")
            elif parent is not None and self.reference(record, "parent", "unit", self.unit_keys):
                parents[key] = parent

        edges = {key: [parent] for key, parent in parents.items() if parent is not None}
        for cycle in find_cycles(sorted(parents), edges):
            record, key, parent = self._first_in_file(cycle, lambda key, _next: self.units.get(key), "parent")
            if record is not None:
                chain = " → ".join(_rotate(cycle, key))
                self.field_error(record, "parent", f"unit {key} cannot be placed under {parent} because {parent} "
                                                   f"is inside {key} (parent chain {chain})")
        order = successors_first(list(self.units) + sorted(parents), edges)
        return [self.units[key] for key in order if key in self.units]

    def check_strategic_objectives(self) -> None:
        for record in self.strategic.values():
            self.reference(record, "perspective", "perspective", self.perspective_keys)
            self.reference(record, "unit", "unit", self.unit_keys)
            items = records(record["kpis"])
            self.unique(items, lambda item: valid_key(item, "kpi"), "KPI", name="kpi")
            for item in items:
                self.reference(item, "kpi", "KPI", self.kpi_keys)

    def check_links(self) -> list[Record]:
        def pair_of(record):
            cause, effect = valid_key(record, "from"), valid_key(record, "to")
            return (cause, effect) if cause and effect else None

        links = self.unique(records(self.document["cause_effect"]), pair_of, "link", name="from",
                            key_text=lambda pair: " → ".join(pair))
        active = {pair for pair, archived in self.snapshot.links.items() if not archived}
        new_archived = []
        for pair, record in links.items():
            found_cause = self.reference(record, "from", "strategic objective", self.strategic_keys)
            found_effect = self.reference(record, "to", "strategic objective", self.strategic_keys)
            if not (found_cause and found_effect) or record["archived"] is INVALID:
                continue
            if pair[0] == pair[1]:
                self.entry_error(record, "to", f"strategic objective {pair[0]} cannot drive itself")
            elif record["archived"]:
                active.discard(pair)
                if pair not in self.snapshot.links:
                    new_archived.append(record)
            else:
                active.add(pair)

        edges: dict[str, list[str]] = {}
        for cause, effect in sorted(active):
            edges.setdefault(cause, []).append(effect)
        for cycle in find_cycles(sorted(edges), edges):
            record, cause, effect = self._first_in_file(cycle, lambda *pair: _active_link(links, pair), "from")
            if record is not None:
                chain = " → ".join(_rotate(cycle, cause))
                self.entry_error(record, "from", f"the link {cause} → {effect} closes a cycle on the strategy map "
                                                 f"({chain})")
        for record in new_archived:
            # A new link is created active and archived right after, so it must not close a cycle either.
            cause, effect = record["from"], record["to"]
            if closes_cycle(cause, effect, lambda node: edges.get(node, [])):
                self.entry_error(record, "from", f"the link {cause} → {effect} closes a cycle on the strategy map "
                                                 f"because {effect} already drives {cause}, even though it is archived")
        return list(links.values())

    def check_cycles(self) -> None:
        for key, record in self.cycles.items():
            if not record.valid("start", "end", "name"):
                continue
            start, end = record["start"], record["end"]
            if end < start:
                self.field_error(record, "end", f"the cycle ends ({end}) before it starts ({start})")
                continue
            existing = self.snapshot.cycles.get(key)
            if existing is None:
                continue
            name_differs = record.given("name") and record["name"] != existing.name
            if (start, end) != (existing.start, existing.end) or name_differs:
                self.entry_error(record, None, f"cycle {key} already exists as {existing.name}, {existing.start} to "
                                               f"{existing.end}; an import cannot change a cycle's dates or name")

    def check_kpis(self) -> None:
        for record in self.kpis.values():
            self.reference(record, "unit", "unit", self.unit_keys)
            self._check_threshold_shapes(record)
            if is_complete(record):
                try:
                    validate_definition(kpi_definition(record))
                except ValidationFailed as exc:
                    self.entry_error(record, exc.field, exc.message)
            self._check_targets(record)

    def _check_threshold_shapes(self, record: Record) -> None:
        thresholds, direction = record["thresholds"], record["direction"]
        if not isinstance(thresholds, Record) or direction is INVALID:
            return
        for bound in ("green", "yellow"):
            value = thresholds[bound]
            if value is None or value is INVALID:
                continue
            if direction == "target_range" and not isinstance(value, tuple):
                self.field_error(thresholds, bound, "a target_range KPI takes a band [low, high] here, "
                                                    "not a single number")
                thresholds[bound] = INVALID
            elif direction != "target_range" and isinstance(value, tuple):
                self.field_error(thresholds, bound, f"a {direction} KPI takes a single number here, not a band")
                thresholds[bound] = INVALID

    def _check_targets(self, record: Record) -> None:
        targets = records(record["targets"])
        for target in targets:
            label = target["period"]
            if label is INVALID:
                continue
            try:
                target["period"] = periods.parse_period_label(label, self.fiscal_month).label
            except ValueError:
                self.field_error(target, "period", f'"{label}" is not a period; write 2026, 2026-Q1, 2026-03, '
                                                   "2026-W11 or 2026-03-14")
                target["period"] = INVALID
        self.unique(targets, lambda target: valid_key(target, "period"), "period", name="period")

    def _first_in_file(self, cycle: list[str], record_of, name: str):
        """Return the file entry (with the smallest line) that adds an edge of `cycle`, and that edge."""
        found = []
        for source, target in cycle_edges(cycle):
            record = record_of(source, target)
            if record is not None:
                found.append((record.line_of(name), record, source, target))
        if not found:
            return None, None, None
        _line, record, source, target = min(found, key=lambda item: item[0])
        return record, source, target


def _active_link(links: dict, pair: tuple[str, str]) -> Record | None:
    record = links.get(pair)
    return record if record is not None and record["archived"] is False else None


def _rotate(cycle: list[str], start: str) -> list[str]:
    """Rewrite a cycle path (first node repeated at the end) to start and end at `start`."""
    nodes = cycle[:-1]
    index = nodes.index(start)
    rotated = nodes[index:] + nodes[:index]
    return rotated + [rotated[0]]
