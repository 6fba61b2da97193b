"""The participatory budget's participation actions and their default conditions.

Reasons, from Ukrainian practice (docs/eligibility.md): city statutes set the voting age, most
commonly 14 or 16; we default to 14 so no one is excluded by default and let statutes raise it.
Proposing and supporting follow the same rule as voting. Every basis counts. Comments on projects
need a verified person (moderation relies on accountability), without an age limit.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from uchast.core.actions import ParticipationAction
from uchast.eligibility import ANY_BASIS


class BudgetAction(ParticipationAction):
    PROPOSE = "budget.propose", f"verified; min_age(14); {ANY_BASIS}", _("propose a project")
    SUPPORT = "budget.support", f"verified; min_age(14); {ANY_BASIS}", _("support a project")
    VOTE = "budget.vote", f"verified; min_age(14); {ANY_BASIS}", _("vote in the participatory budget")
    COMMENT = "budget.comment", "verified", _("comment on a project"), "budget.comment_project"

    @classmethod
    def app_label(cls) -> str:
        return "budget"
