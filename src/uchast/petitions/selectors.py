"""Reads of petitions. List selectors return only what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import DateField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from uchast.core import pagination
from uchast.core.models import Community
from uchast.core.pagination import Page, keyset_page
from uchast.core.registry import ProcessCard, day_words
from uchast.organisations.activity import ActivityItem
from uchast.petitions.models import PUBLIC_STATUSES, Petition, PetitionStatus, Signature
from uchast.petitions.similarity import SIMILAR_THRESHOLD, title_similarity

SIMILAR_SCAN_LIMIT = 500


def public_petitions(community: Community, *, status: str = "", query: str = "") -> QuerySet[Petition]:
    qs = Petition.objects.filter(community=community, status__in=PUBLIC_STATUSES).select_related("author")
    if status and status in PUBLIC_STATUSES:
        qs = qs.filter(status=status)
    query = " ".join(query.split())[:100]
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(text__icontains=query))
    return qs.order_by("-published_at", "-pk")


def petitions_of_author(user: Any, community: Community) -> QuerySet[Petition]:
    if not getattr(user, "is_authenticated", False):
        return Petition.objects.none()
    return Petition.objects.filter(community=community, author=user).order_by("-created_at", "-pk")


#: The staff queue's two lists, each by its deadline (``due``: a petition without one, which the
#: services never leave, comes last), as keyset pages with their own cursor each.
QUEUE_ORDER = ("due", "pk")
_NO_DEADLINE = date.max


def staff_queue(community: Community) -> dict[str, QuerySet[Petition]]:
    base = Petition.objects.filter(community=community).select_related("author", "assigned_to")
    return {
        "moderation": base.filter(status=PetitionStatus.MODERATION)
        .annotate(due=Coalesce("moderation_due", Value(_NO_DEADLINE, output_field=DateField())))
        .order_by(*QUEUE_ORDER),
        "consideration": base.filter(status=PetitionStatus.CONSIDERATION)
        .annotate(due=Coalesce("answer_due", Value(_NO_DEADLINE, output_field=DateField())))
        .order_by(*QUEUE_ORDER),
    }


def access_petition(user: Any, community: Community, pk: int) -> Petition:
    """The petition if ``user`` may see it; 404 otherwise (drafts of others do not "exist")."""
    petition = (
        Petition.objects.select_related("author", "community", "assigned_to").filter(community=community, pk=pk).first()
    )
    if petition is None or not user.has_perm("petitions.view_petition", petition):
        raise Http404
    return petition


def signature_of(user: Any, petition: Petition) -> Signature | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Signature.objects.filter(petition=petition, signer=user).first()


def public_signatures(petition: Petition, request: HttpRequest) -> Page[Signature]:
    """Signatories by name (or initials where the statute allows), as the law requires: one page in
    signing order, the next pages by keyset (a petition of Kyiv's size has tens of thousands)."""
    signatures = Signature.objects.filter(petition=petition).select_related("signer")
    size = pagination.PAGE_SIZE * 5  # names are short: five pages' worth on one
    return keyset_page(signatures, request, order=("created_at", "pk"), param="signatures_after", size=size)


@dataclass(frozen=True)
class SimilarPetition:
    petition: Petition
    score: float


def similar_petitions(community: Community, title: str, *, exclude_pk: int | None = None) -> list[SimilarPetition]:
    """Possible duplicates among petitions in moderation, collecting, under consideration or answered."""
    candidates = (
        Petition.objects.filter(
            community=community,
            status__in=[
                PetitionStatus.MODERATION,
                PetitionStatus.COLLECTING,
                PetitionStatus.CONSIDERATION,
                PetitionStatus.ANSWERED,
            ],
        )
        .exclude(pk=exclude_pk or 0)
        .only("pk", "title", "status")
        .order_by("-pk")[:SIMILAR_SCAN_LIMIT]
    )
    found = [SimilarPetition(p, title_similarity(title, p.title)) for p in candidates]
    return sorted((s for s in found if s.score >= SIMILAR_THRESHOLD), key=lambda s: -s.score)[:5]


@dataclass(frozen=True)
class Deadline:
    label: str
    day: date
    remaining: str
    overdue: bool


def _remaining(day: date, today: date) -> tuple[str, bool]:
    days = (day - today).days
    if days < 0:
        return _("passed"), True
    if days == 0:
        return _("today"), False
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}, False


def deadlines(petition: Petition, today: date | None = None) -> list[Deadline]:
    """The deadlines that matter in the petition's current state, with a countdown."""
    today = today or timezone.localdate()
    items: list[tuple[str, date | None]] = []
    if petition.status == PetitionStatus.MODERATION:
        items.append((_("Moderation decision by"), petition.moderation_due))
    elif petition.status == PetitionStatus.COLLECTING:
        items.append((_("Signature collection ends"), petition.collection_deadline))
    elif petition.status == PetitionStatus.CONSIDERATION:
        items.append((_("Answer due by"), petition.answer_due))
    result = []
    for label, day in items:
        if day is not None:
            text, overdue = _remaining(day, today)
            result.append(Deadline(label, day, text, overdue))
    return result


def open_process_cards(community: Community, user: Any) -> list[ProcessCard]:
    """Petitions collecting signatures now (not past their deadline), soonest deadline first."""
    today = timezone.localdate()
    cards = []
    for petition in (
        Petition.objects.filter(community=community, status=PetitionStatus.COLLECTING)
        .exclude(collection_deadline__lt=today)
        .order_by("collection_deadline", "pk")[:3]
    ):
        progress = ngettext(
            "%(count)d of %(threshold)d signature", "%(count)d of %(threshold)d signatures", petition.threshold
        ) % {"count": petition.signature_count, "threshold": petition.threshold}
        action = _("Sign: %(progress)s") % {"progress": progress}
        if petition.collection_deadline:
            action = _("%(action)s, until %(day)s") % {
                "action": action,
                "day": day_words(petition.collection_deadline),
            }
        url = reverse("petitions:detail", args=[petition.pk])
        cards.append(
            ProcessCard(
                title=petition.title,
                url=url,
                target=petition,
                kind=_("Petition"),
                status=progress,
                action=action,
                action_url=url,
            )
        )
    return cards


def personal_data(user: Any) -> dict[str, Any]:
    return {
        "petitions": [
            {"id": p.pk, "title": p.title, "status": p.status, "created_at": p.created_at.isoformat()}
            for p in Petition.objects.filter(author=user).order_by("pk")
        ],
        "signatures": [
            {"petition": s.petition_id, "signed_at": s.created_at.isoformat(), "display": s.display}
            for s in Signature.objects.filter(signer=user).order_by("pk")
        ],
    }


def organisation_activity(organisation: Any) -> list[ActivityItem]:
    """The public petitions started on behalf of ``organisation`` (its profile lists them)."""
    found = Petition.objects.filter(on_behalf_of=organisation, status__in=PUBLIC_STATUSES).order_by("-published_at")
    return [ActivityItem(_("Petition"), p.title, p.get_absolute_url(), p.published_at) for p in found[:50]]
