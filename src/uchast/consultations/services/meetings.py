"""Meetings (online or in person): planning, registration within capacity, minutes whose proposals
join the consultation's; meetings an organisation's member proposes, accepted or declined by staff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.consultations.actions import ConsultationAction
from uchast.consultations.models import (
    Consultation,
    Meeting,
    MeetingKind,
    MeetingProposal,
    MeetingProposalStatus,
    MeetingRegistration,
    Phase,
    Proposal,
    ProposalKind,
)
from uchast.consultations.services.common import MAX_PROPOSAL_LENGTH, clean_text, require_participant
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.moderation import require_not_blocked
from uchast.core.notifications import notify
from uchast.organisations.selectors import acting_allowed, organisations_of, public_organisations, require_acting_as


def meeting_plan_clean(
    *,
    consultation: Consultation,
    title: str,
    kind: str,
    starts_at: datetime,
    capacity: int,
    place: str = "",
    link: str = "",
    agenda: str = "",
) -> dict[str, Any]:
    """The one validation of a meeting, whoever plans it (staff) or proposes it (an organisation's
    member): a title, a known format with its address (in person, ``place``) or link (online,
    ``link``: http or https), at least one place (``capacity``), a start in the future (``past``)
    and within the consultation's dates (``dates``). Returns the cleaned fields."""
    title = clean_text(title, limit=200, empty_message=_("Give the meeting a title."))
    if kind not in MeetingKind.values:
        raise ActionRefused("kind", _("Choose the format of the meeting."))
    place, link = (place or "").strip(), (link or "").strip()
    if kind == MeetingKind.IN_PERSON and not place:
        raise ActionRefused("place", _("Give the address of the meeting."))
    if kind == MeetingKind.ONLINE and not link:
        raise ActionRefused("link", _("Give the link to the online meeting."))
    if link and not link.lower().startswith(("https://", "http://")):
        raise ActionRefused("link", _("Give the link to the online meeting."))
    if capacity < 1:
        raise ActionRefused("capacity", _("A meeting needs at least one place."))
    if starts_at <= timezone.now():
        raise ActionRefused("past", _("A meeting must start in the future."))
    if not consultation.starts_at <= starts_at <= consultation.ends_at:
        raise ActionRefused(
            "dates",
            _("A meeting must take place while the consultation runs: from %(opens)s to %(closes)s.")
            % {"opens": _moment(consultation.starts_at), "closes": _moment(consultation.ends_at)},
        )
    return {
        "title": title,
        "kind": kind,
        "starts_at": starts_at,
        "capacity": capacity,
        "place": place,
        "link": link,
        "agenda": (agenda or "").strip(),
    }


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def _co_organiser(consultation: Consultation, organisation_id: int | None) -> Any:
    """The confirmed organisation of the consultation's community that co-organises a meeting
    (``co_organiser``: 422 otherwise, e.g. one refused since its member proposed the meeting)."""
    if organisation_id is None:
        return None
    organisation = public_organisations(consultation.community).filter(pk=organisation_id).first()
    if organisation is None:
        raise ActionRefused(
            "co_organiser", _("Only a confirmed organisation of the community can co-organise a meeting.")
        )
    return organisation


def meeting_create(
    *,
    actor: Any,
    consultation: Consultation,
    title: str,
    kind: str,
    starts_at: datetime,
    capacity: int,
    place: str = "",
    link: str = "",
    agenda: str = "",
    co_organiser: int | None = None,
) -> Meeting:
    """Staff plan a public meeting, perhaps with a co-organising confirmed organisation (its id)."""
    plan = meeting_plan_clean(
        consultation=consultation,
        title=title,
        kind=kind,
        starts_at=starts_at,
        capacity=capacity,
        place=place,
        link=link,
        agenda=agenda,
    )
    organisation = _co_organiser(consultation, co_organiser)
    with transaction.atomic():
        meeting = Meeting.objects.create(consultation=consultation, co_organiser=organisation, **plan)
        audit.record(
            action="consultations.meeting_planned",
            actor=actor,
            obj=meeting,
            community=consultation.community,
            summary={"kind": kind, "capacity": capacity, "co_organiser": co_organiser},
        )
    return meeting


def require_registration_open(meeting: Meeting) -> None:
    """Registration is open while the consultation is announced or open (``closed``) and the
    meeting is still ahead (``past``): a conflict with their state, 409 in the API."""
    if meeting.consultation.phase not in (Phase.ANNOUNCED, Phase.OPEN):
        raise ActionRefused("closed", _("Registration is closed."), status=409)
    if meeting.starts_at <= timezone.now():
        raise ActionRefused("past", _("This meeting has already taken place."), status=409)


def meeting_register(*, user: Any, meeting: Meeting) -> MeetingRegistration:
    """Take a place. The capacity holds under concurrency: the counter only rises while below
    capacity (conditional UPDATE) and a check constraint backs it. Registration is open while the
    consultation is announced or open, to anyone signed in whom a moderator has not blocked."""
    require_registration_open(meeting)
    require_not_blocked(user, meeting.consultation.community)
    try:
        with transaction.atomic():
            registration = MeetingRegistration.objects.create(meeting=meeting, user=user)
            taken = Meeting.objects.filter(pk=meeting.pk, registered_count__lt=F("capacity")).update(
                registered_count=F("registered_count") + 1
            )
            if not taken:
                raise ActionRefused("full", _("No places are left at this meeting."), status=409)
    except IntegrityError:
        raise ActionRefused("already", _("You are already registered for this meeting.")) from None
    return registration


def meeting_minutes_record(
    *, actor: Any, meeting: Meeting, minutes: str, attended: int, proposals: list[tuple[str, str]]
) -> list[Proposal]:
    """Minutes, attendance, and each proposal raised there (``(raised_by, text)``) recorded as a
    proposal of the consultation, so the report answers it like any other."""
    text = clean_text(minutes, limit=20000, empty_message=_("Write the minutes."))
    if attended < 0:
        raise ActionRefused("attended", _("Attendance cannot be negative."))
    consultation = meeting.consultation
    created: list[Proposal] = []
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(minutes=text, attended_count=attended)
        for raised_by, body in proposals:
            if not body.strip():
                continue
            created.append(
                Proposal.objects.create(
                    consultation=consultation,
                    meeting=meeting,
                    kind=ProposalKind.MEETING,
                    author_label=raised_by.strip()[:200],
                    body=body.strip()[:MAX_PROPOSAL_LENGTH],
                )
            )
        audit.record(
            action="consultations.minutes_recorded",
            actor=actor,
            obj=meeting,
            community=consultation.community,
            summary={"attended": attended, "proposals": len(created)},
        )
    meeting.refresh_from_db()
    return created


# --- Meetings proposed on behalf of an organisation ------------------------------------------------


def _require_acting_for(user: Any, consultation: Consultation, organisation_id: int) -> Any:
    """The organisation ``user`` proposes for, refused with what exactly is wrong: the community's
    statute does not let members act for organisations (``not_allowed_by_statute``), ``user`` is not
    its member (``not_member``), or it is not confirmed (``not_confirmed``). The last word is
    ``require_acting_as``'s, the one check every module makes (inside the caller's transaction)."""
    community = consultation.community
    if not acting_allowed(community):
        raise ActionRefused(
            "not_allowed_by_statute",
            _("In this community members do not act on behalf of organisations."),
            status=403,
        )
    organisation = organisations_of(user, community).filter(pk=organisation_id).first()
    if organisation is None:
        raise ActionRefused(
            "not_member", _("You can propose a meeting only for an organisation you belong to."), status=403
        )
    if not organisation.is_confirmed:
        raise ActionRefused(
            "not_confirmed", _("The organisation is not confirmed yet: it cannot co-organise meetings."), status=403
        )
    return organisation


def require_meeting_proposals_open(consultation: Consultation) -> None:
    """Meetings are proposed while the consultation is open (``consultation_closed``: 409)."""
    if consultation.phase != Phase.OPEN:
        raise ActionRefused(
            "consultation_closed", _("Meetings can be proposed only while the consultation is open."), status=409
        )


def meeting_propose(
    *,
    proposer: Any,
    consultation: Consultation,
    organisation: int,
    title: str,
    kind: str,
    starts_at: datetime,
    capacity: int,
    place: str = "",
    link: str = "",
    agenda: str = "",
) -> MeetingProposal:
    """A member proposes a meeting of an open consultation (``consultation_closed`` otherwise) on
    behalf of a confirmed organisation (``organisation``: its id). Not public until staff accept it.
    The proposer takes part in the consultation like a proposal's author (blocked, eligibility) and
    the meeting is validated as a staff-planned one (``meeting_plan_clean``)."""
    require_meeting_proposals_open(consultation)
    acting_for = _require_acting_for(proposer, consultation, organisation)
    require_participant(proposer, consultation, ConsultationAction.PROPOSE)
    plan = meeting_plan_clean(
        consultation=consultation,
        title=title,
        kind=kind,
        starts_at=starts_at,
        capacity=capacity,
        place=place,
        link=link,
        agenda=agenda,
    )
    with transaction.atomic():
        require_acting_as(proposer, consultation.community, organisation)  # the one check, in the transaction
        proposal = MeetingProposal.objects.create(
            consultation=consultation, organisation=acting_for, proposed_by=proposer, **plan
        )
        audit.record(
            action="consultations.meeting_proposed",
            actor=proposer,
            obj=proposal,
            community=consultation.community,
            summary={"consultation": consultation.pk, "organisation": organisation, "kind": kind},
        )
    return proposal


def _lock_pending(proposal: MeetingProposal) -> MeetingProposal:
    """The proposal's row, locked, still undecided (``already_decided``: 409): two officials
    deciding at once, the second is told."""
    locked = MeetingProposal.objects.select_for_update().select_related("consultation__community").get(pk=proposal.pk)
    if locked.status != MeetingProposalStatus.PENDING:
        raise ActionRefused("already_decided", _("This meeting proposal has already been decided."), status=409)
    return locked


def meeting_proposal_accept(*, actor: Any, proposal: MeetingProposal) -> Meeting:
    """Staff accept a proposed meeting: it becomes a public Meeting co-organised by the
    organisation, open for registration like any other. Checked again at this moment: the
    consultation is still open (``consultation_closed``), the organisation still confirmed
    (``co_organiser``) and the meeting still valid (``meeting_plan_clean``: e.g. not ``past``).
    The proposer is told (topic "answers")."""
    with transaction.atomic():
        locked = _lock_pending(proposal)
        consultation = locked.consultation
        if consultation.phase != Phase.OPEN:
            raise ActionRefused(
                "consultation_closed", _("The consultation is closed: its meetings cannot be added."), status=409
            )
        organisation = _co_organiser(consultation, locked.organisation_id)
        plan = meeting_plan_clean(
            consultation=consultation,
            title=locked.title,
            kind=locked.kind,
            starts_at=locked.starts_at,
            capacity=locked.capacity,
            place=locked.place,
            link=locked.link,
            agenda=locked.agenda,
        )
        meeting = Meeting.objects.create(
            consultation=consultation, co_organiser=organisation, proposed_by_id=locked.proposed_by_id, **plan
        )
        MeetingProposal.objects.filter(pk=locked.pk).update(
            status=MeetingProposalStatus.ACCEPTED, meeting=meeting, decided_by=actor, decided_at=timezone.now()
        )
        audit.record(
            action="consultations.meeting_proposal_accepted",
            actor=actor,
            obj=meeting,
            community=consultation.community,
            summary={"proposal": locked.pk, "co_organiser": organisation.pk},
        )
        _tell_proposer(locked, accepted=True, url=meeting.get_absolute_url())
    proposal.refresh_from_db()
    return meeting


def meeting_proposal_decline(*, actor: Any, proposal: MeetingProposal, reason: str) -> MeetingProposal:
    """Staff decline a proposed meeting with a reason (``empty`` without one); the proposer is told
    the reason (topic "answers"). Nothing becomes public."""
    text = clean_text(reason, limit=2000, empty_message=_("Give the reason for declining."))
    with transaction.atomic():
        locked = _lock_pending(proposal)
        MeetingProposal.objects.filter(pk=locked.pk).update(
            status=MeetingProposalStatus.DECLINED, decline_reason=text, decided_by=actor, decided_at=timezone.now()
        )
        locked.decline_reason = text
        audit.record(
            action="consultations.meeting_proposal_declined",
            actor=actor,
            obj=locked,
            community=locked.consultation.community,
            summary={"consultation": locked.consultation_id, "organisation": locked.organisation_id},
        )
        _tell_proposer(locked, accepted=False, url=locked.consultation.get_absolute_url() + "#meetings")
    proposal.refresh_from_db()
    return proposal


def _tell_proposer(proposal: MeetingProposal, *, accepted: bool, url: str) -> None:
    notify(
        recipients=[proposal.proposed_by],
        topic="answers",
        subject=gettext_noop("Your meeting «%(title)s» was accepted")
        if accepted
        else gettext_noop("Your meeting «%(title)s» was declined"),
        template="consultations/email/meeting_proposal_decided.txt",
        context={
            "title": proposal.title,
            "consultation": proposal.consultation.title,
            "accepted": accepted,
            "reason": proposal.decline_reason,
        },
        url=url,
    )
