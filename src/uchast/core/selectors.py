from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from uchast.core import memo
from uchast.core.models import AuditEntry, Community, District

#: Seconds a worker keeps the served community (every request asks; saving one forgets at once).
COMMUNITY_MEMO_SECONDS = 10.0


def current_community() -> Community | None:
    """The community this installation serves (memoised per worker; do not mutate it).

    One per installation for now: the one named by ``UCHAST_COMMUNITY`` or the first active one.
    Per-host selection can replace this function without touching callers.
    """
    slug = settings.UCHAST_DEFAULT_COMMUNITY_SLUG
    return memo.remember(("community", slug), COMMUNITY_MEMO_SECONDS, _load_current_community)


def _load_current_community() -> Community | None:
    communities = Community.objects.filter(is_active=True)
    slug = settings.UCHAST_DEFAULT_COMMUNITY_SLUG
    if slug:
        communities = communities.filter(slug=slug)
    return communities.order_by("pk").first()


def districts_of(community: Community) -> QuerySet[District]:
    return community.districts.order_by("name_uk")


def public_audit_entries(community: Community | None) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor")
    if community is not None:
        entries = entries.filter(community=community)
    return entries.order_by("-sequence")
