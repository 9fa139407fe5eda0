"""Authorization used by every service before it changes anything.

`actor=None` is the operator of the command line (imports, the demo
loader, scheduled pulls), who already has the database in hand, and a
superuser may do everything. Any other actor needs a membership in the
organization whose role grants the action, in the scope that `MATRIX`
gives it:

- `admin` may do everything in the organization.
- `strategy_office` changes the scorecard (perspectives, strategic
  objectives, cause-effect links), KPI definitions and cycles anywhere.
- `unit_lead` changes OKR objectives, key results, check-ins, KPI
  definitions and measurements of their unit and the units below it.
- `contributor` records check-ins and measurements for key results and
  KPIs of their own unit, and check-ins on key results they own.
- `viewer` changes nothing.

A membership without a unit covers the whole organization. The owner of a
key result may check in on it with any role except `viewer`. Which objects
a user may see is decided in `hoshin.accounts.visibility`.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoshin.core.errors import PermissionDenied

ADMIN = "admin"
STRATEGY_OFFICE = "strategy_office"
UNIT_LEAD = "unit_lead"
CONTRIBUTOR = "contributor"
VIEWER = "viewer"

WRITE_ROLES = {ADMIN, STRATEGY_OFFICE, UNIT_LEAD, CONTRIBUTOR}

# Scopes of a grant: anywhere in the organization, in the member's unit and
# the units below it, or in the member's unit only.
ANYWHERE = "anywhere"
SUBTREE = "subtree"
OWN_UNIT = "own_unit"

_STRATEGY = {STRATEGY_OFFICE: ANYWHERE}
_KPI_DEFINITION = {STRATEGY_OFFICE: ANYWHERE, UNIT_LEAD: SUBTREE}
_OKR = {UNIT_LEAD: SUBTREE}
_DATA_ENTRY = {UNIT_LEAD: SUBTREE, CONTRIBUTOR: OWN_UNIT}

# The roles besides `admin` that may perform each action, with the scope of
# each grant. An action missing here is allowed to administrators only.
MATRIX: dict[str, dict[str, str]] = {
    "change_organization": {},
    "create_unit": {},
    "change_unit": {},
    "manage_members": {},
    "view_audit": {},
    "create_cycle": {STRATEGY_OFFICE: ANYWHERE, UNIT_LEAD: ANYWHERE},
    "create_perspective": _STRATEGY,
    "change_perspective": _STRATEGY,
    "create_strategic_objective": _STRATEGY,
    "change_strategic_objective": _STRATEGY,
    "create_link": _STRATEGY,
    "change_link": _STRATEGY,
    "delete_link": _STRATEGY,
    "create_kpi": _KPI_DEFINITION,
    "change_kpi": _KPI_DEFINITION,
    "record_measurement": _DATA_ENTRY,
    "create_okr_objective": _OKR,
    "change_okr_objective": _OKR,
    "check_in": _DATA_ENTRY,
}

# Actions that the owner of the object may perform whatever the unit.
OWNER_ACTIONS = {"check_in"}

ACTION_LABELS = {
    "change_organization": gettext_lazy("change the organization"),
    "create_unit": gettext_lazy("create units"),
    "change_unit": gettext_lazy("change units"),
    "manage_members": gettext_lazy("manage members"),
    "view_audit": gettext_lazy("view the audit log"),
    "create_cycle": gettext_lazy("create cycles"),
    "create_perspective": gettext_lazy("create perspectives"),
    "change_perspective": gettext_lazy("change perspectives"),
    "create_strategic_objective": gettext_lazy("create strategic objectives"),
    "change_strategic_objective": gettext_lazy("change strategic objectives"),
    "create_link": gettext_lazy("create cause-effect links"),
    "change_link": gettext_lazy("change cause-effect links"),
    "delete_link": gettext_lazy("delete cause-effect links"),
    "create_kpi": gettext_lazy("create KPIs"),
    "change_kpi": gettext_lazy("change KPIs"),
    "record_measurement": gettext_lazy("record measurements"),
    "create_okr_objective": gettext_lazy("create OKR objectives"),
    "change_okr_objective": gettext_lazy("change OKR objectives and key results"),
    "check_in": gettext_lazy("check in on key results"),
}


def memberships_of(user, organization) -> list[tuple[str, int | None]]:
    """Return the (role, unit id) pairs of `user` in `organization`."""
    from hoshin.accounts.models import Membership

    return list(Membership.objects.filter(user=user, organization=organization).values_list("role", "unit_id"))


def unit_and_ancestors(organization, unit_id: int) -> set[int]:
    """Return the ids of the unit and of every unit above it, with one query."""
    from hoshin.organizations.models import Unit

    parents = dict(Unit.objects.filter(organization=organization).values_list("pk", "parent_id"))
    chain: set[int] = set()
    current = unit_id
    while current is not None and current not in chain:
        chain.add(current)
        current = parents.get(current)
    return chain


def _pk(value):
    return getattr(value, "pk", value)


def _grant_covers(scope: str, member_unit_id, unit_id, ancestors) -> bool:
    if scope == ANYWHERE or member_unit_id is None:
        return True
    if unit_id is None:
        return False
    if scope == OWN_UNIT:
        return member_unit_id == unit_id
    return member_unit_id in ancestors()


def is_allowed(actor, action: str, organization, *, unit=None, owner=None) -> bool:
    """Tell whether `actor` may perform `action` in `organization` on an object of `unit` owned by `owner`.

    `unit` and `owner` may be model instances or primary keys. Pages use
    this to hide forms; services call `authorize`, which raises instead.
    """
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", True):
        return False

    memberships = memberships_of(actor, organization)
    roles = {role for role, _unit in memberships}
    if ADMIN in roles:
        return True
    if action in OWNER_ACTIONS and owner is not None and _pk(owner) == actor.pk and roles & WRITE_ROLES:
        return True

    grants = MATRIX.get(action, {})
    unit_id = _pk(unit)
    cache: dict[str, set[int]] = {}

    def ancestors() -> set[int]:
        if "chain" not in cache:
            cache["chain"] = unit_and_ancestors(organization, unit_id)
        return cache["chain"]

    for role, member_unit_id in memberships:
        scope = grants.get(role)
        if scope is not None and _grant_covers(scope, member_unit_id, unit_id, ancestors):
            return True
    return False


def authorize(actor, action: str, organization, *, unit=None, owner=None) -> None:
    """Raise `PermissionDenied` unless `actor` may perform `action` (see `is_allowed`)."""
    if is_allowed(actor, action, organization, unit=unit, owner=owner):
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to change %(organization)s.") % {"organization": organization.name})

    label = ACTION_LABELS.get(action, action.replace("_", " "))
    if unit is not None and hasattr(unit, "name"):
        raise PermissionDenied(
            _("You may not %(action)s of unit %(unit)s in %(organization)s.")
            % {"action": label, "unit": unit.name, "organization": organization.name}
        )
    raise PermissionDenied(
        _("You may not %(action)s in %(organization)s.") % {"action": label, "organization": organization.name}
    )
