from __future__ import annotations

from django import template

from uchast.organisations.services.competitions import uah as _uah

register = template.Library()


@register.filter
def uah(kopiykas: int | None) -> str:
    """Kopiykas shown as hryvnias: ``1 250 000.50``."""
    return _uah(kopiykas or 0)
