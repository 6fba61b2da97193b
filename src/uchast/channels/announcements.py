"""Staff announcements to everyone who opted in, optionally only a district or a basis of residence
(e.g. displaced residents), throttled per community and on the audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.channels.models import Announcement
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.models import Community
from uchast.core.notifications import notify
from uchast.core.registry import registry


def _audience(community: Community, district_code: str, basis: str) -> Any:
    people = get_user_model().objects.filter(
        is_active=True, anonymised_at__isnull=True, notification_preferences__announcements=True
    )
    if district_code or basis:
        if registry.audience is None:
            raise ActionRefused("no_audience", _("Residents' districts and bases are not known here."))
        people = people.filter(pk__in=registry.audience.resolve(community, district_code, basis))
    return people.order_by("pk")


def _check(community: Community, subject: str, body: str, district_code: str, basis: str) -> None:
    if not 3 <= len(subject) <= 200:
        raise ActionRefused("bad_subject", _("Give a subject of 3 to 200 characters."))
    if not 10 <= len(body) <= 5000:
        raise ActionRefused("bad_text", _("Write a text of 10 to 5000 characters."))
    if district_code and not community.districts.filter(code=district_code).exists():
        raise ActionRefused("bad_district", _("The district is not in this community."))
    bases = [value for value, _label in registry.audience.bases] if registry.audience else []
    if basis and basis not in bases:
        raise ActionRefused("bad_basis", _("Choose a basis from the list."))


def announcement_send(
    *, actor: Any, community: Community, subject: str, body: str, district_code: str = "", basis: str = ""
) -> Announcement:
    """Tell everyone who opted in to announcements (narrowed by district and basis if given). At
    most ``UCHAST_ANNOUNCEMENTS_PER_DAY`` per community in 24 hours: the community's row is locked,
    so two officials pressing at once cannot both pass the limit."""
    subject, body = " ".join(subject.split()), body.strip()
    _check(community, subject, body, district_code, basis)
    with transaction.atomic():
        Community.objects.select_for_update().get(pk=community.pk)
        since = timezone.now() - timedelta(days=1)
        if Announcement.objects.filter(community=community, created_at__gte=since).count() >= (
            settings.UCHAST_ANNOUNCEMENTS_PER_DAY
        ):
            raise ActionRefused(
                "too_many",
                _("At most %(limit)d announcements a day: try again tomorrow.")
                % {"limit": settings.UCHAST_ANNOUNCEMENTS_PER_DAY},
                status=429,
            )
        told = notify(
            recipients=_audience(community, district_code, basis).iterator(chunk_size=1000),
            topic="announcements",
            subject=subject,
            template="channels/email/announcement.txt",
            context={"text": body},
            url="/inbox/",
        )
        announcement = Announcement.objects.create(
            community=community, author=actor, subject=subject, body=body, district_code=district_code,
            basis=basis, recipients=len(told),
        )  # fmt: skip
        audit.record(
            action="channels.announcement_sent",
            actor=actor,
            obj=announcement,
            community=community,
            summary={"subject": subject, "district": district_code, "basis": basis, "recipients": len(told)},
        )
    return announcement
