"""Invitations by e-mail link, password reset by e-mail, and the membership services."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from hoshin.accounts import services
from hoshin.accounts.models import Invitation, Membership
from hoshin.core.errors import NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.urls("accounts.urls")


@pytest.fixture
def invitation(org, owner):
    return services.invite(owner, org, email="new@example.com", role="contributor", unit=org.units.get(key="t1"),
                           base_url="https://hoshin.example.com/")


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_invite_sends_link_once(invitation):
    record, raw = invitation

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]
    assert link_path(mail.outbox[0]) == f"/invitations/{raw}/"
    assert raw not in record.token_hash


def test_only_admins_invite(org, teammate):
    with pytest.raises(PermissionDenied):
        services.invite(teammate, org, email="x@example.com", role="admin", base_url="https://h.example.com")

    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_invite_rejects_bad_input(org, owner, other_org):
    with pytest.raises(ValidationFailed) as bad_email:
        services.invite(owner, org, email="not-an-address", role="viewer", base_url="https://h.example.com")
    with pytest.raises(ValidationFailed) as bad_role:
        services.invite(owner, org, email="x@example.com", role="king", base_url="https://h.example.com")
    with pytest.raises(ValidationFailed) as foreign_unit:
        services.invite(owner, org, email="x@example.com", role="viewer", unit=other_org.units.first(),
                        base_url="https://h.example.com")

    assert bad_email.value.field == "email"
    assert bad_role.value.field == "role"
    assert foreign_unit.value.field == "unit"


def test_accept_creates_user_and_membership(client, invitation, org):
    _, raw = invitation

    response = client.post(f"/invitations/{raw}/", {"username": "newbie", "new_password1": "a long passphrase here",
                                                     "new_password2": "a long passphrase here"})

    user = get_user_model().objects.get(username="newbie")
    membership = Membership.objects.get(user=user)
    assert response.status_code == 302
    assert user.email == "new@example.com"
    assert (membership.organization, membership.unit.key, membership.role) == (org, "t1", "contributor")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert Invitation.objects.get().accepted_by == user


def test_accept_page_shows_form(client, invitation):
    _, raw = invitation

    response = client.get(f"/invitations/{raw}/")

    assert response.status_code == 200
    assert "new@example.com" in response.content.decode()


def test_accept_twice_rejected(client, invitation):
    _, raw = invitation
    services.accept_invitation(raw, username="first", password="a long passphrase here")

    response = client.get(f"/invitations/{raw}/")

    assert response.status_code == 404
    with pytest.raises(NotFound, match="already accepted"):
        services.accept_invitation(raw, username="second", password="a long passphrase here")
    assert not get_user_model().objects.filter(username="second").exists()


def test_expired_invitation_rejected(invitation):
    record, raw = invitation
    Invitation.objects.filter(pk=record.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    with pytest.raises(NotFound, match="expired"):
        services.accept_invitation(raw, username="late", password="a long passphrase here")


def test_unknown_invitation_page(client, db):
    assert client.get("/invitations/forged/").status_code == 404


def test_weak_password_keeps_invitation_open(client, invitation):
    _, raw = invitation

    response = client.post(f"/invitations/{raw}/", {"username": "newbie", "new_password1": "newbie",
                                                     "new_password2": "newbie"})

    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="newbie").exists()
    assert Invitation.objects.get().accepted_at is None


def test_signed_in_user_accepts(client, invitation, outsider, org):
    _, raw = invitation
    client.force_login(outsider)

    client.post(f"/invitations/{raw}/")

    assert Membership.objects.get(user=outsider, organization=org).role == "contributor"


def test_password_reset_by_mail(client, teammate):
    teammate.email = "teammate@example.com"
    teammate.save()

    client.post("/password-reset/", {"email": "teammate@example.com"})
    confirm = client.get(link_path(mail.outbox[0]), follow=True)
    done = client.post(confirm.redirect_chain[-1][0], {"new_password1": "a fresh passphrase",
                                                       "new_password2": "a fresh passphrase"})

    teammate.refresh_from_db()
    assert done.status_code == 302
    assert teammate.check_password("a fresh passphrase")


def test_password_reset_limited(client, teammate, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    teammate.email = "teammate@example.com"
    teammate.save()

    responses = [client.post("/password-reset/", {"email": "teammate@example.com"}) for _ in range(3)]

    assert [r.status_code for r in responses] == [302, 302, 200]
    assert "Too many failed attempts" in responses[2].content.decode()
    assert len(mail.outbox) == 2


def test_grant_role_needs_admin(org, teammate, outsider):
    with pytest.raises(PermissionDenied):
        services.grant_role(teammate, org, outsider, "admin")

    assert not Membership.objects.filter(user=outsider, organization=org).exists()
