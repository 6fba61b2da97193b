from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from uchast.budget.formatting import money

register = template.Library()


@register.filter
def uah(kopiykas: int | None) -> str:
    """Kopiykas shown as hryvnias: ``1 250 000,50``."""
    return money(kopiykas or 0)


@register.filter
def explain(result: dict[str, Any]) -> str:
    """Why a project won or lost, in the reader's language, from the figures ``uchast.tally`` keeps
    (``details``) rather than its English ``reason`` sentence. Money is shown in hryvnias."""
    details: dict[str, Any] = result.get("details") or {}
    if result.get("selected"):
        if "money_left_before" in details:
            left_after = int(details["money_left_before"]) - int(result.get("cost") or 0)
            return _("Funded at place %(rank)s in the ranking; %(left)s UAH were left after it.") % {
                "rank": details.get("rank", result.get("round")),
                "left": money(left_after),
            }
        if "max_payment_per_voter" in details:
            return _(
                "Funded in round %(round)s: its %(supporters)s supporters shared the cost, each paying at most "
                "%(payment)s UAH of their equal share."
            ) % {
                "round": result.get("round"),
                "supporters": details.get("supporters", result.get("votes")),
                "payment": money(round(float(details["max_payment_per_voter"]))),
            }
        return _("Funded in round %(round)s.") % {"round": result.get("round")}
    if "dropped_at_round" in details:
        return _(
            "Not funded: in round %(round)s its supporters had %(left)s UAH of their equal shares left, "
            "less than its cost."
        ) % {"round": details["dropped_at_round"], "left": money(round(float(details["supporters_money_left"])))}
    if "money_left_before" in details:
        if int(result.get("cost") or 0) > int(details["money_left_before"]):
            return _("Not funded: at place %(rank)s it cost more than the %(left)s UAH left.") % {
                "rank": details.get("rank"),
                "left": money(int(details["money_left_before"])),
            }
        return _("Not funded: below the threshold of votes or after counting stopped.")
    return _("Not funded: the money ran out before its turn.")
