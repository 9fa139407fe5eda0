"""Writing the OKR part of a validated strategy file: objectives, alignments, key results and check-ins."""

from django.contrib.auth import get_user_model

from hoshin.interchange.checks import records
from hoshin.interchange.fields import Record
from hoshin.okrs import services as okr_services
from hoshin.okrs.models import CheckIn, KeyResult, OkrObjective


class OkrWriter:
    """Writes the `okrs` section with the state and helpers of `writer` (an `apply.Writer`)."""

    def __init__(self, writer):
        self.writer = writer
        self.actor = writer.actor
        self.organization = writer.organization
        self.reason = writer.reason

    def run(self) -> None:
        self.okrs = {okr.key: okr for okr in self.writer.own(
            OkrObjective.objects.filter(organization=self.organization).select_related("unit", "cycle"))}
        self.write_objectives()
        self.write_alignments()
        self.write_key_results()

    def write_objectives(self) -> None:
        self.changed: dict[str, list[str]] = {}
        for position, record in enumerate(self.writer.plan.okrs):
            key = record["key"]
            with self.writer.located(record):
                values = {
                    "name": record["name"], "description": record["description"],
                    "unit": self.writer.units[record["unit"]], "cycle": self.writer.cycle_for_label(record["cycle"]),
                    "rollup_mode": record["rollup_mode"], "archived": record["archived"], "position": position,
                }
                okr = self.okrs.get(key)
                if okr is None:
                    self.okrs[key] = okr_services.create_okr_objective(self.actor, self.organization, key=key,
                                                                        **values)
                else:
                    self.changed[key] = okr_services.update_okr_objective(self.actor, okr, reason=self.reason, **values)

    def write_alignments(self) -> None:
        # Parents are written first. Each parent then already serves its final targets,
        # so no intermediate state closes a cycle that the final state does not have.
        for record in self.writer.plan.okrs_parents_first:
            key = record["key"]
            strategic, parents = [], []
            for item in records(record["aligned_to"]):
                target, weight = item["key"], float(item["weight"])
                if target in self.writer.plan.okr_keys:
                    parents.append((self.okrs[target], weight))
                else:
                    strategic.append((self.writer.strategic[target], weight))
            with self.writer.located(record):
                if okr_services.set_alignments(self.actor, self.okrs[key], strategic=strategic, parents=parents,
                                               reason=self.reason) and key in self.changed:
                    self.changed[key] = [*self.changed[key], "aligned_to"]

        for record in self.writer.plan.okrs:
            key = record["key"]
            if key in self.changed:
                self.writer.outcome("okr", key, self.changed[key])
            else:
                self.writer.result.record("okr", key, "created")

    def write_key_results(self) -> None:
        okrs_by_pk = {okr.pk: okr for okr in self.okrs.values()}
        key_results = {}
        for key_result in KeyResult.objects.filter(objective__organization=self.organization).select_related(
            "source_kpi", "owner"
        ):
            key_result.objective = okrs_by_pk[key_result.objective_id]
            key_results[key_result.key] = key_result
        self.check_ins: set[tuple] = set()
        for row in CheckIn.objects.filter(key_result__objective__organization=self.organization).values_list(
            "key_result_id", "measured_on", "value", "done", "comment"
        ):
            self.check_ins.add(row)

        owners = {record["owner"] for okr in self.writer.plan.okrs for record in records(okr["key_results"])}
        self.users = {user.username: user for user in get_user_model().objects.filter(username__in=owners)}
        for okr_record in self.writer.plan.okrs:
            okr = self.okrs[okr_record["key"]]
            for position, record in enumerate(records(okr_record["key_results"])):
                with self.writer.located(record):
                    key_result = self.write_key_result(okr, record, key_results.get(record["key"]), position)
                for check_in in records(record["check_ins"]):
                    with self.writer.located(check_in):
                        self.write_check_in(key_result, check_in)

    def write_key_result(self, okr: OkrObjective, record: Record, key_result: KeyResult | None, position: int):
        key = record["key"]
        source, value_range = record["source"], record["range"]
        values = {
            "name": record["name"], "kr_type": record["type"], "baseline": record["baseline"],
            "target": record["target"], "range_low": value_range["low"] if value_range else None,
            "range_high": value_range["high"] if value_range else None,
            "unit_of_measure": record["unit_of_measure"], "weight": record["weight"],
            "rollup_mode": source["aggregation"] if source else "",
            "source_kpi": self.writer.kpis[source["kpi"]] if source else None,
            "owner": self.users[record["owner"]] if record["owner"] else None,
            "position": position, "archived": record["archived"],
        }
        if key_result is None:
            key_result = okr_services.create_key_result(self.actor, okr, key=key, **values)
            self.writer.result.record("key_result", key, "created")
            return key_result

        moved = key_result.objective_id != okr.pk
        if moved:
            okr_services.move_key_result(self.actor, key_result, okr, reason=self.reason)
        changed = okr_services.update_key_result(self.actor, key_result, reason=self.reason, **values)
        self.writer.outcome("key_result", key, ["objective", *changed] if moved else changed)
        return key_result

    def write_check_in(self, key_result: KeyResult, record: Record) -> None:
        milestone = key_result.kr_type == "milestone"
        day, comment = record["measured_on"], record["comment"]
        value, done = (None, record["done"]) if milestone else (record["value"], None)
        name = f"{key_result.key} {day}"
        if (key_result.pk, day, value, done, comment) in self.check_ins:
            self.writer.result.record("check_in", name, "unchanged")
            return
        okr_services.record_check_in(self.actor, key_result, measured_on=day, value=value, done=done,
                                     confidence=record["confidence"], comment=comment,
                                     entered_at=record["entered_at"] or self.writer.started_at)
        self.check_ins.add((key_result.pk, day, value, done, comment))
        self.writer.result.record("check_in", name, "created")
