"""The language a piece of user or official content is written in, for its ``lang`` attribute.

Screen readers choose their voice by ``lang``: Ukrainian content inside an English page must say
``lang="uk"`` or it is read with English pronunciation (WCAG 3.1.2). People write in Ukrainian
mostly, sometimes in English or Russian; the letters tell them apart well enough for a voice: a
text with Cyrillic letters is Ukrainian unless it has letters only Russian uses and none only
Ukrainian uses; a text of Latin letters is English. Pure code (no Django).
"""

from __future__ import annotations

UKRAINIAN_ONLY = frozenset("іїєґІЇЄҐ")
RUSSIAN_ONLY = frozenset("ыэъёЫЭЪЁ")


def guess(text: str, default: str = "uk") -> str:
    """``"uk"``, ``"ru"`` or ``"en"`` for ``text``; ``default`` when it has no letters to go by."""
    cyrillic = latin = 0
    ukrainian = russian = False
    for char in text[:2000]:
        if "\u0400" <= char <= "\u04ff":
            cyrillic += 1
            ukrainian = ukrainian or char in UKRAINIAN_ONLY
            russian = russian or char in RUSSIAN_ONLY
        elif char.isascii() and char.isalpha():
            latin += 1
    if cyrillic == 0 and latin == 0:
        return default
    if cyrillic >= latin:
        return "ru" if russian and not ukrainian else "uk"
    return "en"
