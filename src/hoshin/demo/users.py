"""Demo users: one per role in every demo organization, and a site administrator.

Every demo user's password is its username (`industry-admin` signs in with
`industry-admin`); the site administrator is `demo` / `demo`. Passwords are
set when a user is created, so a password changed later survives a reload.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from hoshin.accounts.models import Membership, Role
from hoshin.organizations.models import Organization

SUPERUSER = "demo"

# Roles that work on the whole organization sit on its top unit; unit leads
# and contributors sit on the operational unit of the organization's chain.
ROLES_ON_TOP_UNIT = (Role.ADMIN, Role.STRATEGY_OFFICE, Role.VIEWER)
ROLE_ORDER = (Role.ADMIN, Role.STRATEGY_OFFICE, Role.UNIT_LEAD, Role.CONTRIBUTOR, Role.VIEWER)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    organization: str
    unit: str


def username_for(organization_key: str, role: str) -> str:
    return f"{organization_key}-{role.replace('_', '-')}"


def ensure_superuser() -> DemoLogin:
    """Create the site administrator `demo` when missing and make sure it is one."""
    user, created = get_user_model().objects.get_or_create(username=SUPERUSER)
    if created:
        user.set_password(SUPERUSER)
    user.is_superuser = user.is_staff = user.is_active = True
    user.save()
    return DemoLogin(SUPERUSER, SUPERUSER, "site administrator", "all", "")


def ensure_members(organization: Organization, operational_unit_key: str) -> list[DemoLogin]:
    """Give `organization` one user per role, each with a membership on the right unit."""
    top_unit = organization.units.get(parent__isnull=True)
    operational_unit = organization.units.get(key=operational_unit_key)
    logins = []
    for role in ROLE_ORDER:
        username = username_for(organization.key, role)
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_password(username)
            user.save(update_fields=["password"])
        unit = top_unit if role in ROLES_ON_TOP_UNIT else operational_unit
        Membership.objects.filter(user=user, organization=organization).exclude(unit=unit, role=role).delete()
        Membership.objects.get_or_create(user=user, organization=organization, unit=unit, defaults={"role": role})
        logins.append(DemoLogin(username, username, role, organization.name, unit.name))
    return logins
