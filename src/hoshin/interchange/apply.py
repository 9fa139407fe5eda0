"""Writing a validated strategy file through the services, matching every entry by its key.

The caller runs this inside one transaction. Each service saves only
what differs and writes a history row only then, so an unchanged file
leaves the database exactly as it was. Nothing is ever deleted: entries
missing from the file stay as they are.
"""

from contextlib import contextmanager

from django.utils import timezone

from hoshin.core.choices import CycleKind
from hoshin.core.errors import DomainError
from hoshin.interchange.apply_okrs import OkrWriter
from hoshin.interchange.checks import records
from hoshin.interchange.errors import LocatedError, StrategyFileError, as_clause
from hoshin.interchange.fields import Record
from hoshin.interchange.result import ImportResult
from hoshin.interchange.validation import Plan, kpi_definition
from hoshin.kpis import services as kpi_services
from hoshin.kpis.models import Kpi, KpiTarget
from hoshin.organizations import services as org_services
from hoshin.organizations.models import CauseEffectLink, Cycle, Organization, Perspective, StrategicObjective, Unit

REASON = "strategy file import"
"""The reason recorded on every history row that an import writes for a change."""


class Writer:
    """Applies one plan; shared state and error location for the section writers."""

    reason = REASON

    def __init__(self, plan: Plan, result: ImportResult, *, actor, filename: str):
        self.plan = plan
        self.result = result
        self.actor = actor
        self.filename = filename
        self.organization: Organization | None = None
        self.started_at = timezone.now().replace(microsecond=0)
        """Entry time of check-ins that do not give one: the same moment for the whole file."""

    @contextmanager
    def located(self, record: Record):
        """Turn a service's rejection into an error located at `record`, which rolls the import back."""
        try:
            yield
        except DomainError as exc:
            line = record.line_of(exc.field) if exc.field else record.line
            raise StrategyFileError([LocatedError(line, record.path, as_clause(exc.message), self.filename)]) from exc

    def outcome(self, kind: str, key: str, changed_fields) -> None:
        self.result.record(kind, key, "updated" if changed_fields else "unchanged", changed_fields)

    def own(self, objects):
        """Point loaded objects at the organization being written, so services read its current values."""
        for obj in objects:
            obj.organization = self.organization
        return objects

    def run(self) -> None:
        self.write_organization()
        self.write_units()
        self.write_perspectives()
        self.write_kpis()
        self.write_strategic_objectives()
        self.write_links()
        self.write_cycles()
        OkrWriter(self).run()

    def write_organization(self) -> None:
        record = self.plan.organization
        values = {name: record[name] for name in (
            "name", "time_zone", "fiscal_year_start_month", "locale", "week_start", "prorate_by", "visibility")}
        organization = Organization.objects.filter(key=record["key"]).first()
        with self.located(record):
            if organization is None:
                organization = org_services.create_organization(
                    self.actor, key=record["key"], default_perspectives=self.plan.default_perspectives, **values)
                self.result.record("organization", organization.key, "created")
                if self.plan.default_perspectives:
                    for key, _name in org_services.DEFAULT_PERSPECTIVES:
                        self.result.record("perspective", key, "created")
            else:
                changed = org_services.update_organization(self.actor, organization, reason=REASON, **values)
                self.outcome("organization", organization.key, changed)
        self.organization = organization

    def write_units(self) -> None:
        self.units = {unit.key: unit for unit in self.own(
            Unit.objects.filter(organization=self.organization).select_related("parent"))}
        for record in self.plan.units:
            key = record["key"]
            parent = self.units[record["parent"]] if record["parent"] else None
            unit = self.units.get(key)
            with self.located(record):
                if unit is None:
                    unit = org_services.create_unit(self.actor, self.organization, key=key, name=record["name"],
                                                    parent=parent)
                    self._archive_new(org_services.update_unit, unit, record)
                    self.units[key] = unit
                    self.result.record("unit", key, "created")
                else:
                    changed = org_services.update_unit(self.actor, unit, reason=REASON, name=record["name"],
                                                       parent=parent, archived=record["archived"])
                    self.outcome("unit", key, changed)

    def write_perspectives(self) -> None:
        self.perspectives = {perspective.key: perspective for perspective in self.own(
            Perspective.objects.filter(organization=self.organization))}
        for position, record in enumerate(self.plan.perspectives):
            key = record["key"]
            perspective = self.perspectives.get(key)
            with self.located(record):
                if perspective is None:
                    perspective = org_services.create_perspective(self.actor, self.organization, key=key,
                                                                  name=record["name"], position=position)
                    self._archive_new(org_services.update_perspective, perspective, record)
                    self.perspectives[key] = perspective
                    self.result.record("perspective", key, "created")
                else:
                    changed = org_services.update_perspective(self.actor, perspective, reason=REASON,
                                                              name=record["name"], position=position,
                                                              archived=record["archived"])
                    self.outcome("perspective", key, changed)

    def write_kpis(self) -> None:
        self.kpis = {kpi.key: kpi for kpi in self.own(
            Kpi.objects.filter(organization=self.organization).select_related("unit"))}
        targets: dict[tuple[int, str], KpiTarget] = {
            (target.kpi_id, target.period): target
            for target in KpiTarget.objects.filter(kpi__organization=self.organization)
        }
        for position, record in enumerate(self.plan.kpis):
            key = record["key"]
            values = kpi_definition(record) | {"position": position, "unit": self.units[record["unit"]]}
            kpi = self.kpis.get(key)
            with self.located(record):
                if kpi is None:
                    kpi = kpi_services.create_kpi(self.actor, self.organization, key=key, **values)
                    self.kpis[key] = kpi
                    self.result.record("kpi", key, "created")
                else:
                    self.outcome("kpi", key, kpi_services.update_kpi(self.actor, kpi, reason=REASON, **values))
            for target_record in records(record["targets"]):
                period, value = target_record["period"], target_record["value"]
                existing = targets.get((kpi.pk, period))
                if existing is not None and existing.value == value:
                    self.result.record("kpi_target", f"{key} {period}", "unchanged")
                    continue
                with self.located(target_record):
                    kpi_services.set_kpi_target(self.actor, kpi, period=period, value=value, reason=REASON)
                action = "created" if existing is None else "updated"
                self.result.record("kpi_target", f"{key} {period}", action, () if existing is None else ("value",))

    def write_strategic_objectives(self) -> None:
        self.strategic = {objective.key: objective for objective in self.own(
            StrategicObjective.objects.filter(organization=self.organization).select_related("perspective", "unit"))}
        for position, record in enumerate(self.plan.strategic_objectives):
            key = record["key"]
            values = {
                "name": record["name"], "description": record["description"],
                "perspective": self.perspectives[record["perspective"]], "unit": self.units[record["unit"]],
                "rollup_mode": record["rollup_mode"], "weight": record["weight"], "archived": record["archived"],
                "position": position,
            }
            kpis = [(self.kpis[item["kpi"]], float(item["weight"])) for item in records(record["kpis"])]
            objective = self.strategic.get(key)
            with self.located(record):
                if objective is None:
                    objective = org_services.create_strategic_objective(self.actor, self.organization, key=key,
                                                                        **values)
                    org_services.set_strategic_kpis(self.actor, objective, kpis, reason=REASON)
                    self.strategic[key] = objective
                    self.result.record("strategic_objective", key, "created")
                else:
                    changed = org_services.update_strategic_objective(self.actor, objective, reason=REASON, **values)
                    if org_services.set_strategic_kpis(self.actor, objective, kpis, reason=REASON):
                        changed = [*changed, "kpis"]
                    self.outcome("strategic_objective", key, changed)

    def write_links(self) -> None:
        links = {
            (link.cause.key, link.effect.key): link
            for link in self.own(CauseEffectLink.objects.filter(organization=self.organization)
                                 .select_related("cause", "effect"))
        }
        planned = list(enumerate(self.plan.links))
        # Links archived by this file go first, so that no intermediate state closes a cycle.
        planned.sort(key=lambda item: not (item[1]["archived"] and (item[1]["from"], item[1]["to"]) in links))
        for position, record in planned:
            pair = (record["from"], record["to"])
            values = {"hypothesis": record["hypothesis"], "sign": record["sign"], "lag_days": record["lag_days"],
                      "position": position}
            link = links.get(pair)
            with self.located(record):
                if link is None:
                    link = org_services.create_link(self.actor, self.organization, cause=self.strategic[pair[0]],
                                                    effect=self.strategic[pair[1]], **values)
                    self._archive_new(org_services.update_link, link, record)
                    self.result.record("link", " → ".join(pair), "created")
                else:
                    changed = org_services.update_link(self.actor, link, reason=REASON, archived=record["archived"],
                                                       **values)
                    self.outcome("link", " → ".join(pair), changed)

    def write_cycles(self) -> None:
        self.cycles = {cycle.key: cycle for cycle in Cycle.objects.filter(organization=self.organization)}
        self.cycles_counted = {record["key"] for record in self.plan.cycles}
        for record in self.plan.cycles:
            key = record["key"]
            if key in self.cycles:
                self.result.record("cycle", key, "unchanged")
                continue
            with self.located(record):
                self.cycles[key] = org_services.create_cycle(
                    self.actor, self.organization, key=key, name=record["name"] or key, kind=CycleKind.CUSTOM,
                    start=record["start"], end=record["end"])
            self.result.record("cycle", key, "created")

    def cycle_for_label(self, label: str) -> Cycle:
        """Return the cycle named `label`, creating a fiscal quarter or year on first use."""
        cycle = self.cycles.get(label)
        if cycle is None:
            cycle = org_services.cycle_for_label(self.actor, self.organization, label)
            self.cycles[label] = cycle
            self.result.record("cycle", label, "created")
        elif label not in self.cycles_counted:
            self.result.record("cycle", label, "unchanged")
        self.cycles_counted.add(label)
        return cycle

    def _archive_new(self, update, instance, record: Record) -> None:
        # The create services take no archived flag, so a new entry listed as archived is archived right after.
        if record["archived"]:
            update(self.actor, instance, reason=REASON, archived=True)
