"""Load the demo organizations into the database.

Each organization is loaded in one transaction. The previous copy (found
by its key) is removed, the strategy file is imported, then measurements,
check-ins and demo users are added. The history rows of the imported
definitions are dated on the first day of data (see `backdate`). Loading
again therefore replaces an organization instead of duplicating it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from hoshin.demo import public_data
from hoshin.demo.backdate import history_dated
from hoshin.demo.checkins import CheckInPlan, plan_check_ins
from hoshin.demo.simulator import KpiSeries, load_scenario, simulate
from hoshin.demo.strategies import PUBLIC_DATA, RenderedStrategy, render_strategy
from hoshin.demo.truth import organization_truth
from hoshin.demo.users import DemoLogin, ensure_members
from hoshin.kpis.models import Kpi, Measurement
from hoshin.okrs import services as okr_services
from hoshin.okrs.models import KeyResult, OkrObjective
from hoshin.organizations.models import Cycle, Organization, Perspective, StrategicObjective, Unit
from hoshin.scoring.cache import bump_version

SIMULATOR_SOURCE = "demo simulator"
# The unit whose lead and contributor log in as demo users: where the
# organization's operational KPIs live.
OPERATIONAL_UNITS = {"industry": "melt-shop", "financial": "mobile-app", "retail": "store-operations",
                     PUBLIC_DATA: "estates"}
CHECK_IN_TIME = dt.time(17, 0)


class MeasurementRow(NamedTuple):
    period_start: dt.date
    value: float
    segment: str = ""
    numerator: float | None = None
    denominator: float | None = None


@dataclass
class LoadResult:
    """Counts of what loading one organization created, and the time it took."""

    key: str
    name: str
    kpis: int
    measurements: int
    check_ins: int
    seconds: float
    logins: list[DemoLogin] = field(default_factory=list)
    truth: dict | None = None


def load_measurements(kpi_rows: Mapping[Kpi, Iterable[MeasurementRow]], *, source: str) -> int:
    """Insert new measurements in bulk and return how many.

    This bypasses `record_measurement` (no revision handling, one timestamp
    for all rows), so it only suits an organization that has no
    measurements yet, such as a demo organization just imported.
    """
    now = timezone.now()
    measurements = [
        Measurement(kpi_id=kpi.pk, period_start=row.period_start, segment=row.segment, value=row.value,
                    numerator=row.numerator, denominator=row.denominator, value_count=1, source=source,
                    revision=1, recorded_at=now)
        for kpi, rows in kpi_rows.items()
        for row in rows
    ]
    Measurement.objects.bulk_create(measurements, batch_size=5000)
    for organization_id in {kpi.organization_id for kpi in kpi_rows}:
        bump_version(organization_id)
    return len(measurements)


def remove_organization(key: str) -> bool:
    """Delete the organization `key` with everything in it; return whether it existed.

    Key results, OKRs, strategic objectives, KPIs and units protect what
    they reference, so they go first, children before parents.
    """
    organization = Organization.objects.filter(key=key).first()
    if organization is None:
        return False
    KeyResult.objects.filter(objective__organization=organization).delete()
    OkrObjective.objects.filter(organization=organization).delete()
    StrategicObjective.objects.filter(organization=organization).delete()
    Kpi.objects.filter(organization=organization).delete()
    Cycle.objects.filter(organization=organization).delete()
    Perspective.objects.filter(organization=organization).delete()
    Unit.objects.filter(organization=organization).update(parent=None)
    organization.delete()
    return True


def import_demo_strategy(rendered: RenderedStrategy) -> Organization:
    # Imported here so that the simulator can be used without the importer.
    from hoshin.interchange.strategy_file import import_strategy

    import_strategy(rendered.text, filename=f"{rendered.name}.yaml")
    return Organization.objects.get(key=rendered.data["organization"]["key"])


def load_simulated(name: str, *, seed: int, today: dt.date) -> LoadResult:
    """Load the simulated demo organization `name` with data ending on `today`."""
    started = time.perf_counter()
    rendered = render_strategy(name, today)
    simulation = simulate(rendered.data, load_scenario(name), seed=seed, today=today)
    plans = plan_check_ins(rendered.data, seed=seed, today=today)

    with transaction.atomic():
        remove_organization(rendered.data["organization"]["key"])
        with history_dated(start_of_day(simulation.first_day, rendered)):
            organization = import_demo_strategy(rendered)
            check_ins = record_check_ins(organization, plans)
        kpis = {kpi.key: kpi for kpi in organization.kpis.all()}
        rows = {kpis[key]: simulated_rows(kpi_series) for key, kpi_series in simulation.series.items()}
        measurements = load_measurements(rows, source=SIMULATOR_SOURCE)
        logins = ensure_members(organization, OPERATIONAL_UNITS[name])

    return LoadResult(organization.key, organization.name, len(kpis), measurements, check_ins,
                      time.perf_counter() - started, logins, organization_truth(rendered.data, simulation))


def start_of_day(day: dt.date, rendered: RenderedStrategy) -> dt.datetime:
    """Return midnight at the start of `day` in the organization's time zone."""
    zone = ZoneInfo(rendered.data["organization"].get("time_zone", "UTC"))
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def simulated_rows(kpi_series: KpiSeries) -> list[MeasurementRow]:
    dates = kpi_series.dates()
    values = kpi_series.values.tolist()
    if kpi_series.numerators is None:
        return [MeasurementRow(day, value) for day, value in zip(dates, values, strict=True)]
    numerators, denominators = kpi_series.numerators.tolist(), kpi_series.denominators.tolist()
    return [MeasurementRow(day, value, "", numerator, denominator)
            for day, value, numerator, denominator in zip(dates, values, numerators, denominators, strict=True)]


def record_check_ins(organization: Organization, plans: list[CheckInPlan]) -> int:
    """Record the planned check-ins through the check-in service, entered at 17:00 local time on their day."""
    key_results = {
        key_result.key: key_result
        for key_result in KeyResult.objects.filter(objective__organization=organization)
        .select_related("objective__cycle", "objective__organization")
    }
    zone = ZoneInfo(organization.time_zone)
    now = timezone.now()
    for plan in plans:
        entered_at = min(dt.datetime.combine(plan.measured_on, CHECK_IN_TIME, tzinfo=zone), now)
        okr_services.record_check_in(
            None, key_results[plan.key_result], measured_on=plan.measured_on, value=plan.value, done=plan.done,
            confidence=plan.confidence, comment=plan.comment, entered_at=entered_at,
        )
    return len(plans)


def load_public_data(folder: Path) -> LoadResult:
    """Load the "Public data" organization from its strategy file and the public data files in `folder`."""
    started = time.perf_counter()
    rendered = render_strategy(PUBLIC_DATA, timezone.localdate())
    energy = public_data.read_building_daily_energy(folder / public_data.BUILDING_FILE)
    volumes = public_data.read_reservoir_volumes(folder / public_data.RESERVOIR_FILE)
    emergency = public_data.read_ae_four_hour(folder / public_data.AE_FILE)

    with transaction.atomic():
        remove_organization(rendered.data["organization"]["key"])
        with history_dated(start_of_day(min(row.day for row in volumes), rendered)):
            organization = import_demo_strategy(rendered)
        kpis = {kpi.key: kpi for kpi in organization.kpis.all()}
        measurements = load_measurements(
            {kpis["building-b120-electricity"]: [MeasurementRow(day, kwh) for day, kwh in sorted(energy.items())]},
            source=public_data.BUILDING_FILE,
        )
        measurements += load_measurements(
            {kpis["reservoir-volume"]: [MeasurementRow(row.day, row.value, row.segment) for row in volumes]},
            source=public_data.RESERVOIR_FILE,
        )
        measurements += load_measurements(
            {kpis["ae-four-hour"]: [
                MeasurementRow(emergency.period_start, row.numerator / row.denominator, row.segment, row.numerator,
                               row.denominator)
                for row in emergency.providers
            ]},
            source=public_data.AE_FILE,
        )
        logins = ensure_members(organization, OPERATIONAL_UNITS[PUBLIC_DATA])

    return LoadResult(organization.key, organization.name, len(kpis), measurements, 0,
                      time.perf_counter() - started, logins)
