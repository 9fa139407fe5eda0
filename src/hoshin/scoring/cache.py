"""Reuse an organization's score until something that feeds it changes.

Every write that can change a score raises `Organization.data_version` in
the same transaction: model signals cover the services, and bulk writers
(measurement ingestion, the demo loader) call `bump_version` themselves.
A cached score is keyed by organization, date and version, so a write
makes the next read score afresh and a stale score is never served. The
cache is Django's cache framework (per process by default).
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import F, Subquery
from django.db.models.signals import post_delete, post_save

from hoshin.organizations.models import Organization

CACHE_SECONDS = 600


def bump_version(organization_id: int) -> None:
    Organization.objects.filter(pk=organization_id).update(data_version=F("data_version") + 1)


def current_version(organization: Organization) -> int:
    return Organization.objects.filter(pk=organization.pk).values_list("data_version", flat=True).get()


def cached_score_document(organization: Organization, as_of: dt.date | None = None) -> dict:
    """Return `score_organization(...).to_json()`, reused from the cache while the data version is unchanged.

    Each process keeps its own cache by default, so two processes may each
    compute the same document once.
    """
    from hoshin.scoring.service import score_organization, today_for

    as_of = as_of or today_for(organization)
    # The creation time distinguishes two organizations that got the same id, e.g. after a database restore.
    created = organization.created_at.timestamp() if organization.created_at else 0
    key = f"hoshin:score:{organization.pk}:{created}:{as_of.isoformat()}:{current_version(organization)}"
    document = cache.get(key)
    if document is None:
        document = score_organization(organization, as_of).to_json()
        cache.set(key, document, CACHE_SECONDS)
    return document


def _organization_query(sender, instance):
    """Return a filter value for the organization of `instance`: an id or a one-row subquery."""
    from hoshin.kpis.models import Kpi
    from hoshin.okrs.models import OkrObjective
    from hoshin.organizations.models import StrategicObjective

    if sender is Organization:
        return instance.pk
    if hasattr(instance, "organization_id"):
        return instance.organization_id
    if hasattr(instance, "kpi_id"):
        return Subquery(Kpi.objects.filter(pk=instance.kpi_id).values("organization_id")[:1])
    if sender.__name__ == "StrategicKpi":
        return Subquery(StrategicObjective.objects.filter(pk=instance.objective_id).values("organization_id")[:1])
    if hasattr(instance, "objective_id"):
        return Subquery(OkrObjective.objects.filter(pk=instance.objective_id).values("organization_id")[:1])
    if hasattr(instance, "key_result_id"):
        return Subquery(OkrObjective.objects.filter(key_results__pk=instance.key_result_id)
                        .values("organization_id")[:1])
    return None


def _on_change(sender, instance, **kwargs) -> None:
    if sender is Organization and kwargs.get("update_fields") == frozenset({"data_version"}):
        return
    organization = _organization_query(sender, instance)
    if organization is not None:
        Organization.objects.filter(pk=organization).update(data_version=F("data_version") + 1)


def connect_signals() -> None:
    """Raise the data version on every save or delete of a model that scoring reads."""
    from hoshin.kpis.models import Kpi, KpiTarget, Measurement
    from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective
    from hoshin.organizations.models import CauseEffectLink, Cycle, Perspective, StrategicKpi, StrategicObjective, Unit

    models = [Organization, Unit, Perspective, StrategicObjective, StrategicKpi, CauseEffectLink, Cycle, Kpi,
              KpiTarget, Measurement, OkrObjective, Alignment, KeyResult, CheckIn]
    for model in models:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"score-version-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"score-version-delete-{model.__name__}")
