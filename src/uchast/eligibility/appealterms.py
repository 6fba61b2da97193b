"""Terms of the Law of Ukraine "On citizens' appeals" (No. 393/96-ВР), as pure date arithmetic.

What the law says, and how it is counted here:

* art. 20 part 1: an appeal is considered "without delay, but not later than fifteen days from the
  day it was received" when it needs no further study, otherwise "within a term of not more than one
  month from the day it was received";
* art. 20 part 1 (cont.): when the matter cannot be settled within the month, the head of the body
  sets the term needed and tells the person, but "the total term ... may not exceed forty-five days";
* art. 7 part 3: an appeal outside the body's competence is passed on to the competent body "in a
  term of not more than five days", and the person is told.

**Calendar days, not working days.** The law writes "днів" (days) and "місяць" (month) and never
"робочих днів": where Ukrainian law means working days it says so (e.g. art. 23-1 on petitions
leaves the terms to the statute, which counts working days). The Ministry of Justice's explanations
and court practice read the 15/45/5-day terms of this law as calendar days. So the terms here are
calendar days, counted as the Civil Code counts them (arts. 253-254, applied by analogy):

* a term starts on the day *after* the appeal was received (the day of receipt never counts);
* a term in months ends on the same-numbered day of the last month; if that month has no such day,
  on its last day (art. 254 part 2-3);
* if the last day of a term is a day off (a weekend, a holiday when holidays are days off, or the
  community's own extra day off), the term ends on the next working day (art. 254 part 5). This is
  where the community's calendar matters, and why every function takes a ``WorkingCalendar``.

The 45-day ceiling is also counted from receipt, by the same rules, so an extension's end is checked
against it. Every result is a :class:`datetime.date`; ``OutsideCalendarError`` propagates for dates
the holiday data does not cover rather than guessing.
"""

from __future__ import annotations

import calendar as _gregorian
from dataclasses import dataclass
from datetime import date
from typing import Final

from uchast.eligibility.calendar import WorkingCalendar

__all__ = [
    "FORWARD_DAYS",
    "MAX_TOTAL_DAYS",
    "MIN_REASONS_LENGTH",
    "NO_STUDY_DAYS",
    "ExtensionRefused",
    "Terms",
    "add_months",
    "answer_due",
    "extension_ceiling",
    "forward_due",
    "terms_for",
    "validate_extension",
]

NO_STUDY_DAYS: Final[int] = 15
MAX_TOTAL_DAYS: Final[int] = 45
FORWARD_DAYS: Final[int] = 5
#: Reasons shorter than this are not reasons (a person must be told *why* the term is longer).
MIN_REASONS_LENGTH: Final[int] = 20


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    if months < 0:
        raise ValueError("months must not be negative")
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _gregorian.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def answer_due(cal: WorkingCalendar, received: date, *, study_needed: bool) -> date:
    """The last day to answer: 15 days without study, one month with it; moved past a day off."""
    if study_needed:
        return cal.next_working_day(add_months(received, 1))
    return cal.deadline_after_days(received, NO_STUDY_DAYS)


def extension_ceiling(cal: WorkingCalendar, received: date) -> date:
    """The latest possible answer day: 45 days in total from receipt (art. 20), moved past a day off."""
    return cal.deadline_after_days(received, MAX_TOTAL_DAYS)


def forward_due(cal: WorkingCalendar, received: date) -> date:
    """The last day to pass an appeal on to the competent body (art. 7: five days)."""
    return cal.deadline_after_days(received, FORWARD_DAYS)


class ExtensionRefused(ValueError):
    """An extension the law does not allow; ``code`` is stable (the services turn it into a refusal)."""

    def __init__(self, code: str, ceiling: date | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.ceiling = ceiling


def validate_extension(cal: WorkingCalendar, *, received: date, current_due: date, new_due: date, reasons: str) -> date:
    """``new_due`` if the law allows it, else :class:`ExtensionRefused` with a code:

    ``reasons_required`` (no reasons, or fewer than ``MIN_REASONS_LENGTH`` characters of them),
    ``not_later`` (the new day is not after the current one), ``over_45_days`` (past the ceiling).
    A new day that is a day off is moved to the next working day before the ceiling is checked, so
    the person is never given a day on which nobody answers.
    """
    if len(" ".join(reasons.split())) < MIN_REASONS_LENGTH:
        raise ExtensionRefused("reasons_required")
    moved = cal.next_working_day(new_due)
    if moved <= current_due:
        raise ExtensionRefused("not_later")
    ceiling = extension_ceiling(cal, received)
    if moved > ceiling:
        raise ExtensionRefused("over_45_days", ceiling)
    return moved


@dataclass(frozen=True)
class Terms:
    """The three terms an appeal received on ``received`` starts, shown to both sides."""

    received: date
    answer_due: date
    forward_due: date
    ceiling: date


def terms_for(cal: WorkingCalendar, received: date, *, study_needed: bool) -> Terms:
    return Terms(
        received=received,
        answer_due=answer_due(cal, received, study_needed=study_needed),
        forward_due=forward_due(cal, received),
        ceiling=extension_ceiling(cal, received),
    )
