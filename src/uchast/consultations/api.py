"""JSON API of consultations: public reads and resident actions (comment, vote, answer a survey).

The other actions are on this router too: taking part in ``api_participation``, officials' work in
``api_staff`` (both imported at the end). A refusal for the wrong phase is 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED
from uchast.consultations import selectors, services
from uchast.consultations.actions import ConsultationAction
from uchast.consultations.models import Consultation
from uchast.core.api.operations import PUBLIC_ITEM_ERRORS, SIGNED_IN_ITEM_ERRORS, WRITE_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest

router = Router(tags=["consultations"])


class ConsultationOut(Schema):
    id: int
    title: str
    summary: str
    phase: str
    starts_at: str
    ends_at: str
    audience: str
    responsible_name: str
    responsible_contacts: str


class SectionOut(Schema):
    id: int
    version: int
    position: int
    heading: str
    body: str


class ProposalOut(Schema):
    id: int
    kind: str
    section: str
    version: int | None
    meeting: str
    author: str
    text: str
    proposed_wording: str
    hidden_reason: str
    supports: int
    answer: str
    answer_reason: str


class MeetingOrganisationOut(Schema):
    id: int
    name: str


class MeetingProposalOut(Schema):
    """A meeting proposed on behalf of an organisation: seen by staff and its proposer only."""

    id: int
    consultation_id: int
    organisation: MeetingOrganisationOut
    proposed_by: str = Field(..., description="the member who proposed it (display name)")
    title: str
    kind: str
    starts_at: datetime
    place: str
    link: str
    capacity: int
    agenda: str
    status: str = Field(..., description="pending, accepted or declined")
    decline_reason: str
    meeting_id: int | None = Field(None, description="the public meeting, once accepted")

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str:
        return str(obj.proposed_by.display_name)


class CommentIn(Schema):
    body: str


class CommentOut(Schema):
    id: int
    body: str


class VoteIn(Schema):
    value: int


class VoteOut(Schema):
    statement_id: int
    value: int


class SurveyAnswerIn(Schema):
    answers: dict[int, Any]


class SurveyAnswerOut(Schema):
    survey_id: int
    saved: bool


def _consultation(request: UchastRequest, pk: int) -> Consultation:
    if not request.user.has_perm("core.view_public"):
        raise PermissionDenied
    return selectors.access_consultation(request.user, request.community, pk)


def _out(c: Consultation) -> ConsultationOut:
    return ConsultationOut(
        id=c.pk,
        title=c.title,
        summary=c.summary,
        phase=c.phase,
        starts_at=c.starts_at.isoformat(),
        ends_at=c.ends_at.isoformat(),
        audience=c.audience,
        responsible_name=c.responsible_name,
        responsible_contacts=c.responsible_contacts,
    )


@router.get(
    "/", response={200: list[ConsultationOut], **PUBLIC_ITEM_ERRORS}, summary=lazy_text(gettext_lazy("Consultations"))
)
def list_consultations(request: UchastRequest, paging: Query[PageIn]) -> list[ConsultationOut]:
    if not request.user.has_perm("core.view_public"):
        raise PermissionDenied
    if request.community is None:
        raise ActionRefused("not_found", _("Not found."), status=404)
    return [_out(c) for c in page(selectors.consultations_visible(request.community, request.user), paging)]


@router.get(
    "/{pk}", response={200: ConsultationOut, **PUBLIC_ITEM_ERRORS}, summary=lazy_text(gettext_lazy("One consultation"))
)
def get_consultation(request: UchastRequest, pk: int) -> ConsultationOut:
    return _out(_consultation(request, pk))


@router.get(
    "/{pk}/sections",
    response={200: list[SectionOut], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Sections of the draft under consultation")),
)
def sections(request: UchastRequest, pk: int) -> list[SectionOut]:
    consultation = _consultation(request, pk)
    version = selectors.current_version(consultation)
    return [
        SectionOut(
            id=s.pk, version=version.number if version else 0, position=s.position, heading=s.heading, body=s.body
        )
        for s in selectors.sections_of(version)
    ]


@router.get(
    "/{pk}/proposals",
    response={200: list[ProposalOut], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Proposals on a consultation")),
)
def proposals(request: UchastRequest, pk: int, paging: Query[PageIn]) -> list[ProposalOut]:
    consultation = _consultation(request, pk)
    return [ProposalOut(**selectors.proposal_row(p)) for p in page(selectors.report_proposals(consultation), paging)]


@router.get(
    "/{pk}/statements",
    response={200: list[dict[str, Any]], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Statements with their votes")),
)
def statements(request: UchastRequest, pk: int, paging: Query[PageIn]) -> list[dict[str, Any]]:
    return page(selectors.statement_aggregates(_consultation(request, pk)), paging)


@router.get(
    "/{pk}/opinion",
    response={200: dict[str, Any], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("The opinion map: groups and consensus")),
)
def opinion(request: UchastRequest, pk: int) -> dict[str, Any]:
    consultation = _consultation(request, pk)
    snapshot = getattr(consultation, "opinion", None)
    return snapshot.data if snapshot is not None else {}


@router.get(
    "/{pk}/surveys",
    response={200: list[dict[str, Any]], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Surveys with their results")),
)
def surveys(request: UchastRequest, pk: int, paging: Query[PageIn]) -> list[dict[str, Any]]:
    consultation = _consultation(request, pk)
    return page(selectors.survey_aggregates(consultation), paging)


@router.get(
    "/{pk}/meeting-proposals",
    response={200: list[MeetingProposalOut], **SIGNED_IN_ITEM_ERRORS},
    auth=AUTHENTICATED,
)
def meeting_proposals(request: UchastRequest, pk: int, paging: Query[PageIn]) -> list[Any]:
    """Meetings proposed on behalf of organisations: every one for staff (pending first), the
    caller's own for anyone else. Not public until accepted (then a meeting of the consultation)."""
    consultation = _consultation(request, pk)
    return page(selectors.meeting_proposals_visible(consultation, request.user), paging)


@router.post(
    "/sections/{pk}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Comment on a section")),
)
def comment(request: UchastRequest, pk: int, payload: CommentIn) -> Status[CommentOut]:
    section = selectors.access_section(request.user, request.community, pk)
    selectors.require_permission(
        request.user, ConsultationAction.COMMENT.permission, section, _("You cannot comment here.")
    )
    created = services.section_comment(author=request.user, section=section, body=payload.body)
    return Status(201, CommentOut(id=created.pk, body=created.body))


@router.post(
    "/statements/{pk}/vote",
    response={200: VoteOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Vote on a statement")),
)
def vote(request: UchastRequest, pk: int, payload: VoteIn) -> VoteOut:
    statement = selectors.access_statement(request.user, request.community, pk)
    selectors.require_permission(
        request.user,
        ConsultationAction.VOTE_STATEMENT.permission,
        statement.consultation,
        _("You cannot vote: the consultation is not open or you are not eligible."),
    )
    row = services.statement_vote(user=request.user, statement=statement, value=payload.value)
    return VoteOut(statement_id=statement.pk, value=row.value)


@router.post(
    "/surveys/{pk}/answers",
    response={201: SurveyAnswerOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Answer a survey")),
)
def answer_survey(request: UchastRequest, pk: int, payload: SurveyAnswerIn) -> Status[SurveyAnswerOut]:
    survey = selectors.access_survey(request.user, request.community, pk)
    selectors.require_permission(
        request.user,
        ConsultationAction.ANSWER_SURVEY.permission,
        survey.consultation,
        _("You cannot answer: the consultation is not open or you are not eligible."),
    )
    services.survey_answer(user=request.user, survey=survey, answers=payload.answers)
    return Status(201, SurveyAnswerOut(survey_id=survey.pk, saved=True))


# Registers the other operations on this router.
from uchast.consultations import api_participation as _api_participation  # noqa: E402, F401
from uchast.consultations import api_staff as _api_staff  # noqa: E402, F401
