"""Writing an organization as a strategy file that imports back to the same data.

Entries come in their stored order (position, then key), so importing an
export into the same organization changes nothing, and export → import →
export gives the same bytes. Optional fields are left out when they equal
their default. The fields that define an entry's meaning are always
written: a KPI's direction, frequency, aggregation, kind and indicator
type, a link's sign and lag, a key result's type and the organization's
calendar. Every section is read with one query.
"""

from collections import defaultdict

from hoshin.interchange.format import HEADER
from hoshin.interchange.yaml_writer import Compact, Flow, FlowList, Label, dump
from hoshin.kpis.models import Kpi, KpiTarget
from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective
from hoshin.organizations.models import (
    CauseEffectLink,
    Cycle,
    Organization,
    Perspective,
    StrategicKpi,
    StrategicObjective,
    Unit,
)


def export_strategy(organization: Organization | str) -> str:
    """Return the strategy file (YAML text) of `organization`, given as an object or by key."""
    if isinstance(organization, str):
        organization = Organization.objects.get(key=organization)
    document = {"version": 1, "organization": _organization(organization)}
    sections = {
        "units": _units(organization),
        "perspectives": _perspectives(organization),
        "strategic_objectives": _strategic_objectives(organization),
        "cause_effect": _links(organization),
        "cycles": _cycles(organization),
        "kpis": _kpis(organization),
        "okrs": _okrs(organization),
    }
    document.update((name, entries) for name, entries in sections.items() if entries)
    return dump(HEADER, document)


def _set(entry: dict, name: str, value, default) -> None:
    """Add an optional field unless it equals its default."""
    if value != default and value is not None:
        entry[name] = value


def _organization(organization: Organization) -> dict:
    entry = {
        "key": organization.key,
        "name": organization.name,
        "time_zone": organization.time_zone,
        "fiscal_year_start_month": organization.fiscal_year_start_month,
        "locale": organization.locale,
    }
    _set(entry, "week_start", organization.week_start, 0)
    _set(entry, "prorate_by", organization.prorate_by, "days")
    _set(entry, "visibility", organization.visibility, "open")
    return entry


def _units(organization: Organization) -> list:
    units = list(Unit.objects.filter(organization=organization).order_by("pk"))
    by_pk = {unit.pk: unit for unit in units}
    children = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)

    # Depth-first from the top, so every parent is written before its children.
    ordered, seen = [], set()
    stack = list(reversed(children[None]))
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        seen.add(unit.pk)
        stack.extend(reversed(children[unit.pk]))
    ordered.extend(unit for unit in units if unit.pk not in seen)

    entries = []
    for unit in ordered:
        entry = Compact(key=unit.key, name=unit.name)
        if unit.parent_id:
            entry["parent"] = by_pk[unit.parent_id].key
        _set(entry, "archived", unit.archived, False)
        entries.append(entry)
    return entries


def _perspectives(organization: Organization) -> list:
    entries = []
    for perspective in Perspective.objects.filter(organization=organization).order_by("position", "key"):
        entry = Compact(key=perspective.key, name=perspective.name)
        _set(entry, "archived", perspective.archived, False)
        entries.append(entry)
    return entries


def _weighted(key_field: str, key: str, weight: float):
    return key if weight == 1 else Flow({key_field: key, "weight": weight})


def _strategic_objectives(organization: Organization) -> list:
    kpis = defaultdict(list)
    for link in StrategicKpi.objects.filter(objective__organization=organization).select_related("kpi").order_by(
        "objective_id", "position", "pk"
    ):
        kpis[link.objective_id].append(_weighted("kpi", link.kpi.key, link.weight))

    entries = []
    objectives = StrategicObjective.objects.filter(organization=organization).select_related("perspective", "unit")
    for objective in objectives.order_by("position", "key"):
        entry = {"key": objective.key, "name": objective.name}
        _set(entry, "description", objective.description, "")
        entry["perspective"] = objective.perspective.key
        entry["unit"] = objective.unit.key
        if kpis[objective.pk]:
            entry["kpis"] = FlowList(kpis[objective.pk])
        _set(entry, "rollup_mode", objective.rollup_mode, "mean")
        _set(entry, "weight", objective.weight, 1)
        _set(entry, "archived", objective.archived, False)
        entries.append(entry)
    return entries


def _links(organization: Organization) -> list:
    entries = []
    links = CauseEffectLink.objects.filter(organization=organization).select_related("cause", "effect")
    for link in links.order_by("position", "pk"):
        entry = {"from": link.cause.key, "to": link.effect.key}
        _set(entry, "hypothesis", link.hypothesis, "")
        entry["sign"] = link.sign
        entry["lag_days"] = link.lag_days
        _set(entry, "archived", link.archived, False)
        entries.append(entry)
    return entries


def _cycles(organization: Organization) -> list:
    # Fiscal quarters and years are made from their labels on import, so only custom cycles are listed.
    entries = []
    for cycle in Cycle.objects.filter(organization=organization, kind="custom").order_by("start", "key"):
        entry = Compact(key=Label(cycle.key))
        _set(entry, "name", cycle.name, cycle.key)
        entry["start"] = cycle.start
        entry["end"] = cycle.end
        entries.append(entry)
    return entries


def _kpis(organization: Organization) -> list:
    targets = defaultdict(list)
    for target in KpiTarget.objects.filter(kpi__organization=organization).order_by("kpi_id", "start", "period"):
        targets[target.kpi_id].append(Compact(period=Label(target.period), value=target.value))

    entries = []
    for kpi in Kpi.objects.filter(organization=organization).select_related("unit").order_by("position", "key"):
        entry = {"key": kpi.key, "name": kpi.name}
        _set(entry, "description", kpi.description, "")
        _set(entry, "unit_of_measure", kpi.unit_of_measure, "")
        for name in ("direction", "frequency", "aggregation", "kind", "indicator_type"):
            entry[name] = getattr(kpi, name)
        entry["unit"] = kpi.unit.key
        scale = Flow()
        _set(scale, "min", kpi.scale_min, None)
        _set(scale, "max", kpi.scale_max, None)
        if scale:
            entry["scale"] = scale
        thresholds = _thresholds(kpi)
        if thresholds:
            entry["thresholds"] = thresholds
        if targets[kpi.pk]:
            entry["targets"] = targets[kpi.pk]
        _set(entry, "archived", kpi.archived, False)
        entries.append(entry)
    return entries


def _thresholds(kpi: Kpi) -> Flow:
    thresholds = Flow()
    for bound in ("green", "yellow"):
        low, high = getattr(kpi, bound), getattr(kpi, f"{bound}_upper")
        if low is None:
            continue
        thresholds[bound] = FlowList([low, high]) if kpi.direction == "target_range" and high is not None else low
    return thresholds


def _okrs(organization: Organization) -> list:
    aligned_to = defaultdict(list)
    alignments = Alignment.objects.filter(objective__organization=organization).select_related(
        "strategic_objective", "parent"
    )
    for alignment in alignments.order_by("objective_id", "position", "pk"):
        target = alignment.parent or alignment.strategic_objective
        aligned_to[alignment.objective_id].append(_weighted("key", target.key, alignment.weight))

    key_results = defaultdict(list)
    for entry, objective_id in _key_results(organization):
        key_results[objective_id].append(entry)

    entries = []
    objectives = OkrObjective.objects.filter(organization=organization).select_related("unit", "cycle")
    for objective in objectives.order_by("position", "key"):
        entry = {"key": objective.key, "name": objective.name}
        _set(entry, "description", objective.description, "")
        entry["unit"] = objective.unit.key
        entry["cycle"] = Label(objective.cycle.key)
        if aligned_to[objective.pk]:
            entry["aligned_to"] = FlowList(aligned_to[objective.pk])
        _set(entry, "rollup_mode", objective.rollup_mode, "mean")
        _set(entry, "archived", objective.archived, False)
        if key_results[objective.pk]:
            entry["key_results"] = key_results[objective.pk]
        entries.append(entry)
    return entries


def _key_results(organization: Organization):
    """Yield each key result's entry with the id of its objective, in stored order."""
    check_ins = defaultdict(list)
    rows = CheckIn.objects.filter(key_result__objective__organization=organization)
    for check_in in rows.order_by("key_result_id", "measured_on", "entered_at", "pk"):
        entry = Compact(measured_on=check_in.measured_on)
        _set(entry, "value", check_in.value, None)
        _set(entry, "done", check_in.done, None)
        _set(entry, "confidence", check_in.confidence, None)
        _set(entry, "comment", check_in.comment, "")
        entry["entered_at"] = check_in.entered_at
        check_ins[check_in.key_result_id].append(entry)

    results = KeyResult.objects.filter(objective__organization=organization).select_related("source_kpi", "owner")
    for result in results.order_by("objective_id", "position", "key"):
        entry = {"key": result.key, "name": result.name, "type": result.kr_type}
        _set(entry, "baseline", result.baseline, None)
        _set(entry, "target", result.target, None)
        if result.range_low is not None or result.range_high is not None:
            entry["range"] = Flow(low=result.range_low, high=result.range_high)
        _set(entry, "unit_of_measure", result.unit_of_measure, "")
        if result.source_kpi is not None:
            source = Flow(kpi=result.source_kpi.key)
            _set(source, "aggregation", result.rollup_mode, "")
            entry["source"] = source
        _set(entry, "weight", result.weight, 1)
        if result.owner is not None:
            entry["owner"] = result.owner.get_username()
        _set(entry, "archived", result.archived, False)
        if check_ins[result.pk]:
            entry["check_ins"] = check_ins[result.pk]
        yield entry, result.objective_id
