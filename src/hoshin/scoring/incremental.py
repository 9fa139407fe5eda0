"""Keep an organization's score current after single writes.

`ScoreCache` holds a full score with its roll-up graph. After a new
measurement or check-in, only the changed KPI or key result is read again
(one query) and only its chain up to the scorecard is recomputed, so the
cost does not depend on the size of the organization.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from hoshin.engine import incremental as engine
from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations.models import Organization
from hoshin.scoring.service import OrganizationScore, paused_garbage_collection
from hoshin.scoring.snapshot import _check_ins, load_snapshot, measurement_frame


@dataclass
class ScoreCache:
    organization: Organization
    state: engine.ScoringState
    presentation: dict
    measurement_start: dt.date

    @classmethod
    def build(cls, organization: Organization, as_of: dt.date) -> ScoreCache:
        with paused_garbage_collection():
            snapshot, presentation = load_snapshot(organization, as_of)
            state = engine.score_with_state(snapshot, as_of)
        return cls(organization, state, presentation, presentation["measurement_start"])

    @property
    def result(self) -> OrganizationScore:
        return OrganizationScore(self.organization, self.state.as_of, self.state.report, self.presentation)


def rescore_after_measurement(cache: ScoreCache, kpi, *, day: dt.date, value=None, actor=None, **values) -> int:
    """Record a measurement through the service, then rescore its KPI's chain; return the records recomputed."""
    kpi_services.record_measurement(actor, kpi, day=day, value=value, **values)
    frame = _kpi_measurements(cache, kpi)
    return len(engine.rescore_kpi(cache.state, kpi.key, frame))


def rescore_after_check_in(cache: ScoreCache, key_result, *, actor=None, **values) -> int:
    """Record a check-in through the service, then rescore its key result's chain; return the records recomputed."""
    okr_services.record_check_in(actor, key_result, **values)
    moment = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    check_ins = _check_ins([key_result.pk], moment).get(key_result.pk, [])
    return len(engine.rescore_key_result(cache.state, key_result.key, check_ins))


def _kpi_measurements(cache: ScoreCache, kpi) -> pl.DataFrame:
    return measurement_frame({kpi.pk: kpi.key}, cache.measurement_start, cache.state.as_of)
