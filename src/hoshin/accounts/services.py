"""Writes to users, memberships and invitations.

Same shape as the other services: authorize, validate (raising a domain
error before anything changes), change, record history. Creating a user
outside an invitation is for the command line and superusers only.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoshin.accounts.invitations import DEFAULT_INVITATION_DAYS, Invitation, hash_invitation_token, new_invitation_token
from hoshin.accounts.models import Membership, Role
from hoshin.accounts.permissions import authorize
from hoshin.core.errors import NotFound, PermissionDenied, ValidationFailed
from hoshin.core.history import delete_with_history, save_with_history, update_with_history


def _check_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="password") from exc


def _check_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailed(_("%(email)s is not a valid e-mail address.") % {"email": email}, field="email") from exc
    return email


def _check_role(role: str, organization, unit) -> None:
    if role not in Role.values:
        raise ValidationFailed(
            _("Unknown role %(role)s; use one of %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    if unit is not None and unit.organization_id != organization.pk:
        raise ValidationFailed(_("Unit %(unit)s belongs to another organization.") % {"unit": unit.key}, field="unit")


@transaction.atomic
def create_user(actor, *, username: str, email: str = "", password: str):
    """Create an active user with a validated password; for the command line and superusers."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only a site administrator may create users."))
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("A username is required."), field="username")
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("The username %(username)s is taken.") % {"username": username}, field="username")
    email = _check_email(email) if email else ""
    user = user_model(username=username, email=email)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def grant_role(actor, organization, user, role: str, *, unit=None, reason: str = "") -> Membership:
    """Give `user` `role` in `organization` on `unit` (the whole organization when None).

    A user has at most one membership per unit, so granting again on the
    same unit changes the role.
    """
    authorize(actor, "manage_members", organization)
    _check_role(role, organization, unit)
    membership = Membership.objects.filter(user=user, organization=organization, unit=unit).first()
    if membership is None:
        membership = Membership(user=user, organization=organization, unit=unit, role=role)
        save_with_history(membership, actor=actor, reason=reason or "granted")
    else:
        update_with_history(membership, {"role": role}, actor=actor, reason=reason)
    return membership


@transaction.atomic
def revoke_role(actor, organization, user, *, unit=None, reason: str = "") -> None:
    """Remove the membership of `user` in `organization` on `unit`."""
    authorize(actor, "manage_members", organization)
    membership = Membership.objects.filter(user=user, organization=organization, unit=unit).first()
    if membership is None:
        raise NotFound(_("%(user)s has no membership there.") % {"user": user.get_username()})
    delete_with_history(membership, actor=actor, reason=reason or "revoked")


def invitation_url(raw_token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("accept-invitation", args=[raw_token])


@transaction.atomic
def invite(actor, organization, *, email: str, role: str, unit=None, base_url: str,
           expires_in_days: int = DEFAULT_INVITATION_DAYS) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link; return it with the raw token, which is not stored.

    `base_url` is the site's address as users reach it, for example
    `https://hoshin.example.com`, because a service has no request to
    take it from.
    """
    authorize(actor, "manage_members", organization)
    email = _check_email(email)
    _check_role(role, organization, unit)
    if expires_in_days < 1:
        raise ValidationFailed(_("An invitation must be valid for at least one day."), field="expires_in_days")

    raw, token_hash = new_invitation_token()
    now = timezone.now()
    invitation = Invitation(organization=organization, email=email, role=role, unit=unit, token_hash=token_hash,
                            invited_by=actor if getattr(actor, "pk", None) else None, created_at=now,
                            expires_at=now + dt.timedelta(days=expires_in_days))
    save_with_history(invitation, actor=actor, reason="invited")

    context = {"invitation": invitation, "url": invitation_url(raw, base_url), "inviter": actor}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_email.txt", context)
    send_mail(subject, body, None, [email])
    return invitation, raw


def open_invitation(raw_token: str) -> Invitation:
    """Return the invitation for `raw_token` while it can be accepted, or raise `NotFound`."""
    invitation = (
        Invitation.objects.select_related("organization", "unit")
        .filter(token_hash=hash_invitation_token(raw_token or ""))
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise NotFound(_("This invitation was already accepted; sign in instead."))
    if invitation.is_expired():
        raise NotFound(_("This invitation has expired; ask for a new one."))
    return invitation


@transaction.atomic
def accept_invitation(raw_token: str, *, username: str = "", password: str = "", user=None):
    """Accept an invitation: create the user (or use the signed-in `user`) and the membership.

    Returns the user. The invitation row is locked, so two clicks on the
    same link cannot both create a user.
    """
    invitation = open_invitation(raw_token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise NotFound(_("This invitation was already accepted; sign in instead."))

    if user is None:
        user = create_user(None, username=username, email=invitation.email, password=password)
    membership = Membership.objects.filter(user=user, organization=invitation.organization, unit=invitation.unit).first()
    reason = "accepted invitation"
    if membership is None:
        save_with_history(
            Membership(user=user, organization=invitation.organization, unit=invitation.unit, role=invitation.role),
            actor=user, reason=reason,
        )
    else:
        update_with_history(membership, {"role": invitation.role}, actor=user, reason=reason)
    update_with_history(invitation, {"accepted_at": timezone.now(), "accepted_by": user}, actor=user, reason="accepted")
    return user
