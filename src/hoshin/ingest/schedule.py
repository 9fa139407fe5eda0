"""Scheduled pulls: which data sources are due, claimed once and handed to the task backend.

A source is due when `next_pull_at` is empty or past. Its interval is
`pull_interval_minutes`, or else follows the most frequent of its KPIs:
hourly for daily KPIs, every 6 hours for weekly, daily for monthly and
weekly for quarterly and yearly KPIs. `enqueue_due_pulls` moves
`next_pull_at` forward with a conditional update before enqueuing, so two
schedulers running at once enqueue each pull once.
"""

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from hoshin.ingest.models import DataSource
from hoshin.ingest.sql_sources import kpi_frequencies

logger = logging.getLogger(__name__)

INTERVALS = {
    "daily": dt.timedelta(hours=1),
    "weekly": dt.timedelta(hours=6),
    "monthly": dt.timedelta(days=1),
    "quarterly": dt.timedelta(days=7),
    "yearly": dt.timedelta(days=7),
}


def pull_interval(source: DataSource) -> dt.timedelta:
    if source.pull_interval_minutes:
        return dt.timedelta(minutes=source.pull_interval_minutes)
    return min(INTERVALS[frequency] for frequency in kpi_frequencies(source))


def enqueue_due_pulls(now: dt.datetime | None = None) -> list[DataSource]:
    """Enqueue a pull task for every enabled source that is due; return the sources enqueued."""
    from hoshin.ingest.tasks import pull_source_task

    now = now or timezone.now()
    due = DataSource.objects.filter(enabled=True).filter(Q(next_pull_at__isnull=True) | Q(next_pull_at__lte=now))
    enqueued = []
    for source in due.select_related("organization", "kpi"):
        claim = DataSource.objects.filter(pk=source.pk)
        claim = claim.filter(next_pull_at__isnull=True) if source.next_pull_at is None else claim.filter(
            next_pull_at=source.next_pull_at)
        if claim.update(next_pull_at=now + pull_interval(source)) != 1:
            continue
        pull_source_task.enqueue(source.pk)
        enqueued.append(source)
    logger.info("enqueued %d data source pulls", len(enqueued))
    return enqueued
