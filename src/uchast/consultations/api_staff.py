"""Officials' consultation work through the API (issue 18): create, draft text, files, phases,
answers to proposals and the report. The same services, permission (``consultations.manage``) and
audit as the pages (``views``), plus the token's ``staff`` scope; surveys and meetings are prepared
here too, and meetings proposed on behalf of organisations accepted or declined. Registered on
``consultations.api.router`` (imported at its end)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Schema, Status
from ninja.files import UploadedFile
from pydantic import AfterValidator

from uchast.accounts.apiauth import AUTHENTICATED, require_staff
from uchast.consultations import selectors, services
from uchast.consultations.api import (
    ConsultationOut,
    MeetingOrganisationOut,
    MeetingProposalOut,
    ProposalOut,
    _out,
    router,
)
from uchast.consultations.drafts import MAX_DRAFT_BYTES, sections_from_markdown
from uchast.consultations.models import (
    AnswerStatus,
    Audience,
    Consultation,
    DraftVersion,
    Meeting,
    MeetingKind,
    MeetingProposal,
    Question,
    QuestionKind,
    Survey,
)
from uchast.consultations.services.common import MAX_PROPOSAL_LENGTH
from uchast.core.api.operations import WRITE_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.models import Attachment, District
from uchast.core.web import UchastRequest

#: The longest free text an official writes in one field (the report summary's limit).
LONG_TEXT = 20000


def _sensible_moment(value: datetime) -> datetime:
    """A moment of this century, aware (a naive one is read in the community's time zone): years
    far off are refused here, before a time zone conversion overflows."""
    if not 2000 <= value.year <= 2100:
        raise ValueError("give a date between the years 2000 and 2100")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


Moment = Annotated[datetime, AfterValidator(_sensible_moment)]


class ConsultationIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    summary: str = Field(..., min_length=1, max_length=LONG_TEXT)
    starts_at: Moment
    ends_at: Moment
    responsible_name: str = Field(..., min_length=1, max_length=200)
    responsible_contacts: str = Field(..., min_length=1, max_length=300)
    audience: Audience = Audience.ANYONE
    audience_district: int | None = Field(None, description="id of the district, when audience is district")
    alternatives: str = Field("", max_length=LONG_TEXT)
    affected_groups: str = Field("", max_length=LONG_TEXT)
    consequences: str = Field("", max_length=LONG_TEXT)
    how_to_take_part: str = Field("", max_length=LONG_TEXT)
    title_en: str = Field("", max_length=300)
    summary_en: str = Field("", max_length=LONG_TEXT)


class ConsultationDraftIn(Schema):
    text: str = Field(..., max_length=MAX_DRAFT_BYTES, description="Markdown: each ## heading starts a section")
    note: str = Field("", max_length=300, description="what changed in this version")


class ConsultationDraftOut(Schema):
    consultation_id: int
    number: int
    note: str
    sections: int


class ConsultationAttachmentOut(Schema):
    id: int
    title: str
    kind: str
    size: int
    url: str


class ProposalAnswerIn(Schema):
    status: AnswerStatus
    reason: str = Field(..., min_length=1, max_length=3000)


class ConsultationReportIn(Schema):
    summary: str = Field(..., min_length=1, max_length=LONG_TEXT)


class ConsultationSurveyIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    intro: str = Field("", max_length=LONG_TEXT)
    binding: bool = Field(False, description="one answer per person; only before the consultation opens")


class ConsultationSurveyOut(Schema):
    id: int
    consultation_id: int
    title: str
    intro: str
    binding: bool


class SurveyBindingIn(Schema):
    binding: bool


class SurveyQuestionIn(Schema):
    kind: QuestionKind
    text: str = Field(..., min_length=1, max_length=300)
    required: bool = True
    options: list[Annotated[str, Field(max_length=300)]] = Field(
        [], max_length=50, description="single, multiple and ranking: two or more"
    )
    max_choices: int | None = Field(None, ge=1, le=50, description="multiple choice: at most this many")
    scale_min: int = Field(1, ge=-100, le=100)
    scale_max: int = Field(5, ge=-100, le=100)


class SurveyQuestionOut(Schema):
    id: int
    survey_id: int
    position: int
    kind: str
    text: str
    required: bool
    options: list[str]
    max_choices: int | None
    scale_min: int
    scale_max: int


class MeetingPlanIn(Schema):
    """A meeting's plan, whoever plans it (staff) or proposes it (an organisation's member)."""

    title: str = Field(..., min_length=1, max_length=200)
    kind: MeetingKind
    starts_at: Moment
    capacity: int = Field(..., ge=1, le=100000)
    place: str = Field("", max_length=300, description="the address, for a meeting in person")
    link: str = Field("", max_length=200, pattern=r"^$|^https?://", description="the link, for an online meeting")
    agenda: str = Field("", max_length=LONG_TEXT)


class ConsultationMeetingIn(MeetingPlanIn):
    co_organiser: int | None = Field(None, description="id of a confirmed organisation co-organising it")


class ConsultationMeetingOut(Schema):
    id: int
    consultation_id: int
    title: str
    kind: str
    starts_at: datetime
    capacity: int
    registered_count: int
    place: str
    link: str
    agenda: str
    minutes: str
    attended_count: int
    co_organiser: MeetingOrganisationOut | None = Field(
        None, description="the organisation co-organising it with the council"
    )
    proposed_by: str | None = Field(
        None, description="the member who proposed it on behalf of the co-organiser (display name)"
    )

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str | None:
        return str(obj.proposed_by.display_name) if obj.proposed_by_id else None


class MeetingDeclineIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, description="told to the proposer")


class MeetingProposalIn(Schema):
    raised_by: str = Field("", max_length=200)
    text: str = Field(..., min_length=1, max_length=MAX_PROPOSAL_LENGTH)


class MeetingMinutesIn(Schema):
    minutes: str = Field(..., min_length=1, max_length=LONG_TEXT)
    attended: int = Field(..., ge=0, le=1000000)
    proposals: list[MeetingProposalIn] = Field([], max_length=500, description="proposals raised at the meeting")


class MeetingMinutesOut(Schema):
    meeting: ConsultationMeetingOut
    proposals: list[ProposalOut]


def managing(request: UchastRequest) -> None:
    """The caller may manage consultations: a token with the ``staff`` scope (else 403
    ``insufficient_scope``) of a person with ``consultations.manage`` (else 403 ``forbidden``)."""
    require_staff(request, "consultations.manage")
    if request.community is None:
        raise PermissionDenied


def managed(request: UchastRequest, pk: int) -> Consultation:
    managing(request)
    return selectors.access_consultation(request.user, request.community, pk)


@router.post(
    "/",
    response={201: ConsultationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Create a consultation (staff)")),
)
def create_consultation(request: UchastRequest, payload: ConsultationIn) -> Status[ConsultationOut]:
    managing(request)
    community = request.community
    district = None
    if payload.audience_district is not None:
        district = District.objects.filter(community=community, pk=payload.audience_district).first()
        if district is None:
            raise ActionRefused("district", _("The district is not in this community."))
    data = payload.dict(exclude={"audience_district"})
    created = services.consultation_create(actor=request.user, community=community, audience_district=district, **data)
    return Status(201, _out(created))


@router.post(
    "/{pk}/draft",
    response={201: ConsultationDraftOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Publish a new version of the draft text (staff)")),
)
def publish_draft(request: UchastRequest, pk: int, payload: ConsultationDraftIn) -> Status[ConsultationDraftOut]:
    consultation = managed(request, pk)
    version: DraftVersion = services.draft_version_publish(
        actor=request.user, consultation=consultation, sections=sections_from_markdown(payload.text), note=payload.note
    )
    return Status(
        201,
        ConsultationDraftOut(
            consultation_id=consultation.pk, number=version.number, note=version.note, sections=version.sections.count()
        ),
    )


@router.post(
    "/{pk}/attachments",
    response={201: ConsultationAttachmentOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Attach a public file to a consultation (staff)")),
)
def add_attachment(
    request: UchastRequest,
    pk: int,
    title: Annotated[str, Form(min_length=1, max_length=200)],
    file: Annotated[UploadedFile, File()],
) -> Status[ConsultationAttachmentOut]:
    consultation = managed(request, pk)
    attachment: Attachment = services.consultation_attachment_add(
        actor=request.user, consultation=consultation, upload=file, title=title
    )
    return Status(
        201,
        ConsultationAttachmentOut(
            id=attachment.pk,
            title=attachment.title,
            kind=attachment.kind,
            size=attachment.size,
            url=attachment.file.url,
        ),
    )


@router.post(
    "/{pk}/advance",
    response={200: ConsultationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Move a consultation to its next phase (staff)")),
)
def advance_consultation(request: UchastRequest, pk: int) -> ConsultationOut:
    consultation = managed(request, pk)
    return _out(services.consultation_advance(actor=request.user, consultation=consultation))


@router.post(
    "/proposals/{pk}/answer",
    response={200: ProposalOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Answer a proposal (staff)")),
)
def answer_proposal(request: UchastRequest, pk: int, payload: ProposalAnswerIn) -> ProposalOut:
    managing(request)
    proposal = selectors.access_proposal(request.user, request.community, pk)
    answered = services.proposal_answer(
        actor=request.user, proposal=proposal, status=payload.status, reason=payload.reason
    )
    return ProposalOut(**selectors.proposal_row(answered))


@router.post(
    "/{pk}/report",
    response={200: ConsultationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Publish the report of a consultation (staff)")),
)
def publish_report(request: UchastRequest, pk: int, payload: ConsultationReportIn) -> ConsultationOut:
    consultation = managed(request, pk)
    return _out(services.report_publish(actor=request.user, consultation=consultation, summary=payload.summary))


@router.post(
    "/{pk}/surveys",
    response={201: ConsultationSurveyOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Create a survey (staff)")),
)
def create_survey(request: UchastRequest, pk: int, payload: ConsultationSurveyIn) -> Status[Survey]:
    consultation = managed(request, pk)
    return Status(201, services.survey_create(actor=request.user, consultation=consultation, **payload.dict()))


@router.put(
    "/surveys/{pk}/binding",
    response={200: ConsultationSurveyOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Make a survey binding or not (staff)")),
)
def set_survey_binding(request: UchastRequest, pk: int, payload: SurveyBindingIn) -> Survey:
    managing(request)
    survey = selectors.access_survey(request.user, request.community, pk)
    return services.survey_set_binding(actor=request.user, survey=survey, binding=payload.binding)


@router.post(
    "/surveys/{pk}/questions",
    response={201: SurveyQuestionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Add a question to a survey (staff)")),
)
def add_question(request: UchastRequest, pk: int, payload: SurveyQuestionIn) -> Status[Question]:
    managing(request)
    survey = selectors.access_survey(request.user, request.community, pk)
    return Status(201, services.question_add(actor=request.user, survey=survey, **payload.dict()))


@router.post(
    "/{pk}/meetings",
    response={201: ConsultationMeetingOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Plan a meeting (staff)")),
)
def create_meeting(request: UchastRequest, pk: int, payload: ConsultationMeetingIn) -> Status[Meeting]:
    consultation = managed(request, pk)
    return Status(201, services.meeting_create(actor=request.user, consultation=consultation, **payload.dict()))


@router.post(
    "/meetings/{pk}/minutes",
    response={200: MeetingMinutesOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Record the minutes of a meeting (staff)")),
)
def record_minutes(request: UchastRequest, pk: int, payload: MeetingMinutesIn) -> MeetingMinutesOut:
    managing(request)
    meeting = selectors.access_meeting(request.user, request.community, pk)
    created = services.meeting_minutes_record(
        actor=request.user,
        meeting=meeting,
        minutes=payload.minutes,
        attended=payload.attended,
        proposals=[(raised.raised_by, raised.text) for raised in payload.proposals],
    )
    return MeetingMinutesOut(
        meeting=ConsultationMeetingOut.from_orm(meeting),
        proposals=[ProposalOut(**selectors.proposal_row(p)) for p in created],
    )


@router.post(
    "/meeting-proposals/{pk}/accept",
    response={200: ConsultationMeetingOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Accept a proposed meeting: it becomes public (staff)")),
)
def accept_meeting_proposal(request: UchastRequest, pk: int) -> Meeting:
    managing(request)
    proposal = selectors.access_meeting_proposal(request.user, request.community, pk)
    return services.meeting_proposal_accept(actor=request.user, proposal=proposal)


@router.post(
    "/meeting-proposals/{pk}/decline",
    response={200: MeetingProposalOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Decline a proposed meeting, with the reason (staff)")),
)
def decline_meeting_proposal(request: UchastRequest, pk: int, payload: MeetingDeclineIn) -> MeetingProposal:
    managing(request)
    proposal = selectors.access_meeting_proposal(request.user, request.community, pk)
    return services.meeting_proposal_decline(actor=request.user, proposal=proposal, reason=payload.reason)
