"""How the budget shows its figures and outcomes to people (in the active language)."""

from __future__ import annotations

from django.utils.translation import ngettext


def money(kopiykas: int) -> str:
    """Kopiykas as hryvnias with a thin space between thousands: ``1 250 000,50``."""
    whole, cents = divmod(int(kopiykas), 100)
    text = f"{whole:,}".replace(",", "\u202f")
    return f"{text},{cents:02d}" if cents else text


def support_shortfall_reason(supports: int, threshold: int) -> str:
    """The public reason a project did not reach review."""
    return ngettext(
        "The project collected %(supports)s of the %(threshold)s support needed before review.",
        "The project collected %(supports)s of the %(threshold)s supports needed before review.",
        threshold,
    ) % {"supports": supports, "threshold": threshold}
