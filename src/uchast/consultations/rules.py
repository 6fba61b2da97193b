"""Permissions of the consultations module."""

import rules

from uchast.accounts.predicates import is_resident
from uchast.consultations.predicates import (
    can_add_statement,
    can_answer_survey,
    can_comment,
    can_propose,
    can_register_meeting,
    can_report,
    can_view,
    can_vote_statement,
    is_consultation_moderator,
    is_manager,
)

rules.add_perm("consultations.view_consultation", can_view)
rules.add_perm("consultations.manage", is_manager)
rules.add_perm("consultations.moderate", is_consultation_moderator)
rules.add_perm("consultations.comment_section", can_comment)
rules.add_perm("consultations.follow_consultation", is_resident & can_view)
rules.add_perm("consultations.propose", can_propose)
rules.add_perm("consultations.support", can_propose)
rules.add_perm("consultations.vote_statement", can_vote_statement)
rules.add_perm("consultations.add_statement", can_add_statement)
rules.add_perm("consultations.answer_survey", can_answer_survey)
rules.add_perm("consultations.register_meeting", can_register_meeting)
rules.add_perm("consultations.report_contribution", can_report)
