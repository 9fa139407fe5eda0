"""Shared fixtures: an organization with a unit tree, and its owner, a teammate and an outsider."""

import datetime as dt
import os

import pytest
from hypothesis import settings as hypothesis_settings

from hoshin.accounts.models import Membership
from hoshin.organizations import services as org_services


# No time limit per example, because a loaded machine can stall any one of them. In CI the
# examples are derived from each test's name, so a run can be repeated exactly.
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def default_language():
    """Reset the active language after each test, because a request through the test client leaves its own active."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with an empty cache, because ids repeat once a test's rows are rolled back."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db):
    organization = org_services.create_organization(
        None, key="acme", name="Acme", time_zone="America/Sao_Paulo", fiscal_year_start_month=1, locale="pt-BR"
    )
    company = org_services.create_unit(None, organization, key="company", name="Acme")
    org_services.create_unit(None, organization, key="t1", name="Team 1", parent=company)
    org_services.create_unit(None, organization, key="t2", name="Team 2", parent=company)
    return organization


@pytest.fixture
def other_org(db):
    organization = org_services.create_organization(None, key="globex", name="Globex")
    org_services.create_unit(None, organization, key="company", name="Globex")
    return organization


@pytest.fixture
def owner(org, django_user_model):
    user = django_user_model.objects.create_user("owner", password="pw-owner-123")
    Membership.objects.create(user=user, organization=org, unit=org.units.get(key="company"), role="admin")
    return user


@pytest.fixture
def teammate(org, django_user_model):
    user = django_user_model.objects.create_user("teammate", password="pw-teammate-123")
    Membership.objects.create(user=user, organization=org, unit=org.units.get(key="t1"), role="contributor")
    return user


@pytest.fixture
def outsider(other_org, django_user_model):
    user = django_user_model.objects.create_user("outsider", password="pw-outsider-123")
    Membership.objects.create(user=user, organization=other_org, role="admin")
    return user


@pytest.fixture
def q1_2026(org):
    return org_services.cycle_for_label(None, org, "2026-Q1")


@pytest.fixture
def day():
    return dt.date
