"""Limits on failed sign-ins and token checks, per account and per client address."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.utils import timezone

from hoshin.accounts import ratelimit
from hoshin.accounts.forms import RateLimitedAuthenticationForm
from hoshin.accounts.ratelimit import FailedAttempt, TooManyAttempts, client_address
from hoshin.accounts.tokens import authenticate_token, create_token
from hoshin.core.errors import PermissionDenied


def login_request(address="198.51.100.7"):
    request = RequestFactory().post("/login/")
    request.META["REMOTE_ADDR"] = address
    return request


def fail_logins(username, count, address="198.51.100.7"):
    for _ in range(count):
        assert authenticate(login_request(address), username=username, password="wrong") is None


def test_account_locked_after_five_failures(teammate):
    fail_logins("teammate", 5)

    assert authenticate(login_request(), username="teammate", password="pw-teammate-123") is None


def test_success_before_limit_clears_account(teammate):
    fail_logins("teammate", 4)

    assert authenticate(login_request(), username="teammate", password="pw-teammate-123") == teammate
    assert not FailedAttempt.objects.filter(key="login:user:teammate").exists()


def test_lock_applies_from_other_address(teammate):
    fail_logins("teammate", 5, address="198.51.100.7")

    assert authenticate(login_request("203.0.113.1"), username="teammate", password="pw-teammate-123") is None


def test_address_locked_across_accounts(teammate, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ("a", "b", "c"):
        fail_logins(name, 1)

    assert authenticate(login_request(), username="teammate", password="pw-teammate-123") is None
    assert authenticate(login_request("203.0.113.1"), username="teammate", password="pw-teammate-123") == teammate


def test_lock_expires_after_window(teammate):
    fail_logins("teammate", 5)
    FailedAttempt.objects.update(at=timezone.now() - dt.timedelta(minutes=16))

    assert authenticate(login_request(), username="teammate", password="pw-teammate-123") == teammate


def test_form_says_try_again_in_minutes(teammate):
    fail_logins("teammate", 5)
    form = RateLimitedAuthenticationForm(login_request(), data={"username": "teammate", "password": "pw-teammate-123"})

    assert not form.is_valid()
    assert form.non_field_errors() == ["Too many failed attempts; try again in 15 minutes."]


def test_retry_time_counts_from_oldest_needed(teammate):
    now = timezone.now()
    FailedAttempt.objects.bulk_create(
        [FailedAttempt(key="login:user:teammate", at=now - dt.timedelta(minutes=minutes)) for minutes in (14, 10, 3, 2, 1)]
    )

    with pytest.raises(TooManyAttempts) as error:
        ratelimit.check(ratelimit.login_keys("teammate", None))

    assert 55 <= error.value.retry_after <= 60
    assert error.value.message == "Too many failed attempts; try again in 1 minute."


@pytest.mark.urls("accounts.urls")
def test_login_page_shows_lock(client, teammate):
    for _ in range(5):
        client.post("/limited-login/", {"username": "teammate", "password": "wrong"})

    response = client.post("/limited-login/", {"username": "teammate", "password": "pw-teammate-123"})

    assert response.status_code == 200
    assert "try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_token_guessing_locks_address(teammate):
    _, raw = create_token(teammate, name="feed", scopes=["read"])
    for _ in range(20):
        with pytest.raises(PermissionDenied, match="malformed|unknown"):
            authenticate_token("hsn_000000000000_guess", "read", address="198.51.100.9")

    with pytest.raises(TooManyAttempts):
        authenticate_token(raw, "read", address="198.51.100.9")
    assert authenticate_token(raw, "read", address="203.0.113.1") == teammate


def test_wrong_secret_locks_token_user(teammate):
    token, raw = create_token(teammate, name="feed", scopes=["read"])
    wrong = f"hsn_{token.prefix}_not-the-secret"
    for _ in range(5):
        with pytest.raises(PermissionDenied, match="unknown"):
            authenticate_token(wrong, "read", address=None)

    with pytest.raises(TooManyAttempts, match="try again in 15 minutes"):
        authenticate_token(raw, "read", address=None)


def test_client_address_behind_proxy(settings):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.5", REMOTE_ADDR="127.0.0.1")

    assert client_address(request) == "127.0.0.1"
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_address(request) == "203.0.113.5"
