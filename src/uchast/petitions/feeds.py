"""RSS and Atom feeds of new petitions and of answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uchast.core.web import UchastRequest
from uchast.petitions.models import Petition, PetitionStatus
from uchast.petitions.selectors import public_petitions


class PetitionFeed(Feed):  # type: ignore[type-arg]
    title = gettext_lazy("New petitions and answers")
    description = gettext_lazy("Petitions published for signatures and the council's answers.")
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.has_perm("core.view_public"):
            raise PermissionDenied
        # Feed's signature says HttpRequest; every request here went through our middleware.
        return cast(UchastRequest, request).community

    def link(self, obj: Any) -> str:
        return reverse("petitions:index")

    def items(self, obj: Any) -> list[Petition]:
        if obj is None:
            return []
        qs = public_petitions(obj).filter(Q(published_at__isnull=False))
        return sorted(qs[:50], key=lambda p: p.answered_at or p.published_at or p.created_at, reverse=True)

    def item_title(self, item: Petition) -> str:
        if item.answered_at and item.status in (PetitionStatus.ANSWERED, PetitionStatus.ARCHIVED):
            return _("Answer: %(title)s") % {"title": item.title}
        return item.title

    def item_description(self, item: Petition) -> str:
        if item.answered_at:
            return item.answer_text[:1000]
        return item.text[:1000]

    def item_pubdate(self, item: Petition) -> datetime | None:
        return item.answered_at or item.published_at

    def item_guid(self, item: Petition) -> str:
        suffix = "#answer" if item.answered_at else ""
        return item.get_absolute_url() + suffix


class PetitionAtomFeed(PetitionFeed):
    feed_type = Atom1Feed
    subtitle = PetitionFeed.description
