"""The public sample files import as users hand them over, with a few documented options.

These read `../shared/real-inputs/` (or `$HOSHIN_REAL_INPUTS`) and skip
when the folder is absent. The commands are the ones shown in docs/ingest.md.
"""

import csv
import datetime as dt
import math

import pytest

from hoshin.engine.aggregation import Observation, aggregate_series
from hoshin.kpis.models import Measurement
from hoshin.organizations import services as org_services

pytestmark = [pytest.mark.django_db, pytest.mark.realdata]


def value_of(kpi, day, segment=""):
    return Measurement.objects.get(kpi=kpi, period_start=day, segment=segment)


def test_sabesp_reservoirs_keep_decimals(org, make_kpi, real_inputs, run_ingest):
    volume = make_kpi("reservoir_volume", unit_of_measure="%")
    rain = make_kpi("rainfall", aggregation="sum", kind="count", unit_of_measure="mm")

    output = run_ingest(real_inputs / "09_sabesp_mananciais_daily.csv", "--org", "acme",
                        "--date-column", "data", "--segment-column", "manancial",
                        "--value-column", "volume armazenado=reservoir_volume",
                        "--value-column", "pluviometria do dia=rainfall", "--locale", "pt-BR")

    assert "34248 rows read" in output.out
    assert value_of(volume, dt.date(2003, 1, 1), "sistemaCantareira").value == 42.5
    assert value_of(volume, dt.date(2003, 1, 29), "sistemaRioGrande").value == 102.2
    assert value_of(volume, dt.date(2018, 8, 17), "sistemaRioClaro").value == 60.6
    assert value_of(rain, dt.date(2003, 1, 1), "sistemaAltoTiete").value == 0.1
    assert value_of(rain, dt.date(2018, 8, 17), "sistemaRioClaro").value == 11.2
    assert Measurement.objects.filter(kpi=volume).count() == 34248


def test_sabesp_reimport_changes_nothing(org, make_kpi, real_inputs, run_ingest):
    make_kpi("reservoir_volume", unit_of_measure="%")
    args = [real_inputs / "09_sabesp_mananciais_daily.csv", "--org", "acme", "--date-column", "data",
            "--segment-column", "manancial", "--value-column", "volume armazenado=reservoir_volume", "--locale", "pt-BR"]
    run_ingest(*args)

    output = run_ingest(*args)

    assert "0 inserted, 0 revised, 34248 unchanged" in output.out


@pytest.fixture
def london(db):
    organization = org_services.create_organization(None, key="estates", name="Estates", time_zone="Europe/London")
    org_services.create_unit(None, organization, key="company", name="Estates")
    return organization


def hourly_values(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row[0], float(row[1])) for row in list(csv.reader(handle))[1:]]


def test_building_gap_is_missing_not_zero(london, make_kpi, real_inputs, run_ingest):
    electricity = make_kpi("electricity", aggregation="sum", kind="level", unit_of_measure="kWh", organization=london)
    path = real_inputs / "10_ucam_building_b120_electricity_2020.csv"

    run_ingest(path, "--org", "estates", "--kpi", "electricity", "--date-column", "datetime",
               "--value-column", "equipment load [kWh]", "--timestamp-zone", "UTC", "--missing-values", "0")

    january_first = sum(value for stamp, value in hourly_values(path) if stamp.startswith("2020-01-01"))
    assert math.isclose(value_of(electricity, dt.date(2020, 1, 1)).value, january_first)
    assert value_of(electricity, dt.date(2020, 1, 1)).value_count == 24
    assert value_of(electricity, dt.date(2020, 12, 11)).value_count == 10
    assert not Measurement.objects.filter(kpi=electricity, period_start=dt.date(2020, 12, 12)).exists()
    assert not Measurement.objects.filter(kpi=electricity, period_start=dt.date(2020, 12, 13)).exists()
    assert value_of(electricity, dt.date(2020, 12, 14)).value_count == 12
    assert Measurement.objects.filter(kpi=electricity).count() == 364


def test_building_hours_into_months(london, make_kpi, real_inputs, run_ingest):
    electricity = make_kpi("electricity", frequency="monthly", aggregation="sum", organization=london)
    path = real_inputs / "10_ucam_building_b120_electricity_2020.csv"

    run_ingest(path, "--org", "estates", "--kpi", "electricity", "--date-column", "datetime",
               "--value-column", "equipment load [kWh]", "--timestamp-zone", "UTC", "--missing-values", "0")

    february = [value for stamp, value in hourly_values(path) if stamp.startswith("2020-02")]
    row = value_of(electricity, dt.date(2020, 2, 1))
    assert math.isclose(row.value, sum(february))
    assert row.value_count == len(february)


def england_row(path):
    import xlrd

    sheet = xlrd.open_workbook(str(path)).sheet_by_name("Provider Level Data")
    for index in range(sheet.nrows):
        if sheet.cell_value(index, 3) == "England":
            return sheet.row_values(index)
    raise AssertionError("no England row")


def pooled(kpi):
    observations = [Observation(row.period_start, row.value, row.value_count, row.numerator, row.denominator, row.segment)
                    for row in Measurement.objects.filter(kpi=kpi)]
    return aggregate_series(observations, "ratio")


def test_nhs_four_hour_pooled_equals_england(org, make_kpi, real_inputs, run_ingest):
    four_hour = make_kpi("ae_four_hour", frequency="monthly", aggregation="ratio")
    path = real_inputs / "11_nhs_england_ae_by_provider_jan2024.xls"

    output = run_ingest(path, "--org", "acme", "--kpi", "ae_four_hour", "--sheet", "Provider Level Data",
                        "--date", "2024-01", "--segment-column", "Code",
                        "--numerator-column", "Total Attendances < 4 hours", "--denominator-column", "Total attendances")

    england = england_row(path)
    result = pooled(four_hour)
    assert "0 rejected" in output.out
    assert result.numerator == england[11]
    assert result.denominator == england[7]
    assert math.isclose(result.value, england[16], rel_tol=1e-12)
    assert Measurement.objects.filter(kpi=four_hour, segment="").count() == 0
    assert value_of(four_hour, dt.date(2024, 1, 1), "RGT").denominator == 16500


def test_nhs_percent_and_count_columns(org, make_kpi, real_inputs, run_ingest):
    four_hour = make_kpi("ae_four_hour", frequency="monthly", aggregation="ratio")
    path = real_inputs / "11_nhs_england_ae_by_provider_jan2024.xls"

    run_ingest(path, "--org", "acme", "--kpi", "ae_four_hour", "--sheet", "Provider Level Data", "--date", "January 2024",
               "--segment-column", "Code", "--percent-column", "Percentage in 4 hours or less (all)",
               "--denominator-column", "Total attendances")

    assert math.isclose(pooled(four_hour).value, england_row(path)[16], rel_tol=1e-9)


def test_bikeshare_day_first_dates(org, make_kpi, real_inputs, run_ingest):
    rentals = make_kpi("rentals", aggregation="sum", kind="count")

    output = run_ingest(real_inputs / "13_capital_bikeshare_day.csv", "--org", "acme", "--kpi", "rentals",
                        "--date-column", "dteday", "--value-column", "cnt", "--date-format", "%d-%m-%Y")

    assert "731 inserted" in output.out
    assert value_of(rentals, dt.date(2011, 1, 1)).value == 985
    assert value_of(rentals, dt.date(2011, 2, 1)).value == 1360
    assert value_of(rentals, dt.date(2011, 1, 2)).value == 801
    assert value_of(rentals, dt.date(2012, 12, 31)).value == 2729


def test_bikeshare_order_detected_without_format(org, make_kpi, real_inputs, run_ingest):
    rentals = make_kpi("rentals", aggregation="sum", kind="count")

    run_ingest(real_inputs / "13_capital_bikeshare_day.csv", "--org", "acme", "--kpi", "rentals",
               "--date-column", "dteday", "--value-column", "cnt", "--locale", "en")

    assert value_of(rentals, dt.date(2011, 2, 1)).value == 1360
