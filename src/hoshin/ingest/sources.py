"""Writes to SQL data sources."""

from django.db import transaction
from django.utils.translation import gettext as _

from hoshin.accounts.permissions import authorize
from hoshin.core.errors import ValidationFailed
from hoshin.ingest.models import DataSource
from hoshin.ingest.sql_sources import check_backend
from hoshin.kpis.models import Kpi


@transaction.atomic
def save_source(organization, *, key, name, url, query, kpi_key=None, kpi_mapping=None, timeout_seconds=30,
                lookback_days=None, actor=None) -> tuple[DataSource, bool]:
    """Create or update the data source `key`; return it and whether it was created."""
    authorize(actor, "change_organization", organization)
    check_backend(url)
    if ":start" not in query or ":end" not in query:
        raise ValidationFailed(_("The query must use the parameters :start and :end."), field="query")
    if timeout_seconds < 1:
        raise ValidationFailed(_("The timeout must be at least 1 second."), field="timeout_seconds")
    kpi = None
    if kpi_key:
        kpi = Kpi.objects.filter(organization=organization, key=kpi_key).first()
        if kpi is None:
            raise ValidationFailed(_("KPI %(key)s not found.") % {"key": kpi_key}, field="kpi")
    values = {"name": name, "url": url, "query": query, "kpi": kpi, "kpi_mapping": kpi_mapping or {},
              "timeout_seconds": timeout_seconds, "lookback_days": lookback_days}
    source, created = DataSource.objects.update_or_create(organization=organization, key=key, defaults=values)
    return source, created
