"""Validation of the OKR part of a strategy file: objectives, alignments, key results and check-ins."""

from django.contrib.auth import get_user_model

from hoshin.core.errors import ValidationFailed
from hoshin.interchange.checks import Checks, records, valid_key
from hoshin.interchange.errors import ErrorReport
from hoshin.interchange.fields import INVALID, Record, closest
from hoshin.interchange.graphs import cycle_edges, find_cycles, successors_first
from hoshin.interchange.snapshot import CycleDates, Snapshot
from hoshin.okrs.services import validate_key_result


class OkrChecks(Checks):
    """Checks the `okrs` section; `context` is the validator of the other sections."""

    def __init__(self, report: ErrorReport, document: Record, snapshot: Snapshot, context):
        super().__init__(report)
        self.snapshot = snapshot
        self.context = context
        self.okrs: dict[str, Record] = self.unique(records(document["okrs"]), valid_key, "key")
        self.okr_keys = set(self.okrs) | set(snapshot.okr_parents)
        self.cycle_dates: dict[str, CycleDates | None] = {}

    def run(self) -> list[Record]:
        """Check every OKR objective and return them with each parent before the objectives that serve it."""
        parents = {key: list(values) for key, values in self.snapshot.okr_parents.items()}
        for key, record in self.okrs.items():
            self.reference(record, "unit", "unit", self.context.unit_keys)
            self._check_cycle(key, record)
            parents[key] = self._check_alignments(key, record)
        self._check_parent_cycles(parents)
        self._check_key_results()
        order = successors_first(list(self.okrs) + sorted(parents), parents)
        return [self.okrs[key] for key in order if key in self.okrs]

    def _check_cycle(self, key: str, record: Record) -> None:
        label = record["cycle"]
        if label is INVALID:
            self.cycle_dates[key] = None
            return
        dates = self.context.cycle_dates(label)
        if dates is None and label not in self.context.cycles:
            self.field_error(record, "cycle", f"no cycle {label} in the file or in the database; use a fiscal quarter "
                                              "such as 2026-Q1, a fiscal year such as 2026, or list it under cycles")
        self.cycle_dates[key] = dates

    def _check_alignments(self, key: str, record: Record) -> list[str]:
        """Check the aligned_to list and return the keys of the parent OKR objectives in it."""
        items = records(record["aligned_to"])
        self.unique(items, valid_key, "entry")
        strategic_keys = self.context.strategic_keys
        parents = []
        for item in items:
            target = valid_key(item)
            if target is None:
                continue
            if target == key:
                self.field_error(item, "key", f"OKR objective {key} cannot serve itself")
            elif target in strategic_keys and target in self.okr_keys:
                self.field_error(item, "key", f"{target} is the key of a strategic objective and of an OKR objective; "
                                              "rename one of them so the alignment is unambiguous")
            elif target in self.okr_keys:
                parents.append(target)
            elif target not in strategic_keys:
                suggestion = closest(target, strategic_keys | self.okr_keys)
                hint = f"; did you mean {suggestion}?" if suggestion else ""
                self.field_error(item, "key", f"no strategic objective or OKR objective with key {target} in the file "
                                              f"or in the database{hint}")
        return parents

    def _check_parent_cycles(self, parents: dict[str, list[str]]) -> None:
        for cycle in find_cycles(sorted(parents), parents):
            found = []
            for child, parent in cycle_edges(cycle):
                record = self.okrs.get(child)
                if record is None:
                    continue
                for item in records(record["aligned_to"]):
                    if item.get("key") == parent:
                        found.append((item.line_of("key"), item, child, parent))
            if not found:
                continue
            _line, item, child, parent = min(found, key=lambda entry: entry[0])
            nodes = cycle[:-1]
            start = nodes.index(child)
            chain = " → ".join(nodes[start:] + nodes[:start] + [child])
            self.field_error(item, "key", f"OKR objective {child} cannot serve {parent} because {parent} already "
                                          f"serves {child} ({chain})")

    def _check_key_results(self) -> None:
        pairs = [(okr, result) for okr in self.okrs.values() for result in records(okr["key_results"])]
        self.unique([result for _okr, result in pairs], valid_key, "key")
        usernames = {result["owner"] for _okr, result in pairs if isinstance(result["owner"], str)}
        known_users = set(
            get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
        )
        for okr, result in pairs:
            source = result["source"]
            if isinstance(source, Record):
                self.reference(source, "kpi", "KPI", self.context.kpi_keys)
            owner = result["owner"]
            if isinstance(owner, str) and owner not in known_users:
                self.field_error(result, "owner", f"no user with username {owner}")
            self._check_numbers(result)
            self._check_check_ins(okr, result)

    def _check_numbers(self, result: Record) -> None:
        value_range = result["range"]
        if value_range is INVALID or not result.valid("type", "baseline", "target", "weight"):
            return
        low, high = (value_range["low"], value_range["high"]) if value_range is not None else (None, None)
        if INVALID in (low, high):
            return
        try:
            validate_key_result({
                "kr_type": result["type"], "baseline": result["baseline"], "target": result["target"],
                "range_low": low, "range_high": high, "weight": result["weight"],
            })
        except ValidationFailed as exc:
            self.entry_error(result, exc.field, exc.message)

    def _check_check_ins(self, okr: Record, result: Record) -> None:
        check_ins = records(result["check_ins"])
        kr_type = result["type"]
        milestone = kr_type == "milestone"
        dates = self.cycle_dates.get(okr["key"])
        for check_in in check_ins:
            if kr_type is not INVALID:
                self._check_check_in_value(check_in, kr_type)
            day = check_in["measured_on"]
            if dates is not None and day is not INVALID and not dates.start <= day <= dates.end:
                self.field_error(check_in, "measured_on", f"{day} is outside the cycle {okr['cycle']} ({dates.start} "
                                                          f"to {dates.end}); a check-in must measure a day of its cycle")

        def identity(check_in):
            measured = check_in["done"] if milestone else check_in["value"]
            if kr_type is INVALID or not check_in.valid("measured_on", "comment") or measured in (None, INVALID):
                return None
            return check_in["measured_on"], measured, check_in["comment"]

        self.unique(check_ins, identity, "check-in", name="measured_on",
                    key_text=lambda key: f"of {key[0]} with {'done' if milestone else 'value'} {key[1]}")

    def _check_check_in_value(self, check_in: Record, kr_type: str) -> None:
        if kr_type == "milestone":
            if check_in.given("value"):
                self.field_error(check_in, "value", "a milestone check-in takes done: true or false, not a value")
            elif check_in["done"] is None:
                self.entry_error(check_in, None, 'missing required field "done" (true or false) for a milestone')
        else:
            if check_in.given("done"):
                self.field_error(check_in, "done", f"only milestone check-ins take done; this key result is of "
                                                   f"type {kr_type}")
            elif check_in["value"] is None:
                self.entry_error(check_in, None, 'missing required field "value"')
