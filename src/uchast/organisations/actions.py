"""Organisations' participation actions and their default conditions.

An organisation is registered by a verified adult resident (its head acts for it in law); the same
conditions apply to applying to a partnership competition on its behalf.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from uchast.core.actions import ParticipationAction
from uchast.eligibility import ANY_BASIS


class OrganisationAction(ParticipationAction):
    REGISTER = "organisation.register", f"verified; min_age(18); {ANY_BASIS}", _("register an organisation")
    APPLY = "organisation.apply", f"verified; min_age(18); {ANY_BASIS}", _("apply to a partnership competition")

    @classmethod
    def app_label(cls) -> str:
        return "organisations"
