from __future__ import annotations

import pytest

from uchast.core.contentlang import guess

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Відкрити пункт видачі допомоги", "uk"),
        ("Укриття для школи", "uk"),  # no letters only Ukrainian uses, no Russian ones either
        ("Открыть пункт выдачи помощи", "ru"),
        ("Open an aid point for displaced people", "en"),
        ("Сквер на вул. Central, 5", "uk"),
        ("2026", "uk"),
        ("", "uk"),
    ],
)
def test_guess(text: str, lang: str) -> None:
    assert guess(text) == lang


def test_default_when_nothing_to_go_by() -> None:
    assert guess("— 12 —", default="en") == "en"
