"""Readers for the public data files behind the "Public data" demo organization.

The files are read as their publishers ship them, without editing. These
readers are deliberately plain; a general importer with column mappings
will replace them.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import xlrd

REPOSITORY_DIR = Path(__file__).resolve().parents[3]
REAL_INPUTS_ENV = "HOSHIN_REAL_INPUTS"

BUILDING_FILE = "10_ucam_building_b120_electricity_2020.csv"
RESERVOIR_FILE = "09_sabesp_mananciais_daily.csv"
AE_FILE = "11_nhs_england_ae_by_provider_jan2024.xls"

# A meter that reads exactly 0.0 for a whole day or longer is not a building
# using no power: the publisher filled a metering gap with zeros.
MISSING_ZERO_RUN_HOURS = 24


def real_inputs_dir() -> Path:
    """Return the folder of public data files named by $HOSHIN_REAL_INPUTS, or else the default one beside the repository."""
    configured = os.environ.get(REAL_INPUTS_ENV)
    if configured:
        return Path(configured)
    return (REPOSITORY_DIR / ".." / "shared" / "real-inputs").resolve()


@dataclass(frozen=True)
class SegmentValue:
    day: dt.date
    segment: str
    value: float


@dataclass(frozen=True)
class RatioValue:
    segment: str
    numerator: float
    denominator: float


@dataclass(frozen=True)
class AeMonth:
    """One month of A&E attendances: the providers' four-hour counts and the published England row."""

    period_start: dt.date
    providers: list[RatioValue]
    england: RatioValue
    england_share: float


def read_building_daily_energy(path: Path) -> dict[dt.date, float]:
    """Sum the hourly kWh readings of each calendar day.

    Every hour inside a run of at least `MISSING_ZERO_RUN_HOURS` consecutive
    readings of exactly 0.0 counts as missing. A day with a missing or empty
    hour is left out, because a partial sum would look like a real day of
    low use. In the 2020 file this drops 11 to 14 December, the days that
    the 74-hour gap touches.
    """
    readings: list[tuple[dt.date, Decimal | None]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for timestamp, kwh in reader:
            day = dt.date.fromisoformat(timestamp[:10])
            readings.append((day, Decimal(kwh) if kwh.strip() else None))

    missing = [value is None for _day, value in readings]
    run_start = None
    for index, (_day, value) in enumerate([*readings, (None, None)]):
        if value is not None and value == 0:
            run_start = index if run_start is None else run_start
            continue
        if run_start is not None and index - run_start >= MISSING_ZERO_RUN_HOURS:
            missing[run_start:index] = [True] * (index - run_start)
        run_start = None

    totals: dict[dt.date, Decimal] = {}
    hours: dict[dt.date, int] = {}
    incomplete: set[dt.date] = set()
    for (day, value), is_missing in zip(readings, missing, strict=True):
        hours[day] = hours.get(day, 0) + 1
        if is_missing:
            incomplete.add(day)
        else:
            totals[day] = totals.get(day, Decimal(0)) + value
    return {day: float(total) for day, total in totals.items() if day not in incomplete and hours[day] == 24}


def read_reservoir_volumes(path: Path) -> list[SegmentValue]:
    """Read the stored volume (%) of each reservoir system and day.

    The file uses `;` between fields, a decimal comma with the unit in the
    cell (`42,5 %`) and dates without zero padding (`2003-1-1`). The value
    keeps the file's decimals: `42,5 %` becomes 42.5.
    """
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        for record in reader:
            year, month, day = (int(part) for part in record["data"].split("-"))
            volume = record["volume armazenado"].removesuffix("%").strip().replace(",", ".")
            rows.append(SegmentValue(dt.date(year, month, day), record["manancial"].strip(), float(volume)))
    return rows


def read_ae_four_hour(path: Path) -> AeMonth:
    """Read A&E attendances and those seen within four hours, by provider, from the monthly NHS England sheet.

    The sheet "Provider Level Data" has a metadata block (with the month in
    "Period:"), two header rows and the England total first, with code `-`.
    Providers with no attendances have no four-hour share and are left out.
    """
    sheet = xlrd.open_workbook(str(path)).sheet_by_name("Provider Level Data")
    rows = [sheet.row_values(index) for index in range(sheet.nrows)]
    period_row = next(row for row in rows if row[1] == "Period:")
    period_start = dt.datetime.strptime(period_row[2].strip(), "%B %Y").date()

    header_index = next(index for index, row in enumerate(rows) if row[1] == "Code")
    header = rows[header_index]
    name = header.index("Name")
    total = header.index("Total attendances")
    within = header.index("Total Attendances < 4 hours")
    share = header.index("Percentage in 4 hours or less (all)")

    providers, england, england_share = [], None, None
    for row in rows[header_index + 1 :]:
        code = str(row[1]).strip()
        if not code:
            continue
        if code == "-":
            england = RatioValue(row[name].strip(), float(row[within]), float(row[total]))
            england_share = float(row[share])
        elif row[total]:
            providers.append(RatioValue(row[name].strip(), float(row[within]), float(row[total])))
    if england is None:
        raise ValueError(f"{path.name}: the England total row (code -) is missing")
    return AeMonth(period_start, providers, england, england_share)
