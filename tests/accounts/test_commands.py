"""The `hoshin user` and `hoshin token` commands."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from hoshin.accounts.models import Invitation, Membership
from hoshin.accounts.tokens import ApiToken, authenticate_token


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_user_create_with_password_file(db, tmp_path):
    secret = tmp_path / "password"
    secret.write_text("a long passphrase here\n", encoding="utf-8")

    out, _ = run("user", "create", "alice", "--email", "alice@example.com", "--password-file", str(secret))

    alice = get_user_model().objects.get(username="alice")
    assert out.strip() == "created user alice"
    assert alice.email == "alice@example.com"
    assert alice.check_password("a long passphrase here")
    assert not alice.is_superuser


def test_user_create_rejects_weak_password(db):
    with pytest.raises(CommandError, match="too short"):
        run("user", "create", "bob", "--password", "123")

    assert not get_user_model().objects.filter(username="bob").exists()


def test_user_create_rejects_taken_name(teammate):
    with pytest.raises(CommandError, match="taken"):
        run("user", "create", "Teammate", "--password", "a long passphrase here")


def test_user_grant_on_unit(org, teammate):
    out, _ = run("user", "grant", "teammate", "acme", "unit_lead", "--unit", "t2", "--reason", "new lead")

    membership = Membership.objects.get(user=teammate, unit__key="t2")
    assert membership.role == "unit_lead"
    assert membership.history.get().history_change_reason == "new lead"
    assert out.strip() == "teammate is unit_lead in acme on unit t2"


def test_user_grant_again_changes_role(org, teammate):
    run("user", "grant", "teammate", "acme", "viewer", "--unit", "t1")

    assert Membership.objects.get(user=teammate, organization=org).role == "viewer"


@pytest.mark.parametrize("args, message", [
    (["nobody", "acme", "viewer"], "user 'nobody' not found"),
    (["teammate", "nope", "viewer"], "organization 'nope' not found"),
    (["teammate", "acme", "viewer", "--unit", "zz"], "unit 'zz' not found"),
])
def test_user_grant_reports_missing(org, teammate, args, message):
    with pytest.raises(CommandError, match=message):
        run("user", "grant", *args)


def test_user_revoke(org, teammate):
    run("user", "revoke", "teammate", "acme", "--unit", "t1")

    assert not Membership.objects.filter(user=teammate).exists()


@pytest.mark.urls("accounts.urls")
def test_user_invite_sends_mail(org):
    out, _ = run("user", "invite", "new@example.com", "acme", "contributor", "--unit", "t1",
                 "--base-url", "https://hoshin.example.com")

    invitation = Invitation.objects.get()
    assert invitation.unit.key == "t1"
    assert len(mail.outbox) == 1
    assert "https://hoshin.example.com/invitations/" in mail.outbox[0].body
    assert out.startswith("sent an invitation to new@example.com")


def test_user_invite_needs_base_url(org, settings):
    settings.SITE_URL = ""

    with pytest.raises(CommandError, match="--base-url"):
        run("user", "invite", "new@example.com", "acme", "viewer")


def test_token_create_prints_raw_once(teammate):
    out, err = run("token", "create", "teammate", "--scope", "write:measurements", "--name", "sensor",
                   "--expires-days", "10")

    raw = out.strip()
    token = ApiToken.objects.get()
    assert authenticate_token(raw, "write:measurements") == teammate
    assert token.name == "sensor"
    assert raw not in err
    assert token.display_key in err


def test_token_list_hides_secret(teammate):
    raw, _ = run("token", "create", "teammate", "--scope", "read")

    out, _ = run("token", "list", "teammate")

    assert raw.strip() not in out
    assert "\tactive\t" in out


def test_token_revoke_by_shown_form(teammate):
    raw, _ = run("token", "create", "teammate", "--scope", "read")
    token = ApiToken.objects.get()

    out, _ = run("token", "revoke", token.display_key, "--reason", "laptop lost")

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "is now revoked" in out
    assert token.history.first().history_change_reason == "laptop lost"


def test_token_revoke_unknown(db):
    with pytest.raises(CommandError, match="no token with prefix"):
        run("token", "revoke", "hsn_ffffffffffff_…")
