"""Every write of the insights app: settings, evidence records, retrospectives and lessons.

Each function authorizes, validates, changes and commits in one
transaction, like the services of the other apps.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hoshin.accounts.permissions import authorize
from hoshin.insights.models import EvidenceRecord


@transaction.atomic
def record_evidence(actor, organization, report) -> int:
    """Keep the verdict of each cause-effect link in `report` for its date, replacing one kept earlier that day."""
    authorize(actor, "change_link", organization)
    now = timezone.now()
    count = 0
    for item in report.cause_effect():
        EvidenceRecord.objects.update_or_create(
            link_id=item["link_id"], as_of=report.as_of,
            defaults={"verdict": item["verdict"], "best_lag_days": item["best_lag_days"],
                      "correlation": item["correlation"], "p_value": item["p_value"], "q_value": item["q_value"],
                      "periods_used": item["periods_used"], "recorded_at": now},
        )
        count += 1
    return count
