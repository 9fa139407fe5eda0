"""API tokens: creation, scopes, expiry, revocation and how the secret is stored."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from hoshin.accounts.tokens import ApiToken, authenticate_token, create_token, revoke_token
from hoshin.core.errors import PermissionDenied, ValidationFailed


@pytest.fixture
def token_pair(teammate):
    return create_token(teammate, name="sensor feed", scopes=["write:measurements"], expires_in_days=30)


def test_token_authenticates_its_user(token_pair, teammate):
    token, raw = token_pair

    user = authenticate_token(raw, "write:measurements")

    assert user == teammate
    assert user.api_token == token
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_write_scope_implies_read(token_pair):
    _, raw = token_pair

    assert authenticate_token(raw, "read").username == "teammate"


def test_admin_scope_grants_every_scope(teammate):
    _, raw = create_token(teammate, name="all", scopes=["admin"])

    for scope in ["read", "write:measurements", "write:okrs", "admin"]:
        assert authenticate_token(raw, scope) == teammate


def test_missing_scope_is_denied(token_pair):
    _, raw = token_pair

    with pytest.raises(PermissionDenied, match="lacks the scope write:okrs"):
        authenticate_token(raw, "write:okrs")


def test_revoked_token_is_denied(token_pair):
    token, raw = token_pair

    revoke_token(token)

    with pytest.raises(PermissionDenied, match="was revoked"):
        authenticate_token(raw, "read")


def test_expired_token_is_denied(token_pair):
    token, raw = token_pair
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    with pytest.raises(PermissionDenied, match="has expired"):
        authenticate_token(raw, "read")


def test_unknown_token_is_denied(token_pair):
    _, raw = token_pair
    wrong_secret = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")

    with pytest.raises(PermissionDenied, match="unknown"):
        authenticate_token(wrong_secret, "read")
    with pytest.raises(PermissionDenied, match="unknown"):
        authenticate_token("hsn_000000000000_secret", "read")


def test_malformed_token_is_denied(db):
    with pytest.raises(PermissionDenied, match="malformed"):
        authenticate_token("Bearer nonsense", "read")


def test_inactive_user_is_denied(token_pair, teammate):
    _, raw = token_pair
    teammate.is_active = False
    teammate.save()

    with pytest.raises(PermissionDenied, match="inactive"):
        authenticate_token(raw, "read")


def test_expiry_is_set_from_days(token_pair):
    token, _ = token_pair

    assert token.expires_at - token.created_at == dt.timedelta(days=30)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": ["write:everything"]}, "scopes"),
        ({"name": " ", "scopes": ["read"]}, "name"),
        ({"name": "x", "scopes": ["read"], "expires_in_days": 0}, "expires_in_days"),
    ],
)
def test_create_token_rejects_bad_input(teammate, kwargs, field):
    with pytest.raises(ValidationFailed) as excinfo:
        create_token(teammate, **kwargs)

    assert excinfo.value.field == field
    assert not ApiToken.objects.exists()


def test_raw_token_is_stored_nowhere(token_pair):
    token, raw = token_pair
    secret = raw.split("_", 2)[2]

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert secret not in text, table
    assert token.key_hash != secret
    assert len(token.salt) == 32


def test_salts_differ_between_tokens(teammate):
    first, _ = create_token(teammate, name="a", scopes=["read"])
    second, _ = create_token(teammate, name="b", scopes=["read"])

    assert first.salt != second.salt
    assert first.prefix != second.prefix
