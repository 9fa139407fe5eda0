"""Readers of the public data files: known values taken from the files themselves."""

import datetime as dt

import pytest

from hoshin.demo import public_data

REAL_INPUTS = public_data.real_inputs_dir()

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REAL_INPUTS.is_dir(),
                       reason=f"public data folder {REAL_INPUTS} not found; set HOSHIN_REAL_INPUTS to run these tests"),
]


def test_building_days_sum_hours():
    energy = public_data.read_building_daily_energy(REAL_INPUTS / public_data.BUILDING_FILE)
    # The 24 readings of 2020-01-01 in the file add up to 265.0 kWh.
    assert energy[dt.date(2020, 1, 1)] == pytest.approx(265.0)
    assert len(energy) == 366 - 4


def test_building_gap_days_are_absent():
    energy = public_data.read_building_daily_energy(REAL_INPUTS / public_data.BUILDING_FILE)
    for day in (11, 12, 13, 14):
        assert dt.date(2020, 12, day) not in energy
    assert dt.date(2020, 12, 10) in energy
    assert dt.date(2020, 12, 15) in energy
    assert all(total > 0 for total in energy.values())


def test_reservoir_keeps_decimals():
    volumes = public_data.read_reservoir_volumes(REAL_INPUTS / public_data.RESERVOIR_FILE)
    first_day = {row.segment: row.value for row in volumes if row.day == dt.date(2003, 1, 1)}
    assert first_day["sistemaCantareira"] == 42.5
    assert first_day["sistemaAltoTiete"] == 39.3
    assert len(first_day) == 6
    assert len(volumes) == 34248
    assert volumes[-1].day == dt.date(2018, 8, 17)


def test_ae_england_row_is_pooled_ratio():
    month = public_data.read_ae_four_hour(REAL_INPUTS / public_data.AE_FILE)
    pooled = sum(row.numerator for row in month.providers) / sum(row.denominator for row in month.providers)
    assert month.period_start == dt.date(2024, 1, 1)
    assert sum(row.numerator for row in month.providers) == month.england.numerator
    assert sum(row.denominator for row in month.providers) == month.england.denominator
    assert pooled == pytest.approx(month.england_share, abs=1e-12)
    mean_of_shares = sum(row.numerator / row.denominator for row in month.providers) / len(month.providers)
    assert mean_of_shares != pytest.approx(month.england_share, abs=1e-3)


def test_ae_skips_providers_without_attendances():
    month = public_data.read_ae_four_hour(REAL_INPUTS / public_data.AE_FILE)
    assert len(month.providers) == 190
    assert all(row.denominator > 0 for row in month.providers)
    assert "England" not in {row.segment for row in month.providers}
