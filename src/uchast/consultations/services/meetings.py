"""Meetings (online or in person): planning, registration within capacity, minutes whose proposals
join the consultation's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.consultations.models import (
    Consultation,
    Meeting,
    MeetingKind,
    MeetingRegistration,
    Phase,
    Proposal,
    ProposalKind,
)
from uchast.consultations.services.common import MAX_PROPOSAL_LENGTH, clean_text
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.moderation import require_not_blocked


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
) -> Meeting:
    if kind == MeetingKind.IN_PERSON and not place.strip():
        raise ActionRefused("place", _("Give the address of the meeting."))
    if kind == MeetingKind.ONLINE and not link.strip():
        raise ActionRefused("link", _("Give the link to the online meeting."))
    if capacity < 1:
        raise ActionRefused("capacity", _("A meeting needs at least one place."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            consultation=consultation,
            title=title.strip(),
            kind=kind,
            starts_at=starts_at,
            capacity=capacity,
            place=place.strip(),
            link=link.strip(),
            agenda=agenda.strip(),
        )
        audit.record(
            action="consultations.meeting_planned",
            actor=actor,
            obj=meeting,
            community=consultation.community,
            summary={"kind": kind, "capacity": capacity},
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
