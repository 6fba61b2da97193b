"""Petitions' dated events for the iCalendar feeds (``core.registry.add_calendar``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from uchast.core.models import Community
from uchast.core.notifications import followed_ids
from uchast.core.registry import CalendarEvent
from uchast.petitions.models import Petition, PetitionStatus, Signature


def events(community: Community, user: Any | None) -> list[CalendarEvent]:
    """Collection ends (petitions collecting) and answer deadlines (under consideration); for a
    person, only the petitions they wrote, signed or follow."""
    petitions = Petition.objects.filter(
        community=community, status__in=[PetitionStatus.COLLECTING, PetitionStatus.CONSIDERATION]
    )
    if user is not None:
        signed = Signature.objects.filter(signer=user).values("petition_id")
        petitions = petitions.filter(Q(author=user) | Q(pk__in=signed) | Q(pk__in=followed_ids(user, Petition)))
    result = []
    for petition in petitions.order_by("pk")[:500]:
        url = petition.get_absolute_url()
        if petition.status == PetitionStatus.COLLECTING and petition.collection_deadline:
            result.append(
                CalendarEvent(
                    uid=f"petition-{petition.pk}-collection",
                    title=_("Signature collection ends: %(title)s") % {"title": petition.title},
                    start=petition.collection_deadline,
                    url=url,
                    deadline=petition.collection_deadline,
                    target=petition,
                )
            )
        if petition.status == PetitionStatus.CONSIDERATION and petition.answer_due:
            result.append(
                CalendarEvent(
                    uid=f"petition-{petition.pk}-answer",
                    title=_("Answer due: %(title)s") % {"title": petition.title},
                    start=petition.answer_due,
                    url=url,
                )
            )
    return result
