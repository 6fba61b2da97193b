from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from uchast.core.calendar import calendar_for
from uchast.petitions.similarity import SIMILAR_THRESHOLD, title_similarity
from uchast.petitions.statute import PetitionStatute

pytestmark = pytest.mark.django_db


def test_statute_defaults_and_invalid_values(community: Any) -> None:
    community.statute = {"petition_threshold": "abc", "petition_collection_days": -5, "petition_answer_working_days": 7}
    statute = PetitionStatute.from_community(community)
    assert statute.threshold == 100
    assert statute.collection_days == 60
    assert statute.answer_working_days == 7
    assert statute.moderation_working_days == 2
    assert statute.sign_conditions is None


def test_calendar_weekends_holidays_and_extra_days(community: Any) -> None:
    # 2026-08-24 (Independence Day) is a Monday.
    community.holidays_are_working_days = False
    community.statute = {"extra_days_off": ["2026-08-26"], "extra_working_days": ["2026-08-29"]}
    cal = calendar_for(community)
    assert not cal.is_working_day(date(2026, 8, 22))  # Saturday
    assert not cal.is_working_day(date(2026, 8, 24))  # holiday
    assert not cal.is_working_day(date(2026, 8, 26))  # extra day off
    assert cal.is_working_day(date(2026, 8, 29))  # Saturday made a working day
    # Friday 21 Aug + 2 working days: Tue 25 (Mon is a holiday), Thu 27 (Wed is off).
    assert cal.add_working_days(date(2026, 8, 21), 2) == date(2026, 8, 27)


def test_martial_law_holidays_are_working_days(community: Any) -> None:
    community.holidays_are_working_days = True
    community.statute = {}
    cal = calendar_for(community)
    assert cal.is_working_day(date(2026, 8, 24))
    assert cal.add_working_days(date(2026, 8, 21), 2) == date(2026, 8, 25)


def test_similarity_finds_inflected_near_duplicates() -> None:
    a = "Облаштувати укриття у школі №2"
    assert title_similarity(a, "облаштувати  укриття в ШКОЛІ №2!") == pytest.approx(1.0)
    assert title_similarity(a, "Облаштування укриттів у школах") >= SIMILAR_THRESHOLD
    assert title_similarity(a, "Відновити рейсовий автобус Зорянськ — Дніпро") < 0.2
    assert title_similarity("", a) == 0.0
