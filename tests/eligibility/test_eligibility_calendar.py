"""Tests of uchast.eligibility.calendar: working days, terms and deadlines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uchast.eligibility.calendar import (
    CalendarDataError,
    Holiday,
    HolidayKind,
    OutsideCalendarError,
    WorkingCalendar,
    read_holidays_csv,
    ukrainian_holidays,
)

pytestmark = pytest.mark.pure

PEACETIME = WorkingCalendar.ukraine(holidays_are_working_days=False)
MARTIAL_LAW = WorkingCalendar.ukraine(holidays_are_working_days=True)
SATURDAY, SUNDAY = 5, 6


def test_martial_law_switch_is_on_by_default() -> None:
    assert WorkingCalendar.ukraine().holidays_are_working_days is True


def test_coverage_is_2020_to_2035() -> None:
    assert PEACETIME.first_day == date(2020, 1, 1)
    assert PEACETIME.last_day == date(2035, 12, 31)


@pytest.mark.parametrize("calendar", [PEACETIME, MARTIAL_LAW])
def test_weekends_never_work(calendar: WorkingCalendar) -> None:
    saturday, sunday, monday = date(2025, 3, 15), date(2025, 3, 16), date(2025, 3, 17)
    assert (saturday.weekday(), sunday.weekday(), monday.weekday()) == (SATURDAY, SUNDAY, 0)
    assert not calendar.is_working_day(saturday)
    assert not calendar.is_working_day(sunday)
    assert calendar.is_working_day(monday)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 1),  # New Year, Wednesday
        date(2024, 5, 8),  # Remembrance Day (from 2024), Wednesday
        date(2024, 7, 15),  # Statehood Day (from 2024), Monday
        date(2024, 10, 1),  # Defenders' Day (from 2023), Tuesday
        date(2023, 10, 2),  # substitute for Sunday 1 Oct 2023
        date(2021, 5, 3),  # substitute for Saturday 1 May 2021
        date(2021, 5, 4),  # substitute for Easter, Sunday 2 May 2021
        date(2022, 1, 7),  # Julian Christmas, still a holiday in 2022
        date(2023, 5, 9),  # 9 May still a holiday in 2023 (law in force 15 June 2023)
    ],
)
def test_holidays_are_days_off_only_in_peacetime(day: date) -> None:
    assert day.weekday() < SATURDAY
    assert not PEACETIME.is_working_day(day)
    assert MARTIAL_LAW.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 1, 8),  # no more Julian Christmas (7 Jan 2024 was a Sunday)
        date(2024, 5, 9),  # 9 May is an ordinary day from 2024
        date(2024, 10, 14),  # old Defenders' Day
        date(2023, 7, 28),  # Statehood Day's old date was never a day off
    ],
)
def test_abolished_dates_are_working_days(day: date) -> None:
    assert day.weekday() < SATURDAY
    assert PEACETIME.is_working_day(day)


def test_holiday_on_names_the_day_whatever_the_switch() -> None:
    holiday = MARTIAL_LAW.holiday_on(date(2025, 8, 24))
    assert holiday is not None
    assert holiday.name_en == "Independence Day"
    assert holiday.kind is HolidayKind.HOLIDAY
    assert MARTIAL_LAW.holiday_on(date(2025, 8, 22)) is None


def test_extra_day_off_and_transferred_working_day() -> None:
    bridge_friday, working_saturday = date(2025, 3, 7), date(2025, 3, 15)
    for switch in (True, False):
        calendar = WorkingCalendar.ukraine(
            holidays_are_working_days=switch,
            extra_days_off=[bridge_friday],
            extra_working_days=[working_saturday],
        )
        assert not calendar.is_working_day(bridge_friday)
        assert calendar.is_working_day(working_saturday)
        assert calendar.is_working_day(bridge_friday - timedelta(days=1))


def test_transferred_working_day_beats_a_holiday() -> None:
    calendar = WorkingCalendar.ukraine(holidays_are_working_days=False, extra_working_days=[date(2025, 1, 1)])
    assert calendar.is_working_day(date(2025, 1, 1))


def test_a_day_cannot_be_both_off_and_working() -> None:
    with pytest.raises(ValueError, match="2025-03-07"):
        WorkingCalendar.ukraine(extra_days_off=[date(2025, 3, 7)], extra_working_days=[date(2025, 3, 7)])


def test_extra_days_must_be_covered() -> None:
    with pytest.raises(OutsideCalendarError):
        WorkingCalendar.ukraine(extra_days_off=[date(2040, 1, 2)])


# ------------------------------------------------------------------------------------------
# Terms
# ------------------------------------------------------------------------------------------


def test_add_working_days_across_the_year_boundary() -> None:
    start = date(2025, 12, 30)  # Tuesday; 1 Jan 2026 is a Thursday
    # Peacetime: 31 Dec (1), 1 Jan holiday, 2 Jan (2), weekend, Monday 5 Jan (3).
    assert PEACETIME.add_working_days(start, 3) == date(2026, 1, 5)
    # Martial law: 31 Dec (1), 1 Jan (2), 2 Jan (3).
    assert MARTIAL_LAW.add_working_days(start, 3) == date(2026, 1, 2)


def test_start_day_never_counts() -> None:
    monday = date(2025, 3, 17)
    assert MARTIAL_LAW.add_working_days(monday, 1) == date(2025, 3, 18)
    saturday = date(2025, 3, 15)
    assert MARTIAL_LAW.add_working_days(saturday, 1) == date(2025, 3, 17)
    friday = date(2025, 3, 14)
    assert MARTIAL_LAW.add_working_days(friday, 1) == date(2025, 3, 17)
    assert MARTIAL_LAW.add_working_days(friday, 5) == date(2025, 3, 21)


def test_ten_working_days_over_easter_2021() -> None:
    # Thursday 29 Apr 2021; peacetime days off: 1-4 May (Sat, Easter Sun, two substitutes).
    start = date(2021, 4, 29)
    assert PEACETIME.add_working_days(start, 1) == date(2021, 4, 30)
    assert PEACETIME.add_working_days(start, 2) == date(2021, 5, 5)
    assert MARTIAL_LAW.add_working_days(start, 2) == date(2021, 5, 3)


def test_working_days_between() -> None:
    assert PEACETIME.working_days_between(date(2021, 4, 29), date(2021, 5, 5)) == 2
    assert PEACETIME.working_days_between(date(2021, 5, 5), date(2021, 4, 29)) == -2
    assert PEACETIME.working_days_between(date(2021, 5, 5), date(2021, 5, 5)) == 0
    # A whole week with no holiday has five working days, whichever weekday it starts on.
    for offset in range(7):
        start = date(2025, 3, 3) + timedelta(days=offset)
        assert MARTIAL_LAW.working_days_between(start, start + timedelta(days=7)) == 5


def test_deadline_after_days_rolls_over_days_off() -> None:
    start = date(2025, 8, 14)  # + 10 days = Sunday 24 Aug 2025, Independence Day
    assert (start + timedelta(days=10)).weekday() == SUNDAY
    assert PEACETIME.deadline_after_days(start, 10) == date(2025, 8, 26)  # Monday is its substitute
    assert MARTIAL_LAW.deadline_after_days(start, 10) == date(2025, 8, 25)
    assert MARTIAL_LAW.deadline_after_days(start, 11) == date(2025, 8, 25)
    weekday_end = date(2025, 8, 1)  # + 6 days = Thursday 7 Aug
    assert PEACETIME.deadline_after_days(weekday_end, 6) == date(2025, 8, 7)


def test_deadline_rolls_over_a_holiday_in_peacetime_only() -> None:
    start = date(2024, 12, 15)  # + 10 days = Wednesday 25 Dec 2024
    assert PEACETIME.deadline_after_days(start, 10) == date(2024, 12, 26)
    assert MARTIAL_LAW.deadline_after_days(start, 10) == date(2024, 12, 25)


def test_next_working_day() -> None:
    assert PEACETIME.next_working_day(date(2025, 3, 17)) == date(2025, 3, 17)
    assert PEACETIME.next_working_day(date(2025, 3, 15)) == date(2025, 3, 17)


@pytest.mark.parametrize("bad", [0, -1])
def test_terms_must_be_positive(bad: int) -> None:
    with pytest.raises(ValueError):
        PEACETIME.add_working_days(date(2025, 1, 1), bad)
    with pytest.raises(ValueError):
        PEACETIME.deadline_after_days(date(2025, 1, 1), bad)


@pytest.mark.parametrize("day", [date(2019, 12, 31), date(2036, 1, 1)])
def test_outside_the_data_is_an_error_not_a_guess(day: date) -> None:
    with pytest.raises(OutsideCalendarError) as caught:
        PEACETIME.is_working_day(day)
    assert caught.value.day == day


def test_a_term_running_off_the_end_of_the_data_raises() -> None:
    with pytest.raises(OutsideCalendarError):
        MARTIAL_LAW.add_working_days(date(2035, 12, 28), 10)


# ------------------------------------------------------------------------------------------
# Properties, against a plain oracle
# ------------------------------------------------------------------------------------------

HOLIDAY_DAYS = frozenset(holiday.day for holiday in ukrainian_holidays())
covered_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2034, 6, 30))
extra_days = st.frozensets(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 6, 30)), max_size=30)


def oracle_is_working(day: date, switch: bool, days_off: frozenset[date], working: frozenset[date]) -> bool:
    if day in working:
        return True
    if day in days_off:
        return False
    if day.weekday() >= SATURDAY:
        return False
    return switch or day not in HOLIDAY_DAYS


@st.composite
def calendars(draw: st.DrawFn) -> tuple[WorkingCalendar, bool, frozenset[date], frozenset[date]]:
    switch = draw(st.booleans())
    days_off = draw(extra_days)
    working = draw(extra_days) - days_off
    calendar = WorkingCalendar.ukraine(
        holidays_are_working_days=switch, extra_days_off=days_off, extra_working_days=working
    )
    return calendar, switch, days_off, working


@given(setup=calendars(), start=covered_days, length=st.integers(min_value=0, max_value=60))
def test_is_working_day_matches_the_oracle(
    setup: tuple[WorkingCalendar, bool, frozenset[date], frozenset[date]], start: date, length: int
) -> None:
    calendar, switch, days_off, working = setup
    for offset in range(length):
        day = start + timedelta(days=offset)
        assert calendar.is_working_day(day) == oracle_is_working(day, switch, days_off, working)


@given(setup=calendars(), start=covered_days, n=st.integers(min_value=1, max_value=120))
def test_add_working_days_properties(
    setup: tuple[WorkingCalendar, bool, frozenset[date], frozenset[date]], start: date, n: int
) -> None:
    calendar = setup[0]
    end = calendar.add_working_days(start, n)
    assert end > start
    assert calendar.is_working_day(end)
    assert calendar.working_days_between(start, end) == n
    assert calendar.working_days_between(start, end - timedelta(days=1)) == n - 1
    assert calendar.working_days_between(end, start) == -n


@given(setup=calendars(), start=covered_days, n=st.integers(min_value=1, max_value=400))
def test_deadline_after_days_properties(
    setup: tuple[WorkingCalendar, bool, frozenset[date], frozenset[date]], start: date, n: int
) -> None:
    calendar = setup[0]
    nominal = start + timedelta(days=n)
    deadline = calendar.deadline_after_days(start, n)
    assert deadline >= nominal
    assert calendar.is_working_day(deadline)
    day = nominal
    while day < deadline:
        assert not calendar.is_working_day(day)
        day += timedelta(days=1)


@given(start=covered_days, n=st.integers(min_value=1, max_value=120))
def test_martial_law_terms_never_end_later_than_peacetime_ones(start: date, n: int) -> None:
    assert MARTIAL_LAW.add_working_days(start, n) <= PEACETIME.add_working_days(start, n)
    assert MARTIAL_LAW.deadline_after_days(start, n) <= PEACETIME.deadline_after_days(start, n)


# ------------------------------------------------------------------------------------------
# Data reading and custom calendars
# ------------------------------------------------------------------------------------------


def test_custom_calendar_from_data() -> None:
    data = "date,name_uk,name_en,kind\n2030-06-05,Свято громади,Community day,holiday\n"
    holidays = read_holidays_csv(data)
    assert holidays == (Holiday(date(2030, 6, 5), "Свято громади", "Community day", HolidayKind.HOLIDAY),)
    calendar = WorkingCalendar(holidays, holidays_are_working_days=False)
    assert (calendar.first_day, calendar.last_day) == (date(2030, 1, 1), date(2030, 12, 31))
    assert not calendar.is_working_day(date(2030, 6, 5))
    assert calendar.add_working_days(date(2030, 6, 4), 1) == date(2030, 6, 6)


def test_calendar_without_data_needs_explicit_years() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(())
    with pytest.raises(ValueError):
        WorkingCalendar((), first_year=2030, last_year=2029)
    calendar = WorkingCalendar((), first_year=2030, last_year=2030, holidays_are_working_days=False)
    assert calendar.is_working_day(date(2030, 1, 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "header"),
        ("day,name_uk,name_en,kind\n", "header"),
        ("date,name_uk,name_en,kind\n2030-13-01,a,b,holiday\n", "line 2"),
        ("date,name_uk,name_en,kind\n2030-01-01,a,b,party\n", "line 2"),
        ("date,name_uk,name_en,kind\n2030-01-01,a,b\n", "expected 4 fields"),
        ("date,name_uk,name_en,kind\n2030-01-01,a,b,holiday\n2030-01-01,c,d,religious\n", "listed twice"),
    ],
)
def test_bad_holiday_data(text: str, message: str) -> None:
    with pytest.raises(CalendarDataError, match=message):
        read_holidays_csv(text)
