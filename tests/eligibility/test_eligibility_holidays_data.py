"""Tests of the shipped holiday data (holidays_ua.csv) and the script that generates it."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from uchast.eligibility.calendar import HolidayKind, ukrainian_holidays
from uchast.eligibility.generate_holidays_ua import CSV_PATH, main, orthodox_easter, render_csv

pytestmark = pytest.mark.pure

HOLIDAYS = ukrainian_holidays()
BY_DAY = {holiday.day: holiday for holiday in HOLIDAYS}


def test_shipped_file_is_what_the_script_generates() -> None:
    assert CSV_PATH.read_text(encoding="utf-8") == render_csv()
    assert main(["--check"]) == 0


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2020, date(2020, 4, 19)),
        (2021, date(2021, 5, 2)),
        (2022, date(2022, 4, 24)),
        (2023, date(2023, 4, 16)),
        (2024, date(2024, 5, 5)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 12)),
        (2027, date(2027, 5, 2)),
    ],
)
def test_orthodox_easter_known_dates(year: int, easter: date) -> None:
    assert orthodox_easter(year) == easter
    assert BY_DAY[easter].name_en == "Easter"
    trinity = easter + timedelta(days=49)
    assert BY_DAY[trinity].name_en == "Trinity"


def test_easter_outside_the_valid_century_is_refused() -> None:
    with pytest.raises(ValueError):
        orthodox_easter(2100)


def test_every_easter_and_trinity_is_a_sunday() -> None:
    for holiday in HOLIDAYS:
        if holiday.name_en in ("Easter", "Trinity"):
            assert holiday.day.weekday() == 6


def test_eleven_holidays_every_year() -> None:
    counts = Counter(h.day.year for h in HOLIDAYS if h.kind is not HolidayKind.SUBSTITUTE)
    assert set(counts) == set(range(2020, 2036))
    assert set(counts.values()) == {11}


def holidays_named(year: int) -> dict[tuple[int, int], str]:
    return {
        (h.day.month, h.day.day): h.name_en
        for h in HOLIDAYS
        if h.day.year == year and h.kind is not HolidayKind.SUBSTITUTE
    }


@pytest.mark.parametrize(
    ("year", "present", "absent"),
    [
        (2022, [(1, 7), (5, 9), (10, 14), (12, 25)], [(5, 8), (7, 15), (10, 1)]),
        # 2023: 7 Jan and 9 May happened before the changes took force; 1 Oct replaced 14 Oct.
        (2023, [(1, 7), (5, 9), (10, 1), (12, 25)], [(5, 8), (7, 15), (10, 14)]),
        (2024, [(5, 8), (7, 15), (10, 1), (12, 25)], [(1, 7), (5, 9), (10, 14)]),
        (2035, [(1, 1), (3, 8), (5, 1), (5, 8), (6, 28), (7, 15), (8, 24), (10, 1), (12, 25)], [(1, 7)]),
    ],
)
def test_2023_changes_of_dates(year: int, present: list[tuple[int, int]], absent: list[tuple[int, int]]) -> None:
    named = holidays_named(year)
    for month_day in present:
        assert month_day in named, month_day
    for month_day in absent:
        assert month_day not in named, month_day


@pytest.mark.parametrize(
    "substitute",
    [date(2020, 3, 9), date(2020, 5, 11), date(2021, 5, 3), date(2021, 5, 4), date(2023, 1, 9), date(2023, 10, 2)],
)
def test_known_substitute_days_off(substitute: date) -> None:
    assert BY_DAY[substitute].kind is HolidayKind.SUBSTITUTE


def test_substitutes_follow_weekend_holidays_one_to_one() -> None:
    weekend_holidays = [h for h in HOLIDAYS if h.kind is not HolidayKind.SUBSTITUTE and h.day.weekday() >= 5]
    substitutes = [h for h in HOLIDAYS if h.kind is HolidayKind.SUBSTITUTE]
    assert len(weekend_holidays) == len(substitutes)
    for substitute in substitutes:
        assert substitute.day.weekday() < 5
        previous = substitute.day - timedelta(days=1)
        # The day before is part of the run of days off that the substitute closes.
        assert previous.weekday() >= 5 or previous in BY_DAY
    for holiday in weekend_holidays:
        # Each weekend holiday's name appears on a substitute within the next four days.
        window = [holiday.day + timedelta(days=k) for k in range(1, 5)]
        assert any(
            day in BY_DAY and BY_DAY[day].kind is HolidayKind.SUBSTITUTE and holiday.name_en in BY_DAY[day].name_en
            for day in window
        )
