"""Authorization used by every service before it changes anything.

`actor=None` is the operator of the command line (imports, the demo
loader, scheduled pulls), who already has the database in hand. A web or
API user must be a superuser or hold a membership in the organization
with a role that may write.
"""

from django.utils.translation import gettext as _

from hoshin.core.errors import PermissionDenied

WRITE_ROLES = {"admin", "strategy_office", "unit_lead", "contributor"}


def authorize(actor, action: str, organization) -> None:
    """Raise `PermissionDenied` unless `actor` may perform `action` in `organization`."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to change %(organization)s.") % {"organization": organization.name})

    from hoshin.accounts.models import Membership

    roles = set(Membership.objects.filter(user=actor, organization=organization).values_list("role", flat=True))
    if not roles & WRITE_ROLES:
        raise PermissionDenied(
            _("You may not %(action)s in %(organization)s.") % {"action": action.replace("_", " "), "organization": organization.name}
        )
