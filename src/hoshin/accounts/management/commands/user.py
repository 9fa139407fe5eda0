"""`hoshin user`: create users, grant and revoke roles, send invitations."""

import getpass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hoshin.accounts import services
from hoshin.accounts.models import Membership, Role
from hoshin.core.errors import DomainError
from hoshin.organizations.models import Organization, Unit


def _organization(key: str) -> Organization:
    organization = Organization.objects.filter(key=key).first()
    if organization is None:
        raise CommandError(f"organization {key!r} not found")
    return organization


def _unit(organization: Organization, key: str | None) -> Unit | None:
    if key is None:
        return None
    unit = Unit.objects.filter(organization=organization, key=key).first()
    if unit is None:
        raise CommandError(f"unit {key!r} not found in organization {organization.key!r}")
    return unit


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"user {username!r} not found")
    return user


class Command(BaseCommand):
    help = "Create users, grant or revoke their roles in organizations, and invite people by e-mail."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser("create", help="Create a user.")
        create.add_argument("username")
        create.add_argument("--email", default="", help="E-mail address, used for password reset.")
        secret = create.add_mutually_exclusive_group()
        secret.add_argument("--password", help="The password. Visible to other local users in the process list; "
                                               "prefer --password-file or the prompt.")
        secret.add_argument("--password-file", type=Path, help="File whose first line is the password.")
        create.add_argument("--superuser", action="store_true", help="Make the user a site administrator.")

        grant = actions.add_parser("grant", help="Give a user a role in an organization.")
        grant.add_argument("username")
        grant.add_argument("organization", metavar="ORG_KEY")
        grant.add_argument("role", choices=Role.values)
        grant.add_argument("--unit", metavar="UNIT_KEY", help="Limit the role to this unit and the units below it.")
        grant.add_argument("--reason", default="", help="Why, for the audit log.")

        revoke = actions.add_parser("revoke", help="Remove a user's membership in an organization.")
        revoke.add_argument("username")
        revoke.add_argument("organization", metavar="ORG_KEY")
        revoke.add_argument("--unit", metavar="UNIT_KEY", help="The unit of the membership to remove.")
        revoke.add_argument("--reason", default="", help="Why, for the audit log.")

        invite = actions.add_parser("invite", help="E-mail an invitation link that creates the user on acceptance.")
        invite.add_argument("email")
        invite.add_argument("organization", metavar="ORG_KEY")
        invite.add_argument("role", choices=Role.values)
        invite.add_argument("--unit", metavar="UNIT_KEY")
        invite.add_argument("--expires-days", type=int, default=7, help="Days the link stays valid (default 7).")
        invite.add_argument("--base-url", default=None,
                            help="Address of the site in the link, such as https://hoshin.example.com "
                                 "(default: the SITE_URL setting).")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except DomainError as error:
            raise CommandError(str(error)) from error

    def handle_create(self, username, email, password, password_file, superuser, **options):
        if password_file is not None:
            try:
                password = password_file.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError) as exc:
                raise CommandError(f"could not read a password from {password_file}: {exc}") from exc
        if password is None:
            password = self._prompt_password()
        user = services.create_user(None, username=username, email=email, password=password)
        if superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        self.stdout.write(f"created user {user.username}")

    def _prompt_password(self) -> str:
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt) as exc:
            raise CommandError("no password given; use --password-file or run interactively") from exc
        if first != second:
            raise CommandError("the two passwords differ")
        return first

    def handle_grant(self, username, organization, role, unit, reason, **options):
        org = _organization(organization)
        membership = services.grant_role(None, org, _user(username), role, unit=_unit(org, unit), reason=reason)
        scope = f"unit {membership.unit.key}" if membership.unit else "the whole organization"
        self.stdout.write(f"{username} is {membership.role} in {org.key} on {scope}")

    def handle_revoke(self, username, organization, unit, reason, **options):
        org = _organization(organization)
        services.revoke_role(None, org, _user(username), unit=_unit(org, unit), reason=reason)
        remaining = Membership.objects.filter(user__username=username, organization=org).count()
        self.stdout.write(f"removed the membership; {username} has {remaining} left in {org.key}")

    def handle_invite(self, email, organization, role, unit, expires_days, base_url, **options):
        base_url = base_url or getattr(settings, "SITE_URL", "")
        if not base_url:
            raise CommandError("give --base-url or set HOSHIN_SITE_URL, so the link points at this site")
        org = _organization(organization)
        invitation, _raw = services.invite(None, org, email=email, role=role, unit=_unit(org, unit),
                                           base_url=base_url, expires_in_days=expires_days)
        self.stdout.write(f"sent an invitation to {invitation.email}, valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC")
