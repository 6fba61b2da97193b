"""Content in its own language: ``lang`` attributes and officials' English versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import get_language

from uchast.core.contentlang import guess

register = template.Library()


@dataclass(frozen=True)
class Localized:
    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


@register.filter
def content_lang(text: Any) -> str:
    """The ``lang`` of a text people wrote: ``<h1 lang="{{ petition.title|content_lang }}">``."""
    return guess(str(text or ""))


@register.simple_tag
def localized(obj: Any, field: str) -> Localized:
    """``obj.<field>`` in the reader's language where an official wrote an English version
    (``<field>_en``) and the page is in English; else the original, with its language:
    ``{% localized consultation "title" as title %}<h1 lang="{{ title.lang }}">{{ title }}</h1>``."""
    english = str(getattr(obj, f"{field}_en", "") or "").strip()
    if english and (get_language() or "").startswith("en"):
        return Localized(english, "en")
    text = str(getattr(obj, field, "") or "")
    return Localized(text, guess(text))
