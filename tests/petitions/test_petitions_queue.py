"""The petitions awaiting staff (``views.queue``): two keyset pages, moderation and consideration, by
deadline, each with its own cursor, that run the same queries at any size."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from uchast.core import pagination
from uchast.petitions.models import Petition, PetitionStatus
from uchast.testing.factories import make_user, sign_in_reauthenticated
from uchast.testing.pages import read

pytestmark = pytest.mark.django_db
URL = "/petitions/staff/"


def _grow(community: Any, start: int, count: int) -> None:
    author, today = make_user(email=f"author{start}@example.org"), timezone.localdate()
    Petition.objects.bulk_create(
        Petition(community=community, author=author, title=f"{status} {n:02d}", text="Текст.", status=status,
                 moderation_due=today + timedelta(days=n), answer_due=today + timedelta(days=n))
        for n in range(start, start + count)
        for status in (PetitionStatus.MODERATION, PetitionStatus.CONSIDERATION)
    )  # fmt: skip


def test_both_lists_are_keyset_pages_with_constant_queries(
    client: Client, community: Any, moderator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    _grow(community, 0, 4)
    sign_in_reauthenticated(client, moderator)
    client.get(URL)  # the first request of a session fills memos
    small, response = read(client, URL)
    assert len(response.context["moderation"].items) == 3
    _grow(community, 4, 12)
    large, response = read(client, URL)
    assert large == small
    for name, status in (("moderation", PetitionStatus.MODERATION), ("consideration", PetitionStatus.CONSIDERATION)):
        shown = response.context[name]
        assert [p.title for p in shown.items] == [f"{status} {n:02d}" for n in range(3)]
        count, following = read(client, URL + shown.next_url)
        assert count == large
        assert [p.title for p in following.context[name].items] == [f"{status} {n:02d}" for n in range(3, 6)]
        assert following.context[name].first_url  # back to the first page of that list


def test_following_the_pages_reaches_every_petition_once(
    client: Client, community: Any, moderator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 4)
    _grow(community, 0, 10)
    Petition.objects.filter(title="moderation 09").update(moderation_due=None)  # no deadline: last
    sign_in_reauthenticated(client, moderator)
    seen, url = [], URL
    while url:
        response = client.get(url)
        page = response.context["moderation"]
        seen += [p.title for p in page.items]
        url = URL + page.next_url if page.next_url else ""
    assert seen == [f"moderation {n:02d}" for n in range(10)]
