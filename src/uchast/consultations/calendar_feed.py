"""Consultations' dated events for the iCalendar feeds (``core.registry.add_calendar``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from uchast.consultations.models import Consultation, Meeting, MeetingRegistration, Phase
from uchast.core.models import Community
from uchast.core.notifications import followed_ids
from uchast.core.registry import CalendarEvent


def events(community: Community, user: Any | None) -> list[CalendarEvent]:
    """The community: every announced or open consultation (opens → closes) and its meetings. A
    person: the consultations they follow and the meetings they registered for."""
    consultations = Consultation.objects.filter(community=community, phase__in=[Phase.ANNOUNCED, Phase.OPEN])
    meetings = Meeting.objects.filter(
        consultation__community=community, consultation__phase__in=[Phase.ANNOUNCED, Phase.OPEN]
    )
    if user is not None:
        consultations = consultations.filter(pk__in=followed_ids(user, Consultation))
        meetings = Meeting.objects.filter(
            consultation__community=community,
            pk__in=MeetingRegistration.objects.filter(user=user).values("meeting_id"),
        )
    result = [
        CalendarEvent(
            uid=f"consultation-{c.pk}",
            title=_("Consultation: %(title)s") % {"title": c.title},
            start=c.starts_at,
            end=c.ends_at,
            url=c.get_absolute_url(),
            deadline=c.ends_at if c.phase == Phase.OPEN else None,
            target=c,
        )
        for c in consultations.order_by("pk")[:500]
    ]
    for meeting in meetings.select_related("consultation").order_by("starts_at")[:500]:
        result.append(
            CalendarEvent(
                uid=f"meeting-{meeting.pk}",
                title=_("Meeting: %(title)s") % {"title": meeting.title},
                start=meeting.starts_at,
                url=meeting.consultation.get_absolute_url(),
                location=meeting.place or meeting.link,
            )
        )
    return result
