"""Backdate the history of a freshly loaded demo organization to its first day of data.

Scoring as of a past day reads the definitions from their history tables,
and a demo imported today would have no definitions before today: every
earlier day of its two simulated years would score as empty. Moving the
history rows of the new organization's definitions to the first simulated
day makes the strategy look as if it had existed while its data was
measured. Check-ins are dated when they were entered.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import F

from hoshin.kpis.models import Kpi, KpiTarget
from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective
from hoshin.organizations.models import (
    CauseEffectLink,
    Organization,
    Perspective,
    StrategicKpi,
    StrategicObjective,
    Unit,
)


def backdate_history(organization: Organization, first_day: dt.date) -> None:
    """Date every history row of `organization`'s definitions at the start of `first_day` in its time zone."""
    moment = dt.datetime.combine(first_day, dt.time(), tzinfo=ZoneInfo(organization.time_zone))
    org_id = organization.pk
    kpi_ids = list(Kpi.objects.filter(organization_id=org_id).values_list("pk", flat=True))
    objective_ids = list(StrategicObjective.objects.filter(organization_id=org_id).values_list("pk", flat=True))
    okr_ids = list(OkrObjective.objects.filter(organization_id=org_id).values_list("pk", flat=True))
    key_result_ids = list(KeyResult.objects.filter(objective_id__in=okr_ids).values_list("pk", flat=True))

    Organization.history.filter(id=org_id).update(history_date=moment)
    for model in (Unit, Perspective, StrategicObjective, CauseEffectLink, Kpi, OkrObjective):
        model.history.filter(organization_id=org_id).update(history_date=moment)
    StrategicKpi.history.filter(objective_id__in=objective_ids).update(history_date=moment)
    KpiTarget.history.filter(kpi_id__in=kpi_ids).update(history_date=moment)
    Alignment.history.filter(objective_id__in=okr_ids).update(history_date=moment)
    KeyResult.history.filter(objective_id__in=okr_ids).update(history_date=moment)
    CheckIn.history.filter(key_result_id__in=key_result_ids).update(history_date=F("entered_at"))
