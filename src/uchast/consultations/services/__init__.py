"""Write use cases of consultations, one module per topic. Each is one transaction; refusals raise
``ActionRefused`` (translated message) and change nothing.

Services do not check permissions: views and API endpoints check them before calling (the
``consultations.*`` rules). A resident's action checks its own state (phase, hidden, capacity) and
``require_participant`` (not blocked; eligible under the consultation's conditions).

- ``consultations``: create, advance the phase, attach public files
- ``drafts``: publish a draft version, comment on a section
- ``proposals``: propose, support, answer
- ``statements``: add and vote on statements; the opinion map's debounce
- ``surveys``: prepare, validate and answer surveys
- ``meetings``: plan, register, record minutes; propose on behalf of an organisation, accept, decline
- ``report``: publish the report
- ``personal``: personal data export and anonymisation

Reports, hiding and restoring of proposals and statements are core moderation's
(``uchast.core.moderation``).
"""

from uchast.consultations.services.consultations import (
    consultation_advance,
    consultation_attachment_add,
    consultation_create,
)
from uchast.consultations.services.drafts import draft_version_publish, section_comment
from uchast.consultations.services.meetings import (
    meeting_create,
    meeting_minutes_record,
    meeting_proposal_accept,
    meeting_proposal_decline,
    meeting_propose,
    meeting_register,
)
from uchast.consultations.services.personal import anonymise_user, personal_data
from uchast.consultations.services.proposals import proposal_answer, proposal_create, proposal_support
from uchast.consultations.services.report import report_publish
from uchast.consultations.services.statements import (
    OPINION_RECOMPUTE_SECONDS,
    OPINION_RECOMPUTE_VOTES,
    opinion_recompute_due,
    statement_create,
    statement_vote,
)
from uchast.consultations.services.surveys import (
    BINDING_EDITABLE,
    SurveyInvalid,
    question_add,
    survey_answer,
    survey_create,
    survey_set_binding,
)

__all__ = [
    "BINDING_EDITABLE",
    "OPINION_RECOMPUTE_SECONDS",
    "OPINION_RECOMPUTE_VOTES",
    "SurveyInvalid",
    "anonymise_user",
    "consultation_advance",
    "consultation_attachment_add",
    "consultation_create",
    "draft_version_publish",
    "meeting_create",
    "meeting_minutes_record",
    "meeting_proposal_accept",
    "meeting_proposal_decline",
    "meeting_propose",
    "meeting_register",
    "opinion_recompute_due",
    "personal_data",
    "proposal_answer",
    "proposal_create",
    "proposal_support",
    "question_add",
    "report_publish",
    "section_comment",
    "statement_create",
    "statement_vote",
    "survey_answer",
    "survey_create",
    "survey_set_binding",
]
