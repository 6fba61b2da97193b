from __future__ import annotations

from django import template

from uchast.budget.services import money

register = template.Library()


@register.filter
def uah(kopiykas: int | None) -> str:
    """Kopiykas shown as hryvnias: ``1 250 000,50``."""
    return money(kopiykas or 0)
