"""Fixtures for the strategy-file tests: the example file, a rich organization and a dump of the database."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from hoshin.kpis import services as kpi_services
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services

EXAMPLE_PATH = Path(__file__).parents[2].parent / "shared/examples/industry.yaml"


@pytest.fixture
def example_path() -> Path:
    if not EXAMPLE_PATH.is_file():
        pytest.skip(f"the example strategy file {EXAMPLE_PATH} is not present next to the repository")
    return EXAMPLE_PATH


@pytest.fixture
def example_text(example_path) -> str:
    return example_path.read_text(encoding="utf-8")


def dump_database() -> str:
    """Return every row of every table, history tables included, as JSON."""
    output = io.StringIO()
    call_command("dumpdata", stdout=output)
    return output.getvalue()


def history_row_count() -> int:
    return sum(model.objects.count() for model in apps.get_models() if model.__name__.startswith("Historical"))


@pytest.fixture
def rich(django_user_model):
    """An organization that uses every part of the format, built through the services."""
    ana = django_user_model.objects.create_user("ana", password="pw-ana-12345")
    org = org_services.create_organization(None, key="rich", name="Rich & Co", time_zone="Europe/Lisbon",
                                           fiscal_year_start_month=4, locale="pt-PT", week_start=6,
                                           prorate_by="months", visibility="restricted")
    top = org_services.create_unit(None, org, key="top", name="yes")
    team = org_services.create_unit(None, org, key="team", name="Team: north, east", parent=top)
    old = org_services.create_unit(None, org, key="old", name="Old # team", parent=team)
    org_services.update_unit(None, old, archived=True)
    financial = org.perspectives.get(key="financial")
    customer = org.perspectives.get(key="customer")
    org_services.update_perspective(None, customer, name="on", archived=True)

    nps = kpi_services.create_kpi(None, org, key="nps", name="NPS", unit=team, unit_of_measure="%",
                                  direction="target_range", green=40, green_upper=60, yellow=30, yellow_upper=70,
                                  scale_min=0, scale_max=100, description="First line\nsecond line\n")
    cost = kpi_services.create_kpi(None, org, key="cost", name="Cost", unit=top, direction="lower_is_better",
                                   frequency="weekly", aggregation="sum", kind="count", indicator_type="leading",
                                   green=1e-07, yellow=0.1 + 0.2)
    kpi_services.set_kpi_target(None, cost, period="2026", value=1234567.125)
    kpi_services.set_kpi_target(None, cost, period="2026-W11", value=-3.5)
    kpi_services.set_kpi_target(None, nps, period="2026-03-14", value=55)

    grow = org_services.create_strategic_objective(None, org, key="grow", name="Grow", perspective=financial,
                                                   unit=top, rollup_mode="min", weight=2.5, description="2026")
    keep = org_services.create_strategic_objective(None, org, key="keep", name="Keep: customers", perspective=customer,
                                                   unit=team)
    org_services.set_strategic_kpis(None, grow, [(cost, 3.0), nps])
    org_services.create_link(None, org, cause=keep, effect=grow, hypothesis="Loyal customers buy more, 'often'.",
                             sign="negative", lag_days=30)

    half = org_services.create_cycle(None, org, key="h1", name="First half", start=dt.date(2026, 4, 1),
                                     end=dt.date(2026, 9, 30))
    quarter = org_services.cycle_for_label(None, org, "2026-Q1")
    parent = okr_services.create_okr_objective(None, org, key="parent", name="Parent", unit=top, cycle=half,
                                               rollup_mode="weighted")
    child = okr_services.create_okr_objective(None, org, key="child", name="Child", unit=team, cycle=quarter,
                                              archived=True)
    okr_services.set_alignments(None, parent, strategic=[(grow, 2.0), keep])
    okr_services.set_alignments(None, child, strategic=[keep], parents=[(parent, 0.5)])
    band = okr_services.create_key_result(None, parent, key="band", name="Stay in band", kr_type="within_range",
                                          range_low=40, range_high=60, source_kpi=nps, rollup_mode="last", owner=ana)
    okr_services.create_key_result(None, parent, key="cut", name="Cut cost", kr_type="decrease", baseline=10,
                                   target=7.5, unit_of_measure="k€", weight=0.25, archived=True)
    okr_services.record_check_in(None, band, measured_on=dt.date(2026, 5, 2), value=48.5, confidence=0,
                                 comment="null", entered_at=dt.datetime(2026, 5, 3, 9, 30, tzinfo=dt.UTC))
    okr_services.record_check_in(None, band, measured_on=dt.date(2026, 5, 2), value=49, comment="Two lines\nhere",
                                 entered_at=dt.datetime(2026, 5, 3, 9, 30, 1, 250000, tzinfo=dt.UTC))
    return org
