"""Gather the hygiene engine's plain facts about an organization, with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Min

from hoshin.engine.insights import hygiene
from hoshin.engine.insights.redundancy import Definition
from hoshin.ingest.freshness import kpi_freshness
from hoshin.kpis.models import Kpi, KpiTarget, Measurement
from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective
from hoshin.organizations.models import Cycle, StrategicKpi, StrategicObjective


@dataclass
class OrganizationFacts:
    """The engine's facts plus what presenting them needs: names, units and definitions."""

    facts: hygiene.Facts
    names: dict[tuple[str, str], str]
    kpis: dict[int, Kpi]
    definitions: list[Definition]
    cycles: list[Cycle]


def gather(organization, as_of: dt.date) -> OrganizationFacts:
    kpis = {kpi.pk: kpi for kpi in Kpi.objects.filter(organization=organization, archived=False).select_related("unit")}
    units = dict(organization.units.values_list("pk", "key"))
    strategic = list(StrategicObjective.objects.filter(organization=organization, archived=False))
    okrs = {okr.pk: okr for okr in OkrObjective.objects.filter(organization=organization, archived=False)
            .select_related("cycle")}
    key_results = list(KeyResult.objects.filter(objective__in=list(okrs), archived=False))
    alignments = list(Alignment.objects.filter(objective__in=list(okrs)).values_list(
        "objective_id", "strategic_objective_id", "parent_id"))
    strategic_kpis = list(StrategicKpi.objects.filter(objective__in=strategic, kpi__in=list(kpis)).values_list(
        "objective_id", "kpi_id"))
    with_target = set(KpiTarget.objects.filter(kpi__in=list(kpis)).values_list("kpi_id", flat=True).distinct())
    last_check_in = dict(CheckIn.objects.filter(key_result__in=key_results, measured_on__lte=as_of)
                         .values("key_result_id").annotate(last=Max("measured_on")).values_list("key_result_id", "last"))
    first_period = dict(Measurement.objects.filter(kpi_id__in=list(kpis)).values("kpi_id")
                        .annotate(first=Min("period_start")).values_list("kpi_id", "first"))
    freshness = kpi_freshness(organization, as_of=as_of, kpis=Kpi.objects.filter(pk__in=list(kpis)))

    served = _served_strategic(okrs, alignments)
    current = {pk for pk, okr in okrs.items() if okr.cycle.start <= as_of <= okr.cycle.end}
    objective_kpis = defaultdict(list)
    measured_by = defaultdict(list)
    strategic_keys = {objective.pk: objective.key for objective in strategic}
    for objective_id, kpi_id in strategic_kpis:
        objective_kpis[objective_id].append(kpis[kpi_id].key)
        measured_by[kpi_id].append(strategic_keys[objective_id])
    sourced_by = defaultdict(list)
    okr_kpis = defaultdict(set)
    for kr in key_results:
        if kr.source_kpi_id in kpis:
            sourced_by[kr.source_kpi_id].append(kr.key)
            okr_kpis[kr.objective_id].add(kpis[kr.source_kpi_id].key)

    facts = hygiene.Facts(
        kpis=tuple(
            hygiene.KpiFacts(
                key=kpi.key, unit=units[kpi.unit_id], has_thresholds=kpi.has_thresholds, has_target=pk in with_target,
                stale=freshness[pk].stale,
                last_period=freshness[pk].last_period.label if freshness[pk].last_period else None,
                strategic_objectives=tuple(measured_by[pk]), key_results=tuple(sourced_by[pk]),
                first_period_start=first_period.get(pk),
            )
            for pk, kpi in kpis.items()
        ),
        strategic_objectives=tuple(
            hygiene.StrategicObjectiveFacts(
                key=objective.key, unit=units[objective.unit_id], kpis=tuple(objective_kpis[objective.pk]),
                current_okrs=tuple(okrs[pk].key for pk in current if objective.pk in served[pk]),
                kpis_through_okrs=tuple(sorted({key for pk, okr in okrs.items() if objective.pk in served[pk]
                                                for key in okr_kpis[pk]})),
            )
            for objective in strategic
        ),
        okr_objectives=tuple(
            hygiene.OkrObjectiveFacts(
                key=okr.key, unit=units[okr.unit_id], cycle=okr.cycle.key, cycle_start=okr.cycle.start,
                cycle_end=okr.cycle.end,
                alignments=sum(1 for objective_id, _s, _p in alignments if objective_id == pk),
            )
            for pk, okr in okrs.items()
        ),
        key_results=tuple(
            hygiene.KeyResultFacts(
                key=kr.key, objective=okrs[kr.objective_id].key, cycle_start=okrs[kr.objective_id].cycle.start,
                cycle_end=okrs[kr.objective_id].cycle.end,
                source_kpi=kpis[kr.source_kpi_id].key if kr.source_kpi_id in kpis else None,
                last_check_in=last_check_in.get(kr.pk),
            )
            for kr in key_results
        ),
    )
    names = {("kpi", kpi.key): kpi.name for kpi in kpis.values()}
    names.update({("strategic_objective", objective.key): objective.name for objective in strategic})
    names.update({("okr_objective", okr.key): okr.name for okr in okrs.values()})
    names.update({("key_result", kr.key): kr.name for kr in key_results})
    names.update({("unit", unit.key): unit.name for unit in organization.units.all()})
    definitions = [Definition(kpi.key, kpi.name, kpi.unit_of_measure, kpi.frequency, kpi.direction)
                   for kpi in kpis.values()]
    cycles = list(Cycle.objects.filter(organization=organization, start__lte=as_of).order_by("start"))
    return OrganizationFacts(facts, names, kpis, definitions, cycles)


def _served_strategic(okrs: dict, alignments: list[tuple]) -> dict[int, set[int]]:
    """Return, per OKR objective id, the ids of the strategic objectives it serves directly or through parents."""
    direct, parents = defaultdict(set), defaultdict(set)
    for objective_id, strategic_id, parent_id in alignments:
        if strategic_id:
            direct[objective_id].add(strategic_id)
        if parent_id:
            parents[objective_id].add(parent_id)
    served = {}
    for pk in okrs:
        result, seen, stack = set(), set(), [pk]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            result |= direct[current]
            stack.extend(parents[current])
        served[pk] = result
    return served
