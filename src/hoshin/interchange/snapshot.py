"""Keys and edges that the database already contains for an organization, read once before validating a file.

References in a file may point at entries that exist only in the database,
and cycles are checked on the graph the database will hold after the
import, so the validation needs these keys. Every part is read with one
query.
"""

import datetime as dt
from dataclasses import dataclass, field

from hoshin.kpis.models import Kpi
from hoshin.okrs.models import Alignment, KeyResult, OkrObjective
from hoshin.organizations.models import CauseEffectLink, Cycle, Organization, Perspective, StrategicObjective, Unit


@dataclass(frozen=True)
class CycleDates:
    start: dt.date
    end: dt.date
    name: str


@dataclass
class Snapshot:
    organization: Organization | None = None
    unit_parents: dict[str, str | None] = field(default_factory=dict)
    perspectives: set[str] = field(default_factory=set)
    strategic_objectives: set[str] = field(default_factory=set)
    kpis: set[str] = field(default_factory=set)
    okr_parents: dict[str, list[str]] = field(default_factory=dict)
    cycles: dict[str, CycleDates] = field(default_factory=dict)
    links: dict[tuple[str, str], bool] = field(default_factory=dict)
    """Archived flag of each link, by (cause key, effect key)."""
    key_results: set[str] = field(default_factory=set)


def read_snapshot(organization_key: str) -> Snapshot:
    organization = Organization.objects.filter(key=organization_key).first()
    if organization is None:
        return Snapshot()

    unit_rows = list(Unit.objects.filter(organization=organization).values_list("pk", "key", "parent_id"))
    unit_keys = {pk: key for pk, key, _parent in unit_rows}
    unit_parents = {key: unit_keys.get(parent_pk) for _pk, key, parent_pk in unit_rows}
    okr_parents: dict[str, list[str]] = {
        key: [] for key in OkrObjective.objects.filter(organization=organization).values_list("key", flat=True)
    }
    for child, parent in Alignment.objects.filter(
        objective__organization=organization, parent__isnull=False
    ).values_list("objective__key", "parent__key"):
        okr_parents[child].append(parent)
    links = {
        (cause, effect): archived
        for cause, effect, archived in CauseEffectLink.objects.filter(organization=organization).values_list(
            "cause__key", "effect__key", "archived"
        )
    }
    return Snapshot(
        organization=organization,
        unit_parents=unit_parents,
        perspectives=set(Perspective.objects.filter(organization=organization).values_list("key", flat=True)),
        strategic_objectives=set(
            StrategicObjective.objects.filter(organization=organization).values_list("key", flat=True)
        ),
        kpis=set(Kpi.objects.filter(organization=organization).values_list("key", flat=True)),
        okr_parents=okr_parents,
        cycles={
            cycle.key: CycleDates(cycle.start, cycle.end, cycle.name)
            for cycle in Cycle.objects.filter(organization=organization)
        },
        links=links,
        key_results=set(KeyResult.objects.filter(objective__organization=organization).values_list("key", flat=True)),
    )
