"""Which objects of an organization a user may see.

In an `open` organization every member sees everything. In a `restricted`
one a member sees the strategic level (perspectives, strategic objectives,
cause-effect links and the KPIs that measure strategic objectives), the
unit tree itself, and the OKRs, key results, check-ins, KPIs and
measurements of their units and the units below them. Administrators and
the strategy office see everything, and the owner of a key result sees it
and its objective. Non-members see nothing, and superusers see everything.

Pages and the API call `visible_unit_ids` or `filter_visible` for lists
and `can_view` for one object; services do not check reads.
"""

from django.db.models import Q, QuerySet

from hoshin.accounts.permissions import ADMIN, STRATEGY_OFFICE, memberships_of
from hoshin.core.choices import Visibility

SEE_ALL_ROLES = {ADMIN, STRATEGY_OFFICE}

# For each restricted model, the lookup from it to the unit that owns it.
# Models missing here belong to the strategic level or to the organization
# as a whole and are visible to every member.
UNIT_PATHS = {
    "okrs.okrobjective": "unit",
    "okrs.keyresult": "objective__unit",
    "okrs.checkin": "key_result__objective__unit",
    "okrs.alignment": "objective__unit",
    "kpis.kpi": "unit",
    "kpis.kpitarget": "kpi__unit",
    "kpis.measurement": "kpi__unit",
    "kpis.measurementrevision": "kpi__unit",
}

# Lookups from a restricted model to a KPI, which is visible to all members
# when it measures a strategic objective.
STRATEGIC_KPI_PATHS = {
    "kpis.kpi": "strategic_links",
    "kpis.kpitarget": "kpi__strategic_links",
    "kpis.measurement": "kpi__strategic_links",
    "kpis.measurementrevision": "kpi__strategic_links",
}

# Lookups from a restricted model to the owner of a key result.
OWNER_PATHS = {
    "okrs.okrobjective": "key_results__owner",
    "okrs.keyresult": "owner",
    "okrs.checkin": "key_result__owner",
}


def _label(model) -> str:
    return model._meta.label_lower


def is_member(user, organization) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(memberships_of(user, organization))


def visible_unit_ids(user, organization) -> set[int]:
    """Return the ids of the units whose OKRs, key results and KPIs `user` may see in `organization`."""
    from hoshin.organizations.models import Unit

    if not getattr(user, "is_authenticated", False):
        return set()
    all_units = dict(Unit.objects.filter(organization=organization).values_list("pk", "parent_id"))
    if user.is_superuser:
        return set(all_units)

    memberships = memberships_of(user, organization)
    if not memberships:
        return set()
    roles = {role for role, _unit in memberships}
    member_units = {unit_id for _role, unit_id in memberships}
    if organization.visibility == Visibility.OPEN or roles & SEE_ALL_ROLES or None in member_units:
        return set(all_units)

    children: dict[int, list[int]] = {}
    for unit_id, parent_id in all_units.items():
        children.setdefault(parent_id, []).append(unit_id)
    visible: set[int] = set()
    stack = list(member_units)
    while stack:
        unit_id = stack.pop()
        if unit_id in visible:
            continue
        visible.add(unit_id)
        stack.extend(children.get(unit_id, []))
    return visible


def filter_visible(user, organization, queryset: QuerySet) -> QuerySet:
    """Narrow `queryset` (of any model of `organization`) to the rows `user` may see.

    The caller scopes the query set to the organization; this function
    only removes what a restricted organization hides from `user`.
    """
    if not is_member(user, organization):
        return queryset.none()
    label = _label(queryset.model)
    path = UNIT_PATHS.get(label)
    if path is None:
        return queryset

    unit_ids = visible_unit_ids(user, organization)
    if len(unit_ids) == organization.units.count():
        return queryset
    condition = Q(**{f"{path}__in": unit_ids})
    if label in STRATEGIC_KPI_PATHS:
        condition |= Q(**{f"{STRATEGIC_KPI_PATHS[label]}__isnull": False})
    if label in OWNER_PATHS:
        condition |= Q(**{OWNER_PATHS[label]: user.pk})
    return queryset.filter(condition).distinct()


def organization_of(obj):
    """Return the organization that `obj` belongs to, following its foreign keys."""
    from hoshin.organizations.models import Organization

    if isinstance(obj, Organization):
        return obj
    for attribute in ("organization", "objective", "key_result", "kpi", "cause"):
        related = getattr(obj, attribute, None)
        if related is not None:
            return organization_of(related)
    raise TypeError(f"cannot tell the organization of {type(obj).__name__}")


def can_view(user, obj) -> bool:
    """Tell whether `user` may see `obj`, an organization or any object inside one."""
    organization = organization_of(obj)
    if not is_member(user, organization):
        return False

    label = _label(type(obj))
    path = UNIT_PATHS.get(label)
    if path is None:
        return True
    return filter_visible(user, organization, type(obj)._default_manager.filter(pk=obj.pk)).exists()
