"""Permissions of the consultations module."""

import rules

from uchast.accounts.predicates import is_resident
from uchast.consultations.actions import ConsultationAction
from uchast.consultations.predicates import (
    can_add_statement,
    can_answer_survey,
    can_comment,
    can_propose,
    can_propose_meeting,
    can_register_meeting,
    can_report,
    can_view,
    can_vote_statement,
    is_manager,
)

rules.add_perm("consultations.view_consultation", can_view)
# A section's page is its consultation's (selectors.access_section); core's comment permalink checks it.
rules.add_perm("consultations.view_section", can_view)
rules.add_perm("consultations.manage", is_manager)
rules.add_perm(ConsultationAction.COMMENT.permission, can_comment)
rules.add_perm("consultations.follow_consultation", is_resident & can_view)
rules.add_perm(ConsultationAction.PROPOSE.permission, can_propose)
rules.add_perm("consultations.support", can_propose)
rules.add_perm(ConsultationAction.VOTE_STATEMENT.permission, can_vote_statement)
rules.add_perm("consultations.add_statement", can_add_statement)
rules.add_perm(ConsultationAction.ANSWER_SURVEY.permission, can_answer_survey)
rules.add_perm("consultations.register_meeting", can_register_meeting)
rules.add_perm("consultations.propose_meeting", can_propose_meeting)
rules.add_perm("consultations.report_contribution", can_report)
