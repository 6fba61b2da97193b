"""Taking part in a consultation through the API (issue 18): propose on a section, support a
proposal, add a statement, register for a meeting, propose a meeting on behalf of an organisation.
The same services, permissions and messages as the pages (``views``). The phase is checked before
the permission (which includes it), so a closed consultation is answered 409
``phase``/``closed``/``consultation_closed`` rather than a bare 403. Registered on
``consultations.api.router`` (imported at its end)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED
from uchast.consultations import selectors, services
from uchast.consultations.actions import ConsultationAction
from uchast.consultations.api import MeetingProposalOut, ProposalOut, router
from uchast.consultations.api_staff import MeetingPlanIn
from uchast.consultations.models import MeetingProposal, Statement
from uchast.consultations.services.common import (
    MAX_PROPOSAL_LENGTH,
    MAX_STATEMENT_LENGTH,
    MAX_WORDING_LENGTH,
    require_open,
)
from uchast.consultations.services.meetings import require_meeting_proposals_open, require_registration_open
from uchast.core.api.operations import WRITE_ERRORS, lazy_text
from uchast.core.web import UchastRequest


class ConsultationProposalIn(Schema):
    body: str = Field(..., min_length=1, max_length=MAX_PROPOSAL_LENGTH, description="the proposal and its reason")
    proposed_text: str = Field(
        "", max_length=MAX_WORDING_LENGTH, description="new wording of the section; empty for a plain remark"
    )
    on_behalf_of: int | None = Field(None, description="id of an organisation the author may act for")


class ProposalSupportOut(Schema):
    proposal_id: int
    supports: int
    added: bool = Field(..., description="false when the caller already supported it")


class ConsultationStatementIn(Schema):
    text: str = Field(..., min_length=1, max_length=MAX_STATEMENT_LENGTH)


class ConsultationStatementOut(Schema):
    id: int
    consultation_id: int
    text: str


class MeetingRegistrationOut(Schema):
    meeting_id: int
    registered_count: int
    capacity: int


def _may_view(request: UchastRequest) -> None:
    """The gate the pages put before these actions (``core.view_public``)."""
    if not request.user.has_perm("core.view_public"):
        raise PermissionDenied


@router.post(
    "/sections/{pk}/proposals",
    response={201: ProposalOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Propose on a section of the draft")),
)
def propose(request: UchastRequest, pk: int, payload: ConsultationProposalIn) -> Status[ProposalOut]:
    _may_view(request)
    section = selectors.access_section(request.user, request.community, pk)
    message = _("You cannot make proposals here: the consultation is not open or you are not eligible.")
    require_open(section.version.consultation, message)
    selectors.require_permission(
        request.user, ConsultationAction.PROPOSE.permission, section.version.consultation, message
    )
    proposal = services.proposal_create(
        author=request.user,
        section=section,
        body=payload.body,
        proposed_text=payload.proposed_text,
        on_behalf_of=payload.on_behalf_of,
    )
    return Status(201, ProposalOut(**selectors.proposal_row(proposal)))


@router.post(
    "/proposals/{pk}/support",
    response={200: ProposalSupportOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Support a proposal")),
)
def support_proposal(request: UchastRequest, pk: int) -> ProposalSupportOut:
    _may_view(request)
    proposal = selectors.access_proposal(request.user, request.community, pk)
    message = _("You cannot support proposals here.")
    require_open(proposal.consultation, message)
    selectors.require_permission(request.user, "consultations.support", proposal.consultation, message)
    added = services.proposal_support(user=request.user, proposal=proposal)
    proposal.refresh_from_db(fields=["support_count"])
    return ProposalSupportOut(proposal_id=proposal.pk, supports=proposal.support_count, added=added)


@router.post(
    "/{pk}/statements",
    response={201: ConsultationStatementOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Add a statement for others to vote on")),
)
def add_statement(request: UchastRequest, pk: int, payload: ConsultationStatementIn) -> Status[Statement]:
    _may_view(request)
    consultation = selectors.access_consultation(request.user, request.community, pk)
    message = _("You cannot add statements: the consultation is not open or you are not eligible.")
    require_open(consultation, message)
    selectors.require_permission(request.user, "consultations.add_statement", consultation, message)
    # The council seeds statements without the residents' conditions, as on the page; through a
    # token only when it carries the staff scope.
    token = getattr(request, "api_token", None)
    by_council = request.user.has_perm("consultations.manage") and (token is None or token.has_scope("staff"))
    statement = services.statement_create(
        author=request.user, consultation=consultation, text=payload.text, by_council=by_council
    )
    return Status(201, statement)


@router.post(
    "/meetings/{pk}/registration",
    response={201: MeetingRegistrationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Register for a meeting")),
)
def register_for_meeting(request: UchastRequest, pk: int) -> Status[MeetingRegistrationOut]:
    _may_view(request)
    meeting = selectors.access_meeting(request.user, request.community, pk)
    require_registration_open(meeting)
    selectors.require_permission(
        request.user, "consultations.register_meeting", meeting.consultation, _("Registration is closed.")
    )
    services.meeting_register(user=request.user, meeting=meeting)
    meeting.refresh_from_db(fields=["registered_count"])
    registration = MeetingRegistrationOut(
        meeting_id=meeting.pk, registered_count=meeting.registered_count, capacity=meeting.capacity
    )
    return Status(201, registration)


class ProposedMeetingIn(MeetingPlanIn):
    """The meeting as staff plan one (the same fields and checks), proposed on behalf of an
    organisation the caller is a member of."""

    organisation: int = Field(..., description="id of the confirmed organisation the meeting is proposed for")


@router.post(
    "/{pk}/meeting-proposals",
    response={201: MeetingProposalOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Propose a meeting on behalf of an organisation")),
)
def propose_meeting(request: UchastRequest, pk: int, payload: ProposedMeetingIn) -> Status[MeetingProposal]:
    _may_view(request)
    consultation = selectors.access_consultation(request.user, request.community, pk)
    require_meeting_proposals_open(consultation)
    selectors.require_permission(
        request.user,
        "consultations.propose_meeting",
        consultation,
        _("Meetings can be proposed only while the consultation is open."),
    )
    proposal = services.meeting_propose(proposer=request.user, consultation=consultation, **payload.dict())
    return Status(201, proposal)
