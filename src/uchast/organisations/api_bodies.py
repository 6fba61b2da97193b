"""Advisory bodies through the API (issues 15 and 18): anyone reads bodies, members, meetings with
their minutes and decisions, and elections; staff keep the record (bodies, meetings, minutes,
decisions sent to the council, elections opened and counted); organisations' heads vote. The same
services, permissions and audit as the pages (``views.bodies``); registered on ``api.router``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED, require_staff
from uchast.core.api.errors import require_permission
from uchast.core.api.operations import PUBLIC_ITEM_ERRORS, WRITE_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest
from uchast.organisations import bodies
from uchast.organisations.api import Moment, router
from uchast.organisations.models import Organisation

MANAGE = "organisations.manage_body"
MAX_ID = 2**31 - 1


class BodyOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    url: str

    @staticmethod
    def resolve_url(obj: bodies.AdvisoryBody) -> str:
        return obj.get_absolute_url()


class SeatOut(Schema):
    id: int
    name: str
    role: str
    organisation: int | None

    @staticmethod
    def resolve_name(obj: bodies.BodyMember) -> str:
        return obj.label

    @staticmethod
    def resolve_organisation(obj: bodies.BodyMember) -> int | None:
        return obj.organisation_id


class SeatIn(Schema):
    """One of ``email`` (a person's account) or ``organisation`` (a confirmed one's id)."""

    email: str = Field("", max_length=254, description="the e-mail of the person's account")
    organisation: int | None = Field(None, ge=1, le=MAX_ID, description="a confirmed organisation's id")
    role: str = Field(bodies.BodyRole.MEMBER.value, max_length=10, description=", ".join(bodies.BodyRole.values))


class MeetingSummaryOut(Schema):
    id: int
    starts_at: datetime
    place: str
    minutes_published_at: datetime | None


class CandidateOut(Schema):
    id: int
    name: str
    votes: int | None = Field(..., description="known once the election is counted")
    elected: bool

    @staticmethod
    def resolve_name(obj: bodies.Candidate) -> str:
        return str(obj.user.display_name)

    @staticmethod
    def resolve_votes(obj: bodies.Candidate) -> int | None:
        return obj.votes if obj.election.counted_at is not None else None


class ElectionOut(Schema):
    id: int
    body: int
    title: str
    seats: int
    closes_at: datetime
    counted_at: datetime | None
    candidates: list[CandidateOut]

    @staticmethod
    def resolve_body(obj: bodies.Election) -> int:
        return obj.body_id

    @staticmethod
    def resolve_candidates(obj: bodies.Election) -> list[Any]:
        return list(obj.candidates.select_related("user", "election"))


class BodyDetailOut(BodyOut):
    members: list[SeatOut]
    meetings: list[MeetingSummaryOut]
    elections: list[ElectionOut]

    @staticmethod
    def resolve_members(obj: bodies.AdvisoryBody) -> list[Any]:
        return list(obj.members.select_related("user", "organisation"))

    @staticmethod
    def resolve_meetings(obj: bodies.AdvisoryBody) -> list[Any]:
        return list(obj.meetings.all())

    @staticmethod
    def resolve_elections(obj: bodies.AdvisoryBody) -> list[Any]:
        return list(obj.elections.all())


class BodyDecisionOut(Schema):
    id: int
    meeting: int
    text: str
    sent_to_council_at: datetime | None

    @staticmethod
    def resolve_meeting(obj: bodies.Decision) -> int:
        return obj.meeting_id


class MeetingOut(Schema):
    id: int
    body: int
    starts_at: datetime
    place: str
    agenda: str
    minutes: str
    minutes_published_at: datetime | None
    decisions: list[BodyDecisionOut]

    @staticmethod
    def resolve_body(obj: bodies.Meeting) -> int:
        return obj.body_id

    @staticmethod
    def resolve_decisions(obj: bodies.Meeting) -> list[Any]:
        return list(obj.decisions.all())


class BodyIn(Schema):
    name: str = Field(..., max_length=300)
    kind: str = Field(..., max_length=20, description=", ".join(bodies.BodyKind.values))
    description: str = Field("", max_length=5000)


class MeetingIn(Schema):
    starts_at: Moment
    place: str = Field(..., max_length=300)
    agenda: str = Field(..., max_length=bodies.TEXT_MAX)


class MinutesIn(Schema):
    minutes: str = Field(..., max_length=bodies.TEXT_MAX)
    decisions: list[Annotated[str, Field(max_length=bodies.TEXT_MAX)]] = Field(
        default_factory=list, max_length=100, description="one text per decision taken"
    )


class ElectionIn(Schema):
    title: str = Field(..., max_length=300)
    seats: int = Field(..., ge=1, le=50)
    closes_at: Moment
    candidates: list[Annotated[str, Field(max_length=254)]] = Field(
        ..., max_length=100, description="e-mail addresses of existing accounts"
    )


class ElectionVoteIn(Schema):
    organisation: int = Field(..., ge=1, le=MAX_ID, description="the organisation whose vote its head casts")
    candidate: int = Field(..., ge=1, le=MAX_ID)


class ElectionVoteOut(Schema):
    election: int
    organisation: int
    candidate: int

    @staticmethod
    def resolve_election(obj: bodies.ElectionVote) -> int:
        return obj.election_id

    @staticmethod
    def resolve_organisation(obj: bodies.ElectionVote) -> int:
        return obj.organisation_id

    @staticmethod
    def resolve_candidate(obj: bodies.ElectionVote) -> int:
        return obj.candidate_id


def _body(request: UchastRequest, body_id: int) -> bodies.AdvisoryBody:
    found = bodies.bodies_of(request.community).filter(pk=body_id).first()
    if found is None:
        raise Http404
    return found


def _meeting(request: UchastRequest, meeting_id: int) -> bodies.Meeting:
    found = bodies.Meeting.objects.select_related("body").filter(body__community=request.community, pk=meeting_id)
    if not found:
        raise Http404
    return found[0]


def _election(request: UchastRequest, election_id: int) -> bodies.Election:
    found = bodies.Election.objects.select_related("body").filter(body__community=request.community, pk=election_id)
    if not found:
        raise Http404
    return found[0]


def _manage(request: UchastRequest) -> None:
    require_staff(request, MANAGE)


# ---- reads ---------------------------------------------------------------------------------------


@router.get(
    "/bodies",
    response={200: list[BodyOut], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Advisory bodies")),
)
def list_bodies(request: UchastRequest) -> list[Any]:
    require_permission(request, "core.view_public")
    return list(bodies.bodies_of(request.community))


@router.get(
    "/bodies/{body_id}",
    response={200: BodyDetailOut, **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("One advisory body: members, meetings, elections")),
)
def get_body(request: UchastRequest, body_id: int) -> bodies.AdvisoryBody:
    require_permission(request, "core.view_public")
    return _body(request, body_id)


@router.get(
    "/bodies/{body_id}/decisions",
    response={200: list[BodyDecisionOut], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Decisions of an advisory body")),
)
def list_decisions(request: UchastRequest, body_id: int) -> list[Any]:
    require_permission(request, "core.view_public")
    body = _body(request, body_id)
    return list(bodies.Decision.objects.filter(meeting__body=body).order_by("meeting__starts_at", "pk"))


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("One meeting: agenda, minutes, decisions")),
)
def get_meeting(request: UchastRequest, meeting_id: int) -> bodies.Meeting:
    require_permission(request, "core.view_public")
    return _meeting(request, meeting_id)


# ---- writes --------------------------------------------------------------------------------------


@router.post(
    "/bodies",
    response={201: BodyOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Create an advisory body (staff)")),
)
def create_body(request: UchastRequest, payload: BodyIn) -> Status[Any]:
    _manage(request)
    body = bodies.body_create(actor=request.user, community=request.community, **payload.dict())
    return Status(201, body)


def _seat_holder(request: UchastRequest, payload: SeatIn) -> tuple[Any, Organisation | None]:
    from uchast.accounts.models import User

    user = organisation = None
    if payload.email.strip():
        user = User.objects.filter(email__iexact=payload.email.strip(), is_active=True).first()
        if user is None:
            message = _("No account has the e-mail %(email)s.") % {"email": payload.email.strip()}
            raise ActionRefused("unknown_person", message)
    if payload.organisation is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation, community=request.community).first()
        if organisation is None:
            raise Http404
    return user, organisation


@router.post(
    "/bodies/{body_id}/members",
    response={201: SeatOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Add a seat to an advisory body: a person or a confirmed organisation (staff)")),
)
def add_seat(request: UchastRequest, body_id: int, payload: SeatIn) -> Status[Any]:
    """The page ``/organisations/bodies/{id}/members/``. Refusals: 409 ``already_member``, 422
    ``not_confirmed`` (the organisation is not confirmed), ``bad_member``, ``unknown_person``."""
    _manage(request)
    body = _body(request, body_id)
    user, organisation = _seat_holder(request, payload)
    seat = bodies.body_member_add(
        body=body, actor=request.user, user=user, organisation=organisation, role=payload.role
    )
    return Status(201, seat)


@router.delete(
    "/bodies/{body_id}/members/{seat_id}",
    response={200: BodyDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("End a seat in an advisory body (staff)")),
)
def end_seat(request: UchastRequest, body_id: int, seat_id: int) -> bodies.AdvisoryBody:
    _manage(request)
    body = _body(request, body_id)
    seat = body.members.filter(pk=seat_id).first()
    if seat is None:
        raise Http404
    return bodies.body_member_end(member=seat, actor=request.user)


@router.post(
    "/bodies/{body_id}/meetings",
    response={201: MeetingOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Schedule a meeting with its agenda (staff)")),
)
def schedule_meeting(request: UchastRequest, body_id: int, payload: MeetingIn) -> Status[Any]:
    _manage(request)
    meeting = bodies.meeting_schedule(body=_body(request, body_id), actor=request.user, **payload.dict())
    return Status(201, meeting)


@router.post(
    "/meetings/{meeting_id}/minutes",
    response={200: MeetingOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Publish the minutes and decisions of a meeting (staff)")),
)
def publish_minutes(request: UchastRequest, meeting_id: int, payload: MinutesIn) -> bodies.Meeting:
    _manage(request)
    meeting = _meeting(request, meeting_id)
    return bodies.minutes_publish(
        meeting=meeting, actor=request.user, minutes=payload.minutes, decisions=payload.decisions
    )


@router.post(
    "/decisions/{decision_id}/send",
    response={200: BodyDecisionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Send a decision to the council as a proposal (staff)")),
)
def send_decision(request: UchastRequest, decision_id: int) -> bodies.Decision:
    _manage(request)
    decision = bodies.Decision.objects.filter(meeting__body__community=request.community, pk=decision_id).first()
    if decision is None:
        raise Http404
    return bodies.decision_send(decision=decision, actor=request.user)


def _candidates(emails: list[str]) -> list[Any]:
    from uchast.accounts.models import User

    found = []
    for email in emails:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise ActionRefused("bad_election", _("No account has the e-mail %(email)s.") % {"email": email})
        found.append(user)
    return found


@router.post(
    "/bodies/{body_id}/elections",
    response={201: ElectionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Open an election of members by organisations (staff)")),
)
def open_election(request: UchastRequest, body_id: int, payload: ElectionIn) -> Status[Any]:
    _manage(request)
    election = bodies.election_open(
        body=_body(request, body_id),
        actor=request.user,
        title=payload.title,
        seats=payload.seats,
        closes_at=payload.closes_at,
        candidates=_candidates(payload.candidates),
    )
    return Status(201, election)


@router.post(
    "/elections/{election_id}/votes",
    response={201: ElectionVoteOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Cast my organisation's vote in an election (its head)")),
)
def vote_in_election(request: UchastRequest, election_id: int, payload: ElectionVoteIn) -> Status[Any]:
    require_permission(request, "organisations.take_part")
    election = _election(request, election_id)
    try:
        candidate = election.candidates.get(pk=payload.candidate)
        organisation = Organisation.objects.get(pk=payload.organisation, community=request.community)
    except ObjectDoesNotExist as error:
        raise ActionRefused("bad_candidate", _("Choose a candidate of this election.")) from error
    vote = bodies.election_vote(
        election=election, delegate=request.user, organisation=organisation, candidate=candidate
    )
    return Status(201, vote)


@router.post(
    "/elections/{election_id}/count",
    response={200: ElectionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Count an election after voting closes (staff)")),
)
def count_election(request: UchastRequest, election_id: int) -> bodies.Election:
    _manage(request)
    election = _election(request, election_id)
    bodies.election_count(election=election, actor=request.user)
    return bodies.Election.objects.get(pk=election.pk)
