"""Periods, fiscal calendars, labels and time zones."""

import time
from datetime import date, datetime, timedelta, timezone

import pytest

from hoshin.engine.errors import ValidationError
from hoshin.engine.periods import (
    Frequency,
    custom_period,
    local_date,
    parse_period_label,
    period_of,
    period_starts_in,
    periods_between,
    shift_period,
)

FREQUENCIES = ["daily", "weekly", "monthly", "quarterly", "yearly"]


def every_day(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def reference_fiscal_quarter(day: date, fiscal_start_month: int) -> tuple[str, date]:
    """Compute the fiscal quarter by searching for the fiscal year's first day."""
    year_start = date(day.year, fiscal_start_month, 1)
    if year_start > day:
        year_start = date(day.year - 1, fiscal_start_month, 1)
    quarter_starts = []
    for months in (0, 3, 6, 9):
        carry, month = divmod(year_start.month - 1 + months, 12)
        quarter_starts.append(date(year_start.year + carry, month + 1, 1))
    quarter = sum(1 for start in quarter_starts if start <= day)
    named_year = year_start.year if fiscal_start_month == 1 else year_start.year + 1
    return f"{named_year}-Q{quarter}", quarter_starts[quarter - 1]


@pytest.mark.parametrize(
    ("day", "frequency", "label", "start", "end"),
    [
        (date(2026, 3, 14), "daily", "2026-03-14", date(2026, 3, 14), date(2026, 3, 14)),
        (date(2026, 3, 14), "weekly", "2026-W11", date(2026, 3, 9), date(2026, 3, 15)),
        (date(2026, 3, 14), "monthly", "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 3, 14), "quarterly", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 14), "yearly", "2026", date(2026, 1, 1), date(2026, 12, 31)),
        (date(2024, 2, 29), "monthly", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        (date(2021, 1, 3), "weekly", "2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
        (date(2024, 12, 30), "weekly", "2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
    ],
)
def test_period_of_calendar(day, frequency, label, start, end):
    period = period_of(day, frequency)

    assert period.label == label
    assert period.start == start
    assert period.end == end
    assert day in period


def test_fiscal_year_named_by_end_year():
    year = period_of(date(2025, 4, 1), "yearly", fiscal_start_month=4)
    first_quarter = period_of(date(2025, 5, 20), "quarterly", fiscal_start_month=4)
    last_quarter = period_of(date(2026, 3, 31), "quarterly", fiscal_start_month=4)

    assert (year.label, year.start, year.end) == ("2026", date(2025, 4, 1), date(2026, 3, 31))
    assert (first_quarter.label, first_quarter.start, first_quarter.end) == (
        "2026-Q1",
        date(2025, 4, 1),
        date(2025, 6, 30),
    )
    assert last_quarter.label == "2026-Q4"


@pytest.mark.parametrize("fiscal_start_month", range(1, 13))
def test_fiscal_quarters_match_reference(fiscal_start_month):
    for day in every_day(date(2023, 1, 1), date(2026, 12, 31)):
        period = period_of(day, "quarterly", fiscal_start_month=fiscal_start_month)
        label, start = reference_fiscal_quarter(day, fiscal_start_month)

        assert (period.label, period.start) == (label, start), day
        assert period.start <= day <= period.end


@pytest.mark.parametrize("fiscal_start_month", range(1, 13))
def test_fiscal_year_holds_four_quarters(fiscal_start_month):
    year = period_of(date(2026, 6, 15), "yearly", fiscal_start_month=fiscal_start_month)
    quarters = periods_between(year.start, year.end, "quarterly", fiscal_start_month=fiscal_start_month)

    assert [quarter.label for quarter in quarters] == [f"{year.label}-Q{number}" for number in (1, 2, 3, 4)]
    assert quarters[0].start == year.start
    assert quarters[-1].end == year.end


def test_weeks_match_iso_calendar():
    for day in every_day(date(2019, 12, 1), date(2027, 1, 31)):
        iso = day.isocalendar()
        period = period_of(day, "weekly")

        assert period.label == f"{iso.year}-W{iso.week:02d}"
        assert period.start.weekday() == 0


@pytest.mark.parametrize("week_start", range(7))
def test_weeks_with_other_start_day(week_start):
    for day in every_day(date(2024, 12, 1), date(2026, 1, 31)):
        period = period_of(day, "weekly", week_start=week_start)

        assert period.start.weekday() == week_start
        assert period.days == 7
        assert parse_period_label(period.label, week_start=week_start) == period


def test_sunday_weeks_begin_on_sunday():
    period = period_of(date(2026, 3, 14), "weekly", week_start=6)

    assert (period.start, period.end) == (date(2026, 3, 8), date(2026, 3, 14))


@pytest.mark.parametrize("fiscal_start_month", range(1, 13))
@pytest.mark.parametrize("frequency", FREQUENCIES)
def test_labels_round_trip(frequency, fiscal_start_month):
    for period in periods_between(date(2025, 1, 1), date(2026, 12, 31), frequency, fiscal_start_month):
        assert parse_period_label(period.label, fiscal_start_month) == period


@pytest.mark.parametrize(
    ("label", "frequency", "start", "end"),
    [
        ("2026", "yearly", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q1", "quarterly", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-03", "monthly", date(2026, 3, 1), date(2026, 3, 31)),
        ("2026-W11", "weekly", date(2026, 3, 9), date(2026, 3, 15)),
        ("2026-03-14", "daily", date(2026, 3, 14), date(2026, 3, 14)),
        ("2026-01-01..2026-02-15", "custom", date(2026, 1, 1), date(2026, 2, 15)),
    ],
)
def test_parse_period_label(label, frequency, start, end):
    period = parse_period_label(label)

    assert period.frequency == Frequency(frequency)
    assert (period.start, period.end) == (start, end)


def test_parse_fiscal_label():
    period = parse_period_label("2026-Q1", fiscal_start_month=4)

    assert (period.start, period.end) == (date(2025, 4, 1), date(2025, 6, 30))


@pytest.mark.parametrize("label", ["2026-Q5", "2026-13", "2026-02-30", "2025-W53", "2026-W00", "26-Q1", "Q1 2026", ""])
def test_parse_rejects_invalid_label(label):
    with pytest.raises(ValidationError) as error:
        parse_period_label(label)

    assert error.value.field == "label"


def test_periods_between_is_contiguous():
    periods = periods_between(date(2026, 1, 15), date(2026, 5, 2), "weekly")

    assert periods[0].start <= date(2026, 1, 15) <= periods[0].end
    assert periods[-1].start <= date(2026, 5, 2) <= periods[-1].end
    for earlier, later in zip(periods, periods[1:]):
        assert later.start == earlier.end + timedelta(days=1)


def test_period_starts_in_window():
    starts = period_starts_in(date(2026, 3, 1), date(2026, 3, 31), "weekly")

    assert starts == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30)]


def test_shift_period():
    quarter = parse_period_label("2026-Q1", fiscal_start_month=4)

    assert shift_period(quarter, -1, fiscal_start_month=4).label == "2025-Q4"
    assert shift_period(quarter, 5, fiscal_start_month=4).label == "2027-Q2"
    assert shift_period(quarter, 0, fiscal_start_month=4) == quarter


def test_custom_period():
    period = custom_period(date(2026, 1, 1), date(2026, 2, 15))

    assert period.label == "2026-01-01..2026-02-15"
    assert period.days == 46
    with pytest.raises(ValidationError):
        custom_period(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValidationError):
        period_of(date(2026, 1, 1), "custom")


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"fiscal_start_month": 0}, "fiscal_start_month"),
        ({"fiscal_start_month": 13}, "fiscal_start_month"),
        ({"week_start": 7}, "week_start"),
        ({"frequency": "hourly"}, "frequency"),
    ],
)
def test_period_of_rejects_invalid_calendar(arguments, field):
    call = {"day": date(2026, 1, 1), "frequency": "monthly", **arguments}

    with pytest.raises(ValidationError) as error:
        period_of(**call)

    assert error.value.field == field


def test_period_of_rejects_timestamp():
    with pytest.raises(ValidationError) as error:
        period_of(datetime(2026, 3, 31, 22, 30, tzinfo=timezone.utc), "quarterly")

    assert error.value.field == "day"


@pytest.mark.parametrize("zone", ["Africa/Johannesburg", "Europe/Berlin", "Etc/GMT-2"])
def test_checkin_timestamp_moves_to_local_date(zone):
    entered = datetime(2026, 3, 31, 22, 30, tzinfo=timezone.utc)

    day = local_date(entered, zone)

    assert day == date(2026, 4, 1)
    assert period_of(day, "quarterly").label == "2026-Q2"


@pytest.mark.parametrize("server_zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
def test_plain_date_never_moves(monkeypatch, server_zone):
    monkeypatch.setenv("TZ", server_zone)
    time.tzset()
    try:
        day = local_date(date(2026, 9, 30), "Pacific/Pago_Pago")
        entered = local_date(datetime(2026, 3, 31, 22, 30, tzinfo=timezone.utc), "Africa/Johannesburg")
    finally:
        monkeypatch.undo()
        time.tzset()

    assert day == date(2026, 9, 30)
    assert period_of(day, "quarterly").label == "2026-Q3"
    assert entered == date(2026, 4, 1)


def test_local_date_rejects_naive_timestamp():
    with pytest.raises(ValidationError) as error:
        local_date(datetime(2026, 3, 31, 22, 30), "Europe/Berlin")

    assert error.value.field == "timestamp"


def test_local_date_rejects_unknown_zone():
    with pytest.raises(ValidationError) as error:
        local_date(datetime(2026, 3, 31, 22, 30, tzinfo=timezone.utc), "Mars/Olympus_Mons")

    assert error.value.field == "tz_name"
