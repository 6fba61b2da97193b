"""Petitions' participation actions and their default conditions.

Local petitions (Law "On citizens' appeals", art. 23-1, details in the community statute) are
filed and signed by adult residents: 18+, on any basis (docs/eligibility.md). The statute may set
its own conditions (``PetitionStatute.create_conditions``, ``sign_conditions``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from uchast.core.actions import ParticipationAction
from uchast.eligibility import ANY_BASIS


class PetitionAction(ParticipationAction):
    CREATE = "petition.create", f"verified; min_age(18); {ANY_BASIS}", _("start a petition")
    SIGN = "petition.sign", f"verified; min_age(18); {ANY_BASIS}", _("sign a petition")

    @classmethod
    def app_label(cls) -> str:
        return "petitions"
