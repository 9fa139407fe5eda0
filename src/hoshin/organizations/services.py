"""Writes to organizations, units, perspectives, strategic objectives, links and cycles.

Every function has the same shape: authorize the actor, validate (raising
a domain error before anything changes), change, record history. Callers
wrap a batch of calls in `transaction.atomic()` when it must land whole;
each function is atomic on its own.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from hoshin.accounts.permissions import authorize
from hoshin.core.choices import CycleKind
from hoshin.core.errors import CycleRejected, ValidationFailed
from hoshin.core.graph import closes_cycle
from hoshin.core.history import (
    clean_instance,
    delete_with_history,
    next_position,
    save_with_history,
    update_with_history,
)
from hoshin.engine import periods
from hoshin.organizations.models import (
    CauseEffectLink,
    Cycle,
    Organization,
    Perspective,
    StrategicKpi,
    StrategicObjective,
    Unit,
)

DEFAULT_PERSPECTIVES = [
    ("financial", "Financial"),
    ("customer", "Customer"),
    ("internal", "Internal processes"),
    ("learning", "Learning and growth"),
]


def _require_same_org(organization, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise ValidationFailed(_("%(object)s belongs to another organization.") % {"object": obj})


def _require_positive_weight(weight: float, field: str = "weight") -> None:
    if weight is None or not weight > 0 or weight == float("inf"):
        raise ValidationFailed(_("weight must be a positive number, not %(weight)s.") % {"weight": weight}, field=field)


@transaction.atomic
def create_organization(actor, *, key, name, time_zone="UTC", fiscal_year_start_month=1, locale="en",
                        default_perspectives=True, **options) -> Organization:
    if actor is not None and not getattr(actor, "is_superuser", False):
        from hoshin.core.errors import PermissionDenied

        raise PermissionDenied(_("Only a site administrator may create an organization."))
    if Organization.objects.filter(key=key).exists():
        raise ValidationFailed(_("An organization with key %(key)s already exists.") % {"key": key}, field="key")
    organization = Organization(key=key, name=name, time_zone=time_zone,
                                fiscal_year_start_month=fiscal_year_start_month, locale=locale, **options)
    clean_instance(organization)
    save_with_history(organization, actor=actor, reason="created")
    if default_perspectives:
        for position, (p_key, p_name) in enumerate(DEFAULT_PERSPECTIVES):
            save_with_history(Perspective(organization=organization, key=p_key, name=p_name, position=position),
                              actor=actor, reason="created")
    return organization


@transaction.atomic
def update_organization(actor, organization: Organization, *, reason="", **values) -> list[str]:
    authorize(actor, "change_organization", organization)
    return update_with_history(organization, values, actor=actor, reason=reason)


def _unit_successors(organization):
    parents = dict(Unit.objects.filter(organization=organization).values_list("pk", "parent_id"))

    def successors(unit_pk):
        parent = parents.get(unit_pk)
        return [parent] if parent else []

    return successors


@transaction.atomic
def create_unit(actor, organization, *, key, name, parent=None) -> Unit:
    authorize(actor, "create_unit", organization)
    _require_same_org(organization, parent)
    if Unit.objects.filter(organization=organization, key=key).exists():
        raise ValidationFailed(_("A unit with key %(key)s already exists.") % {"key": key}, field="key")
    unit = Unit(organization=organization, key=key, name=name, parent=parent)
    clean_instance(unit, exclude=["organization", "parent"])
    save_with_history(unit, actor=actor, reason="created")
    return unit


@transaction.atomic
def update_unit(actor, unit: Unit, *, reason="", **values) -> list[str]:
    authorize(actor, "change_unit", unit.organization)
    parent = values.get("parent", unit.parent)
    _require_same_org(unit.organization, parent)
    if parent is not None and parent.pk != unit.parent_id:
        # The unit tree points child → parent; the new edge unit → parent closes
        # a cycle when the unit is already an ancestor of the new parent.
        if closes_cycle(unit.pk, parent.pk, _unit_successors(unit.organization)):
            raise CycleRejected(
                _("Unit %(unit)s cannot be placed under %(parent)s because %(parent)s is inside %(unit)s.")
                % {"unit": unit.key, "parent": parent.key},
                field="parent",
            )
    return update_with_history(unit, values, actor=actor, reason=reason)


@transaction.atomic
def create_perspective(actor, organization, *, key, name, position=None) -> Perspective:
    authorize(actor, "create_perspective", organization)
    if Perspective.objects.filter(organization=organization, key=key).exists():
        raise ValidationFailed(_("A perspective with key %(key)s already exists.") % {"key": key}, field="key")
    if position is None:
        position = Perspective.objects.filter(organization=organization).count()
    perspective = Perspective(organization=organization, key=key, name=name, position=position)
    clean_instance(perspective, exclude=["organization"])
    save_with_history(perspective, actor=actor, reason="created")
    return perspective


@transaction.atomic
def update_perspective(actor, perspective: Perspective, *, reason="", **values) -> list[str]:
    authorize(actor, "change_perspective", perspective.organization)
    return update_with_history(perspective, values, actor=actor, reason=reason)


@transaction.atomic
def create_strategic_objective(actor, organization, *, key, name, perspective, unit, **values) -> StrategicObjective:
    authorize(actor, "create_strategic_objective", organization, unit=unit)
    _require_same_org(organization, perspective, unit)
    if StrategicObjective.objects.filter(organization=organization, key=key).exists():
        raise ValidationFailed(_("A strategic objective with key %(key)s already exists.") % {"key": key}, field="key")
    _require_positive_weight(values.get("weight", 1.0))
    values.setdefault("position", next_position(StrategicObjective.objects.filter(organization=organization)))
    objective = StrategicObjective(organization=organization, key=key, name=name, perspective=perspective, unit=unit, **values)
    clean_instance(objective, exclude=["organization", "perspective", "unit"])
    save_with_history(objective, actor=actor, reason="created")
    return objective


@transaction.atomic
def update_strategic_objective(actor, objective: StrategicObjective, *, reason="", **values) -> list[str]:
    authorize(actor, "change_strategic_objective", objective.organization, unit=objective.unit)
    _require_same_org(objective.organization, values.get("perspective"), values.get("unit"))
    if "weight" in values:
        _require_positive_weight(values["weight"])
    return update_with_history(objective, values, actor=actor, reason=reason)


@transaction.atomic
def set_strategic_kpis(actor, objective: StrategicObjective, kpis: list, *, reason="") -> bool:
    """Make `kpis` (a list of KPIs or of (KPI, weight) pairs) the objective's strategic KPIs, in order.

    Returns whether anything changed.
    """
    authorize(actor, "change_strategic_objective", objective.organization, unit=objective.unit)
    wanted = [(item, 1.0) if not isinstance(item, tuple) else item for item in kpis]
    for kpi, weight in wanted:
        _require_same_org(objective.organization, kpi)
        _require_positive_weight(weight)
    keys = [kpi.pk for kpi, _weight in wanted]
    if len(set(keys)) != len(keys):
        raise ValidationFailed(_("A KPI is listed twice for %(objective)s.") % {"objective": objective.key}, field="kpis")

    current = {link.kpi_id: link for link in objective.kpi_links.all()}
    changed = False
    for link_pk in set(current) - set(keys):
        delete_with_history(current[link_pk], actor=actor, reason=reason)
        changed = True
    for position, (kpi, weight) in enumerate(wanted):
        link = current.get(kpi.pk)
        if link is None:
            save_with_history(StrategicKpi(objective=objective, kpi=kpi, weight=weight, position=position),
                              actor=actor, reason=reason or "created")
            changed = True
        elif update_with_history(link, {"weight": weight, "position": position}, actor=actor, reason=reason):
            changed = True
    return changed


def _link_successors(organization):
    edges: dict[int, list[int]] = {}
    for cause_id, effect_id in CauseEffectLink.objects.filter(organization=organization, archived=False).values_list(
        "cause_id", "effect_id"
    ):
        edges.setdefault(cause_id, []).append(effect_id)
    return lambda node: edges.get(node, [])


@transaction.atomic
def create_link(actor, organization, *, cause, effect, hypothesis="", sign="positive", lag_days=0, position=None) -> CauseEffectLink:
    authorize(actor, "create_link", organization)
    _require_same_org(organization, cause, effect)
    if CauseEffectLink.objects.filter(cause=cause, effect=effect).exists():
        raise ValidationFailed(_("%(cause)s already drives %(effect)s.") % {"cause": cause.key, "effect": effect.key})
    if closes_cycle(cause.pk, effect.pk, _link_successors(organization)):
        raise CycleRejected(
            _("The link %(cause)s → %(effect)s would close a cycle on the strategy map: %(effect)s already drives %(cause)s.")
            % {"cause": cause.key, "effect": effect.key}
        )
    if position is None:
        position = CauseEffectLink.objects.filter(organization=organization).count()
    link = CauseEffectLink(organization=organization, cause=cause, effect=effect, hypothesis=hypothesis,
                           sign=sign, lag_days=lag_days, position=position)
    clean_instance(link, exclude=["organization", "cause", "effect"])
    save_with_history(link, actor=actor, reason="created")
    return link


@transaction.atomic
def update_link(actor, link: CauseEffectLink, *, reason="", **values) -> list[str]:
    authorize(actor, "change_link", link.organization)
    if values.get("archived") is False and link.archived:
        if closes_cycle(link.cause_id, link.effect_id, _link_successors(link.organization)):
            raise CycleRejected(_("Restoring %(link)s would close a cycle on the strategy map.") % {"link": link})
    return update_with_history(link, values, actor=actor, reason=reason)


@transaction.atomic
def delete_link(actor, link: CauseEffectLink, *, reason="") -> None:
    authorize(actor, "delete_link", link.organization)
    delete_with_history(link, actor=actor, reason=reason)


@transaction.atomic
def create_cycle(actor, organization, *, key, name=None, kind=CycleKind.CUSTOM, start: dt.date, end: dt.date) -> Cycle:
    authorize(actor, "create_cycle", organization)
    if end < start:
        raise ValidationFailed(_("The cycle ends (%(end)s) before it starts (%(start)s).") % {"end": end, "start": start}, field="end")
    if Cycle.objects.filter(organization=organization, key=key).exists():
        raise ValidationFailed(_("A cycle with key %(key)s already exists.") % {"key": key}, field="key")
    cycle = Cycle(organization=organization, key=key, name=name or key, kind=kind, start=start, end=end)
    clean_instance(cycle, exclude=["organization"])
    cycle.save()
    return cycle


def cycle_for_label(actor, organization, label: str) -> Cycle:
    """Return the cycle with key `label`, creating a fiscal quarter or year from the label when missing."""
    existing = Cycle.objects.filter(organization=organization, key=label).first()
    if existing is not None:
        return existing
    try:
        period = periods.parse_period_label(label, organization.fiscal_year_start_month)
    except ValueError as exc:
        raise ValidationFailed(
            _("%(label)s is not a cycle of this organization; use a fiscal quarter such as 2026-Q1, a fiscal year such as 2026, or create a custom cycle first.")
            % {"label": label},
            field="cycle",
        ) from exc
    kind = {"quarterly": CycleKind.QUARTER, "yearly": CycleKind.YEAR}.get(period.frequency)
    if kind is None:
        raise ValidationFailed(_("%(label)s is not a quarter or a year.") % {"label": label}, field="cycle")
    return create_cycle(actor, organization, key=period.label, name=period.label, kind=kind, start=period.start, end=period.end)


def ensure_fiscal_year_cycles(actor, organization, fiscal_year: int) -> list[Cycle]:
    """Create the fiscal year and its four quarters as cycles when they do not exist yet."""
    labels = [f"{fiscal_year}-Q{q}" for q in range(1, 5)] + [str(fiscal_year)]
    return [cycle_for_label(actor, organization, label) for label in labels]
