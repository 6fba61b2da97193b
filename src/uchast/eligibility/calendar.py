"""Working days and deadlines, from data.

A :class:`WorkingCalendar` answers "is this a working day?" and computes deadlines. It
is built from data: the public holidays of Ukraine shipped as ``holidays_ua.csv`` (see
``generate_holidays_ua.py`` for the rules and sources), plus per-community extra days
off and transferred working days, plus one switch:

``holidays_are_working_days`` -- under martial law (in force since 24 Feb 2022) art. 6
of Law 2136-IX suspends art. 73 of the Labour Code, so public holidays and the days off
that would replace them are working days. The switch is a parameter of each community,
never derived from the date: when martial law ends (or differs by place), an
administrator flips it. It defaults to ``True`` because that is the law at the time of
writing.

Precedence on a given day, strongest first:

1. a *transferred working day* (e.g. a Saturday worked in exchange for a bridge day)
   works;
2. an *extra day off* does not work;
3. Saturday and Sunday do not work;
4. a public holiday or its substitute day off does not work, unless
   ``holidays_are_working_days``;
5. every other day works.

Counting rules (Civil Code of Ukraine art. 253-254, applied by analogy to petition and
appeal terms): a term starts on the day *after* the event, so the event day never
counts; if the last day of a term counted in calendar days is a day off, the term ends
on the next working day. A term counted in working days always ends on a working day.

Only :class:`datetime.date` values are handled here; converting aware datetimes
(``Europe/Kyiv``) to dates is the Django layer's job.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from importlib import resources
from typing import Final

__all__ = [
    "CalendarDataError",
    "Holiday",
    "HolidayKind",
    "OutsideCalendarError",
    "WorkingCalendar",
    "read_holidays_csv",
    "ukrainian_holidays",
]

_ONE_DAY: Final[timedelta] = timedelta(days=1)
_CSV_FIELDS: Final[tuple[str, ...]] = ("date", "name_uk", "name_en", "kind")
_SATURDAY: Final[int] = 5


class HolidayKind(StrEnum):
    """Why a row of the holiday data is a day off (when holidays are days off at all)."""

    HOLIDAY = "holiday"  # святковий день, Labour Code art. 73 part 1
    RELIGIOUS = "religious"  # day of a religious holiday, art. 73 part 2
    SUBSTITUTE = "substitute"  # the day off moved from a weekend holiday, art. 67 part 3


@dataclass(frozen=True, order=True)
class Holiday:
    """One row of holiday data. Ordered by ``day`` first."""

    day: date
    name_uk: str
    name_en: str
    kind: HolidayKind


class CalendarDataError(ValueError):
    """Holiday data that cannot be read (bad header, date, kind, or a repeated date)."""


class OutsideCalendarError(ValueError):
    """A date outside the years the holiday data covers.

    Raised rather than guessed: a deadline computed without the holidays of its year
    would be silently wrong. Extend the data file (``generate_holidays_ua.py``) to move
    the limit.
    """

    def __init__(self, day: date, first_day: date, last_day: date) -> None:
        super().__init__(f"{day.isoformat()} is outside the calendar ({first_day} .. {last_day})")
        self.day = day
        self.first_day = first_day
        self.last_day = last_day


def read_holidays_csv(text: str) -> tuple[Holiday, ...]:
    """Parse holiday data (header ``date,name_uk,name_en,kind``; ISO dates), sorted by day.

    Raises :class:`CalendarDataError` on a malformed row or a date listed twice (two
    rows for one day would make "which holiday is it?" ambiguous).
    """
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(header) != _CSV_FIELDS:
        raise CalendarDataError(f"expected header {','.join(_CSV_FIELDS)}, got {header}")
    holidays: dict[date, Holiday] = {}
    for line_number, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(_CSV_FIELDS):
            raise CalendarDataError(f"line {line_number}: expected 4 fields, got {len(row)}")
        day_text, name_uk, name_en, kind_text = row
        try:
            day = date.fromisoformat(day_text)
            kind = HolidayKind(kind_text)
        except ValueError as error:
            raise CalendarDataError(f"line {line_number}: {error}") from None
        if day in holidays:
            raise CalendarDataError(f"line {line_number}: {day} is listed twice")
        holidays[day] = Holiday(day, name_uk, name_en, kind)
    return tuple(sorted(holidays.values()))


@functools.cache
def ukrainian_holidays() -> tuple[Holiday, ...]:
    """The shipped public holidays of Ukraine (``holidays_ua.csv``), read once per process."""
    data = resources.files("uchast.eligibility").joinpath("holidays_ua.csv")
    return read_holidays_csv(data.read_text(encoding="utf-8"))


class WorkingCalendar:
    """Working-day arithmetic over a fixed span of years.

    Invariants: the covered span is whole years, from 1 January of the first year of the
    data to 31 December of the last (or as given); every query about a day outside it
    raises :class:`OutsideCalendarError`; no day is both an extra day off and a
    transferred working day. Instances are immutable.
    """

    __slots__ = (
        "_extra_days_off",
        "_extra_working_days",
        "_holidays",
        "first_day",
        "holidays_are_working_days",
        "last_day",
    )

    def __init__(
        self,
        holidays: Iterable[Holiday],
        *,
        holidays_are_working_days: bool = True,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        first_year: int | None = None,
        last_year: int | None = None,
    ) -> None:
        by_day = {holiday.day: holiday for holiday in holidays}
        extra_off = frozenset(extra_days_off)
        extra_working = frozenset(extra_working_days)
        both = extra_off & extra_working
        if both:
            listed = ", ".join(sorted(day.isoformat() for day in both))
            raise ValueError(f"days both off and working: {listed}")
        years = [day.year for day in by_day]
        if first_year is None:
            if not years:
                raise ValueError("first_year is required when there is no holiday data")
            first_year = min(years)
        if last_year is None:
            if not years:
                raise ValueError("last_year is required when there is no holiday data")
            last_year = max(years)
        if first_year > last_year:
            raise ValueError("first_year must not be after last_year")
        self._holidays = by_day
        self._extra_days_off = extra_off
        self._extra_working_days = extra_working
        self.holidays_are_working_days = holidays_are_working_days
        self.first_day = date(first_year, 1, 1)
        self.last_day = date(last_year, 12, 31)
        for day in extra_off | extra_working:
            self._check_covered(day)

    @classmethod
    def ukraine(
        cls,
        *,
        holidays_are_working_days: bool = True,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> WorkingCalendar:
        """A calendar over the shipped Ukrainian holiday data, with a community's changes."""
        return cls(
            ukrainian_holidays(),
            holidays_are_working_days=holidays_are_working_days,
            extra_days_off=extra_days_off,
            extra_working_days=extra_working_days,
        )

    def _check_covered(self, day: date) -> None:
        if not self.first_day <= day <= self.last_day:
            raise OutsideCalendarError(day, self.first_day, self.last_day)

    def holiday_on(self, day: date) -> Holiday | None:
        """The holiday (or substitute day off) recorded for ``day``, whatever the switch says."""
        self._check_covered(day)
        return self._holidays.get(day)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (see the module docstring for precedence)."""
        self._check_covered(day)
        if day in self._extra_working_days:
            return True
        if day in self._extra_days_off or day.weekday() >= _SATURDAY:
            return False
        return self.holidays_are_working_days or day not in self._holidays

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start: date, working_days: int) -> date:
        """The last day of a term of ``working_days`` working days after the event on ``start``.

        ``start`` itself never counts (the term starts the next day), whether or not it
        is a working day; the result is the ``working_days``-th working day after
        ``start``, hence always a working day. Precondition: ``working_days >= 1``.
        Invariant: ``working_days_between(start, result) == working_days``.
        """
        if working_days < 1:
            raise ValueError("working_days must be at least 1")
        self._check_covered(start)
        day = start
        counted = 0
        while counted < working_days:
            day += _ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days ``d`` with ``start < d <= end``.

        Counts like a term: the start day is excluded, the end day included.
        Antisymmetric: if ``end < start`` the result is ``-working_days_between(end,
        start)``; zero when the days are equal.
        """
        if end < start:
            return -self.working_days_between(end, start)
        self._check_covered(start)
        self._check_covered(end)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count

    def deadline_after_days(self, start: date, calendar_days: int) -> date:
        """The last day of a term of ``calendar_days`` calendar days after the event on ``start``.

        The term runs to ``start + calendar_days``; if that day is not a working day, it
        ends on the next working day (Civil Code art. 254 part 5). Under martial law
        holidays are working days, so only weekends and extra days off move the end.
        Precondition: ``calendar_days >= 1``.
        """
        if calendar_days < 1:
            raise ValueError("calendar_days must be at least 1")
        self._check_covered(start)
        return self.next_working_day(start + timedelta(days=calendar_days))
