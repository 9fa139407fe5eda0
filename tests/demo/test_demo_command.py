"""`hoshin demo`: the loaded organizations, their planted weak indicators, the truth file and reloads.

The demo is loaded once for the module, because a load takes several
seconds, inside a transaction that is rolled back at the end of the module.
Each test runs in a savepoint inside it, so changes made by a test are
undone as well.
"""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.db.models import Count, Max, Sum

from hoshin.accounts.models import Membership
from hoshin.demo import public_data
from hoshin.demo.loader import OPERATIONAL_UNITS
from hoshin.demo.strategies import PUBLIC_DATA, SIMULATED, cycle_labels
from hoshin.demo.users import SUPERUSER, username_for
from hoshin.kpis.models import Kpi, Measurement
from hoshin.okrs.models import CheckIn, KeyResult, OkrObjective
from hoshin.organizations.models import CauseEffectLink, Organization, StrategicKpi

TODAY = dt.date(2025, 5, 20)
SEED = "7"
REAL_INPUTS = public_data.real_inputs_dir()
SKIP_REASON = f"public data folder {REAL_INPUTS} not found; set HOSHIN_REAL_INPUTS to run this test"
needs_real_inputs = pytest.mark.skipif(not REAL_INPUTS.is_dir(), reason=SKIP_REASON)
ROLES = ["admin", "strategy_office", "unit_lead", "contributor", "viewer"]
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo(*arguments):
    output = io.StringIO()
    call_command("demo", "--seed", SEED, "--today", TODAY.isoformat(), *arguments, stdout=output)
    return output.getvalue()


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    truth_path = tmp_path_factory.mktemp("demo") / "truth.json"
    # A fast hasher keeps the 21 demo passwords from dominating the load time.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        output = run_demo("--truth", str(truth_path))
        yield {"output": output, "truth": json.loads(truth_path.read_text(encoding="utf-8"))}
        transaction.set_rollback(True)


def measurement_sums(key):
    """Return every measurement of the organization in a fixed order, so two loads compare exactly.

    Summing in the database would depend on the order PostgreSQL adds the
    rows in, which changes the last bits of a float.
    """
    return list(
        Measurement.objects.filter(kpi__organization__key=key)
        .order_by("kpi__key", "period_start", "segment")
        .values_list("kpi__key", "period_start", "segment", "value", "numerator", "denominator")
    )


def series_by_day(kpi):
    return dict(Measurement.objects.filter(kpi=kpi, segment="").values_list("period_start", "value"))


def test_command_loads_simulated_organizations(demo):
    for key in SIMULATED:
        organization = Organization.objects.get(key=key)
        assert organization.kpis.count() >= 15
        assert Measurement.objects.filter(kpi__organization=organization).count() > 5000
        assert f"Loaded {key} (" in demo["output"]


def test_daily_kpi_has_two_years(demo):
    kpi = Kpi.objects.get(organization__key="industry", key="energy-daily")
    assert kpi.measurements.count() == 730
    assert kpi.measurements.aggregate(last=Max("period_start"))["last"] == TODAY


@pytest.mark.parametrize("key", SIMULATED)
def test_orphan_kpi_feeds_nothing(demo, key):
    orphan = demo["truth"]["organizations"][key]["weak_indicators"]["orphan"]
    kpi = Kpi.objects.get(organization__key=key, key=orphan)
    assert not StrategicKpi.objects.filter(kpi=kpi).exists()
    assert not KeyResult.objects.filter(source_kpi=kpi).exists()
    assert kpi.measurements.exists()
    feeding_nothing = Kpi.objects.filter(organization__key=key, strategic_links__isnull=True, key_results__isnull=True)
    assert list(feeding_nothing.values_list("key", flat=True)) == [orphan]


@pytest.mark.parametrize("key", SIMULATED)
def test_stale_kpi_stopped_sixty_days_ago(demo, key):
    stale = demo["truth"]["organizations"][key]["weak_indicators"]["stale"]["kpi"]
    kpi = Kpi.objects.get(organization__key=key, key=stale)
    last = kpi.measurements.aggregate(last=Max("period_start"))["last"]
    assert kpi.measurements.count() > 50
    assert not kpi.measurements.filter(period_start__gte=TODAY - dt.timedelta(days=60)).exists()
    assert last >= TODAY - dt.timedelta(days=75)
    assert kpi.strategic_links.exists() or kpi.key_results.exists()


@pytest.mark.parametrize("key", SIMULATED)
def test_duplicate_pair_correlates(demo, key):
    first_key, second_key = demo["truth"]["organizations"][key]["weak_indicators"]["duplicate"]
    first = series_by_day(Kpi.objects.get(organization__key=key, key=first_key))
    second = series_by_day(Kpi.objects.get(organization__key=key, key=second_key))
    days = sorted(set(first) & set(second))
    assert len(days) == 730
    correlation = np.corrcoef([first[day] for day in days], [second[day] for day in days])[0, 1]
    assert correlation > 0.95


@pytest.mark.parametrize("key", SIMULATED)
def test_truth_lists_every_link(demo, key):
    truth = demo["truth"]["organizations"][key]
    in_database = set(CauseEffectLink.objects.filter(organization__key=key).values_list("cause__key", "effect__key"))
    in_truth = {(link["from"], link["to"]) for link in truth["links"]}
    assert in_truth == in_database
    assert all(type(link["real"]) is bool for link in truth["links"])
    assert all(link["sign"] in ("positive", "negative") for link in truth["links"])
    unsupported = truth["weak_indicators"]["unsupported_links"]
    assert len(unsupported) == 1
    assert (unsupported[0]["from"], unsupported[0]["to"]) in in_database
    assert [link["real"] for link in truth["links"] if link["from"] == unsupported[0]["from"]
            and link["to"] == unsupported[0]["to"]] == [False]


def test_truth_lists_every_kpi_feed(demo):
    truth = demo["truth"]
    assert truth["seed"] == 7
    assert truth["today"] == TODAY.isoformat()
    for key in SIMULATED:
        feeds = {entry["kpi"]: entry["feeds"] for entry in truth["organizations"][key]["kpi_feeds"]}
        assert set(feeds) == set(Kpi.objects.filter(organization__key=key).values_list("key", flat=True))
        for kpi_key, targets in feeds.items():
            sources = set(KeyResult.objects.filter(source_kpi__organization__key=key, source_kpi__key=kpi_key)
                          .values_list("key", flat=True))
            assert {target["key"] for target in targets if target["type"] == "key_result"} == sources


@pytest.mark.parametrize("key", SIMULATED)
def test_okrs_in_current_and_previous_quarter(demo, key):
    organization = Organization.objects.get(key=key)
    labels = cycle_labels(TODAY, organization.fiscal_year_start_month)
    counts = dict(OkrObjective.objects.filter(organization=organization).values_list("cycle__key")
                  .annotate(count=Count("id")))
    assert set(counts) == {labels["current_quarter"], labels["previous_quarter"]}
    assert all(2 <= count <= 4 for count in counts.values())


@pytest.mark.parametrize("key", SIMULATED)
def test_manual_key_results_have_check_ins(demo, key):
    check_ins = CheckIn.objects.filter(key_result__objective__organization__key=key)
    assert check_ins.exists()
    assert not check_ins.filter(key_result__source_kpi__isnull=False).exists()
    assert not check_ins.filter(measured_on__gt=TODAY).exists()
    milestone = KeyResult.objects.get(objective__organization__key=key, kr_type="milestone")
    assert milestone.check_ins.exists()


@pytest.mark.parametrize("key", [*SIMULATED, PUBLIC_DATA])
def test_demo_users_hold_each_role(demo, key):
    if key == PUBLIC_DATA and not REAL_INPUTS.is_dir():
        pytest.skip(SKIP_REASON)
    memberships = Membership.objects.filter(organization__key=key).select_related("user", "unit")
    roles = {membership.role: membership for membership in memberships}
    assert sorted(roles) == sorted(ROLES)
    for role, membership in roles.items():
        assert membership.user.username == username_for(key, role)
    assert roles["unit_lead"].unit.key == OPERATIONAL_UNITS[key]
    assert roles["contributor"].unit.key == OPERATIONAL_UNITS[key]
    assert roles["admin"].unit.parent is None


@pytest.mark.parametrize("key", SIMULATED)
def test_definitions_dated_from_first_day(demo, key):
    organization = Organization.objects.get(key=key)
    first_day = TODAY - dt.timedelta(days=729)
    zone = ZoneInfo(organization.time_zone)
    after_start = dt.datetime.combine(first_day, dt.time(12), tzinfo=zone)
    before_start = dt.datetime.combine(first_day - dt.timedelta(days=1), dt.time(12), tzinfo=zone)
    assert Kpi.history.as_of(after_start).filter(organization_id=organization.pk).count() == organization.kpis.count()
    assert not Kpi.history.as_of(before_start).filter(organization_id=organization.pk).exists()
    assert KeyResult.history.as_of(after_start).filter(objective__organization_id=organization.pk).count() == \
        KeyResult.objects.filter(objective__organization=organization).count()


def test_demo_passwords_follow_pattern(demo):
    assert get_user_model().objects.get(username="industry-admin").check_password("industry-admin")
    superuser = get_user_model().objects.get(username=SUPERUSER)
    assert superuser.is_superuser
    assert superuser.check_password(SUPERUSER)


def test_command_prints_login_table(demo):
    output = demo["output"]
    assert "Demo logins:" in output
    table = output[output.index("Demo logins:"):]
    assert "demo" in table
    for key in SIMULATED:
        assert f"{key}-admin" in table
        assert f"{key}-unit-lead" in table


def test_reload_same_seed_identical(demo, tmp_path):
    sums = measurement_sums("industry")
    kpi_count = Kpi.objects.count()
    organization_count = Organization.objects.count()

    run_demo("--org", "industry", "--truth", str(tmp_path / "first.json"))
    first_sums = measurement_sums("industry")
    run_demo("--org", "industry", "--truth", str(tmp_path / "second.json"))

    assert (tmp_path / "first.json").read_bytes() == (tmp_path / "second.json").read_bytes()
    assert first_sums == sums
    assert measurement_sums("industry") == sums
    assert Kpi.objects.count() == kpi_count
    assert Organization.objects.count() == organization_count
    assert Membership.objects.filter(organization__key="industry").count() == 5


def test_missing_public_folder_skips(demo, tmp_path, monkeypatch):
    monkeypatch.setenv(public_data.REAL_INPUTS_ENV, str(tmp_path / "absent"))
    output = run_demo("--org", PUBLIC_DATA)
    assert f"Skipped Public data: folder {tmp_path / 'absent'} not found" in output
    assert "Loaded 0 organizations" in output


def test_invalid_today_is_rejected():
    with pytest.raises(CommandError, match="not a date"):
        call_command("demo", "--today", "20-05-2025")


@pytest.mark.realdata
@needs_real_inputs
def test_public_data_reservoir_keeps_decimals(demo):
    volumes = Measurement.objects.filter(kpi__organization__key=PUBLIC_DATA, kpi__key="reservoir-volume")
    assert volumes.get(period_start=dt.date(2003, 1, 1), segment="sistemaCantareira").value == 42.5
    assert volumes.get(period_start=dt.date(2003, 1, 1), segment="sistemaAltoTiete").value == 39.3
    assert volumes.values("segment").distinct().count() == 6
    assert volumes.count() == 34248


@pytest.mark.realdata
@needs_real_inputs
def test_public_data_england_is_pooled_ratio(demo):
    month = public_data.read_ae_four_hour(REAL_INPUTS / public_data.AE_FILE)
    rows = Measurement.objects.filter(kpi__organization__key=PUBLIC_DATA, kpi__key="ae-four-hour")
    totals = rows.aggregate(numerator=Sum("numerator"), denominator=Sum("denominator"))
    assert rows.count() == 190
    assert set(rows.values_list("period_start", flat=True)) == {dt.date(2024, 1, 1)}
    assert totals["numerator"] / totals["denominator"] == pytest.approx(month.england_share, abs=1e-12)
    assert not rows.filter(segment="England").exists()


@pytest.mark.realdata
@needs_real_inputs
def test_public_data_gap_days_absent(demo):
    days = series_by_day(Kpi.objects.get(organization__key=PUBLIC_DATA, key="building-b120-electricity"))
    for day in (11, 12, 13, 14):
        assert dt.date(2020, 12, day) not in days
    assert days[dt.date(2020, 1, 1)] == 265.0
    assert min(days.values()) > 0
    assert len(days) == 362
