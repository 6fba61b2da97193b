"""Tests of uchast.eligibility.appealterms: the terms of the law on citizens' appeals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uchast.eligibility.appealterms import (
    ExtensionRefused,
    add_months,
    answer_due,
    extension_ceiling,
    forward_due,
    terms_for,
    validate_extension,
)
from uchast.eligibility.calendar import WorkingCalendar

pytestmark = pytest.mark.pure

CAL = WorkingCalendar.ukraine(holidays_are_working_days=True)
PEACE = WorkingCalendar.ukraine(holidays_are_working_days=False)
REASONS = "Потрібен запит до обласної служби та виїзд на місце."
days = st.dates(min_value=date(2021, 1, 1), max_value=date(2034, 11, 30))


def test_fifteen_days_without_study() -> None:
    # Received Monday 2 March 2026; day 15 is Tuesday 17 March, a working day.
    assert answer_due(CAL, date(2026, 3, 2), study_needed=False) == date(2026, 3, 17)


def test_fifteen_days_ending_on_saturday_move_to_monday() -> None:
    # Received Friday 6 March 2026: day 15 is Saturday 21 March -> Monday 23 March.
    assert answer_due(CAL, date(2026, 3, 6), study_needed=False) == date(2026, 3, 23)


def test_one_month_with_study() -> None:
    assert answer_due(CAL, date(2026, 3, 2), study_needed=True) == date(2026, 4, 2)


def test_one_month_from_31_january_ends_on_last_day_of_february() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    # 28 February 2026 is a Saturday: the term ends on Monday 2 March.
    assert answer_due(CAL, date(2026, 1, 31), study_needed=True) == date(2026, 3, 2)


def test_community_day_off_moves_the_end() -> None:
    # Tuesday 17 March 2026 declared a day off by the community: the term ends on Wednesday.
    own = WorkingCalendar.ukraine(extra_days_off=[date(2026, 3, 17)])
    assert answer_due(own, date(2026, 3, 2), study_needed=False) == date(2026, 3, 18)


def test_public_holiday_counts_only_in_peacetime() -> None:
    # Independence Day, Monday 24 August 2026; received 9 August: day 15 is 24 August.
    assert answer_due(CAL, date(2026, 8, 9), study_needed=False) == date(2026, 8, 24)
    assert answer_due(PEACE, date(2026, 8, 9), study_needed=False) == date(2026, 8, 25)


def test_forwarding_within_five_days() -> None:
    assert forward_due(CAL, date(2026, 3, 2)) == date(2026, 3, 9)  # Saturday 7 -> Monday 9
    assert forward_due(CAL, date(2026, 3, 3)) == date(2026, 3, 9)  # Sunday 8 -> Monday 9
    assert forward_due(CAL, date(2026, 3, 4)) == date(2026, 3, 9)


def test_extension_with_reasons_up_to_45_days() -> None:
    received = date(2026, 3, 2)
    ceiling = extension_ceiling(CAL, received)
    assert ceiling == date(2026, 4, 16)
    assert (
        validate_extension(CAL, received=received, current_due=date(2026, 4, 2), new_due=ceiling, reasons=REASONS)
        == ceiling
    )


def test_extension_without_reasons_is_refused() -> None:
    with pytest.raises(ExtensionRefused) as refused:
        validate_extension(
            CAL, received=date(2026, 3, 2), current_due=date(2026, 4, 2), new_due=date(2026, 4, 10), reasons="  так "
        )
    assert refused.value.code == "reasons_required"


def test_extension_past_45_days_is_refused() -> None:
    with pytest.raises(ExtensionRefused) as refused:
        validate_extension(
            CAL, received=date(2026, 3, 2), current_due=date(2026, 4, 2), new_due=date(2026, 4, 17), reasons=REASONS
        )
    assert refused.value.code == "over_45_days"
    assert refused.value.ceiling == date(2026, 4, 16)


def test_extension_must_be_later() -> None:
    with pytest.raises(ExtensionRefused) as refused:
        validate_extension(
            CAL, received=date(2026, 3, 2), current_due=date(2026, 4, 2), new_due=date(2026, 4, 1), reasons=REASONS
        )
    assert refused.value.code == "not_later"


@given(days, st.booleans())
def test_due_is_a_working_day_after_receipt_within_the_ceiling(received: date, study: bool) -> None:
    terms = terms_for(CAL, received, study_needed=study)
    assert CAL.is_working_day(terms.answer_due)
    assert received < terms.forward_due <= terms.answer_due <= terms.ceiling
    # Never more than the term plus the longest run of days off (a weekend and a few extra days).
    limit = 31 if study else 15
    assert (terms.answer_due - received).days <= limit + 4


@given(days, st.integers(min_value=0, max_value=60))
def test_any_allowed_extension_stays_within_45_days(received: date, offset: int) -> None:
    current = answer_due(CAL, received, study_needed=True)
    try:
        new = validate_extension(
            CAL, received=received, current_due=current, new_due=current + timedelta(days=offset), reasons=REASONS
        )
    except ExtensionRefused as refused:
        assert refused.code in {"not_later", "over_45_days"}
    else:
        assert current < new <= extension_ceiling(CAL, received)
        assert CAL.is_working_day(new)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)), st.integers(0, 24))
def test_add_months_keeps_the_day_or_ends_the_month(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result + timedelta(days=1)).month != result.month
