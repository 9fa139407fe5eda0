"""Freshness: the last period each KPI received, and whether the next one is overdue.

A KPI is stale when the period after its last measured period has ended
and its grace time has passed too. The grace allows for data that arrives
a little late. It is 1 day for daily KPIs, so a daily KPI last measured on
the 10th is stale from the 13th, more than 2 days later. It is 3 days for
weekly, 10 days for monthly, 30 days for quarterly and 60 days for yearly
KPIs. A KPI that never received a value is not stale; it has no data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from hoshin.engine import periods
from hoshin.kpis.models import Measurement

GRACE = {
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(days=3),
    "monthly": dt.timedelta(days=10),
    "quarterly": dt.timedelta(days=30),
    "yearly": dt.timedelta(days=60),
}


@dataclass(frozen=True)
class Freshness:
    kpi_id: int
    frequency: str
    last_period: periods.Period | None
    overdue_after: dt.date | None
    stale: bool

    @property
    def has_data(self) -> bool:
        return self.last_period is not None


def overdue_after(last_period_start: dt.date, frequency: str, fiscal_start_month: int = 1, week_start: int = 0) -> dt.date:
    """Return the last day on which a KPI last measured in the period starting `last_period_start` is still fresh."""
    last = periods.period_of(last_period_start, frequency, fiscal_start_month, week_start)
    following = periods.period_of(last.end + dt.timedelta(days=1), frequency, fiscal_start_month, week_start)
    return following.end + GRACE[frequency]


def is_stale(last_period_start: dt.date | None, frequency: str, as_of: dt.date, fiscal_start_month: int = 1,
             week_start: int = 0) -> bool:
    if last_period_start is None:
        return False
    return as_of > overdue_after(last_period_start, frequency, fiscal_start_month, week_start)


def kpi_freshness(organization, *, as_of: dt.date | None = None, kpis=None) -> dict[int, Freshness]:
    """Return the freshness of the organization's KPIs (or of `kpis`) by KPI id, with two queries."""
    as_of = as_of or periods.local_date(timezone.now(), organization.time_zone)
    kpis = kpis if kpis is not None else organization.kpis.filter(archived=False)
    frequencies = dict(kpis.values_list("id", "frequency"))
    latest = dict(
        Measurement.objects.filter(kpi_id__in=list(frequencies))
        .values("kpi_id").annotate(last=Max("period_start")).values_list("kpi_id", "last")
    )
    result = {}
    for kpi_id, frequency in frequencies.items():
        last_start = latest.get(kpi_id)
        last = None
        due = None
        if last_start is not None:
            last = periods.period_of(last_start, frequency, organization.fiscal_year_start_month, organization.week_start)
            due = overdue_after(last_start, frequency, organization.fiscal_year_start_month, organization.week_start)
        result[kpi_id] = Freshness(kpi_id, frequency, last, due, due is not None and as_of > due)
    return result
