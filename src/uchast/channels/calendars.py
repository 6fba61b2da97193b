"""iCalendar feeds: the community's (public) and each person's (a secret URL that can be reset).

The personal URL carries ``<user id>-<token>`` where the token is an HMAC of the id and the
person's ``calendar_generation`` under ``SECRET_KEY``: nothing secret is stored, and resetting
(generation + 1) makes every earlier URL stop working at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from uchast.channels.models import ChannelSettings
from uchast.core.models import Community
from uchast.core.registry import CalendarEvent, registry


def token_for(user_id: int, generation: int) -> str:
    digest = hmac.new(
        f"{settings.SECRET_KEY}:calendar".encode(), f"{user_id}:{generation}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def personal_url(user: Any) -> str:
    row = ChannelSettings.objects.filter(user=user).first()
    generation = row.calendar_generation if row else 0
    path = reverse("channels:calendar_personal", args=[f"{user.pk}-{token_for(user.pk, generation)}"])
    return settings.UCHAST_BASE_URL.rstrip("/") + path


def user_for_token(key: str) -> Any | None:
    """The active person whose current feed URL ends in ``key``, else None (no hint which part failed)."""
    from django.contrib.auth import get_user_model

    user_id, _, token = key.partition("-")
    if not user_id.isdigit() or len(user_id) > 12:
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None:
        return None
    row = ChannelSettings.objects.filter(user=user).first()
    expected = token_for(user.pk, row.calendar_generation if row else 0)
    return user if hmac.compare_digest(expected.encode(), token.encode()) else None


def calendar_reset(*, user: Any) -> None:
    """A new personal URL; the old one answers 404 from now on."""
    with transaction.atomic():
        ChannelSettings.objects.get_or_create(user=user)
        ChannelSettings.objects.filter(user=user).update(calendar_generation=F("calendar_generation") + 1)


def events(community: Community | None, user: Any | None) -> list[CalendarEvent]:
    if community is None:
        return []
    found: list[CalendarEvent] = []
    for provider in registry.calendar_providers:
        found.extend(provider(community, user))
    return found


def _value(moment: Any) -> date | datetime:
    return moment if not isinstance(moment, datetime) else moment.astimezone(UTC)


def render(name: str, found: list[CalendarEvent]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Uchast//uchast//UK")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    host = settings.UCHAST_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "uchast"
    stamp = timezone.now().astimezone(UTC)
    for item in found:
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        event.add("dtstart", _value(item.start))
        if item.end is not None and item.end > item.start:
            event.add("dtend", _value(item.end))
        if item.url:
            event.add("url", settings.UCHAST_BASE_URL.rstrip("/") + item.url if item.url.startswith("/") else item.url)
        if item.location:
            event.add("location", item.location)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
