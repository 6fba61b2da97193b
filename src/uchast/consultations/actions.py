"""Consultations' participation actions and their default conditions.

Public consultations (CMU resolution 996) are open to everyone concerned, residents or not, so
commenting and proposing have no conditions beyond being signed in; statement votes and surveys
measure the community's opinion, so they need a verified resident of 14 or older
(docs/eligibility.md).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from uchast.core.actions import ParticipationAction
from uchast.eligibility import ANY_BASIS


class ConsultationAction(ParticipationAction):
    COMMENT = "consultation.comment", "", _("comment on a draft"), "consultations.comment_section"
    PROPOSE = "consultation.propose", "", _("propose wording")
    VOTE_STATEMENT = (
        "consultation.vote_statement",
        f"verified; min_age(14); {ANY_BASIS}",
        _("vote on statements"),
    )
    ANSWER_SURVEY = "consultation.answer_survey", f"verified; min_age(14); {ANY_BASIS}", _("answer a survey")

    @classmethod
    def app_label(cls) -> str:
        return "consultations"
