"""Fixtures for the insights: logged-in clients and the demo organizations loaded once per module."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

DEMO_TODAY = "2025-05-20"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


def load_demo(*keys: str, truth_path=None) -> str:
    arguments = ["--today", DEMO_TODAY, "--skip-real"]
    for key in keys:
        arguments += ["--org", key]
    if truth_path is not None:
        arguments += ["--truth", str(truth_path)]
    output = io.StringIO()
    call_command("demo", *arguments, stdout=output)
    return output.getvalue()


def loaded_demo(keys, django_db_blocker, tmp_path_factory):
    truth_path = tmp_path_factory.mktemp("insights-demo") / "truth.json"
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo(*keys, truth_path=truth_path)
        yield json.loads(truth_path.read_text(encoding="utf-8"))
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The three simulated demo organizations and their ground truth, rolled back after the module."""
    yield from loaded_demo(("industry", "financial", "retail"), django_db_blocker, tmp_path_factory)


@pytest.fixture(scope="module")
def industry_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Only the industry demo organization (Ridgeway Steel), for tests that need one, rolled back after the module."""
    yield from loaded_demo(("industry",), django_db_blocker, tmp_path_factory)
