"""The staff queue (``views.queue``): open appeals and the head's overdue ones, each a keyset page
that runs the same queries at any size (a city registry has thousands open)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from uchast.appeals.models import Appeal, Department, Kind, PriorityCheck
from uchast.core import pagination
from uchast.testing.factories import make_user, sign_in_reauthenticated
from uchast.testing.pages import read

pytestmark = pytest.mark.django_db
URL = "/appeals/staff/"


def _grow(community: Any, department: Department, start: int, count: int) -> None:
    """Open appeals of the department, every one overdue; every third claims a priority."""
    author = make_user(email=f"author{start}@example.org")
    today = timezone.localdate()
    Appeal.objects.bulk_create(
        Appeal(community=community, author=author, kind=Kind.APPLICATION, subject=f"Звернення {n:02d}",
               text="Текст.", full_name="Олена Шевчук", residence="Громада", contact="olena@example.org",
               reg_number=f"Ш-{n:03d}", received_on=today - timedelta(days=40), department=department,
               due_date=today - timedelta(days=30 - n), forward_due=today, ceiling_date=today,
               priority_check=PriorityCheck.CLAIMED if n % 3 == 0 else PriorityCheck.NONE)
        for n in range(start, start + count)
    )  # fmt: skip


def test_queue_and_overdue_are_keyset_pages_with_constant_queries(
    client: Client, community: Any, official: Any, departments: dict[str, Department], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    registry = departments["registry"]
    registry.head = official
    registry.save()
    _grow(community, registry, 0, 4)
    sign_in_reauthenticated(client, official)
    client.get(URL)  # the first request of a session fills memos
    small, response = read(client, URL)
    assert len(response.context["appeals"].items) == 3 and len(response.context["overdue"].items) == 3
    _grow(community, registry, 4, 14)
    large, response = read(client, URL)
    assert large == small
    appeals, overdue = response.context["appeals"], response.context["overdue"]
    # Claimed priority first, then by term; the overdue by term alone.
    assert [a.subject for a in appeals.items] == ["Звернення 00", "Звернення 03", "Звернення 06"]
    assert [a.subject for a in overdue.items] == ["Звернення 00", "Звернення 01", "Звернення 02"]
    html = response.content.decode()
    assert "Сторінки звернень до відповіді" in html and "Сторінки прострочених звернень" in html
    count, following = read(client, URL + appeals.next_url)
    assert count == large
    assert [a.subject for a in following.context["appeals"].items] == ["Звернення 09", "Звернення 12", "Звернення 15"]
    assert following.context["appeals"].first_url and following.context["overdue"].first_url == ""
    count, late = read(client, URL + overdue.next_url)
    assert count == large
    assert [a.subject for a in late.context["overdue"].items] == ["Звернення 03", "Звернення 04", "Звернення 05"]
    assert [a.subject for a in late.context["appeals"].items] == ["Звернення 00", "Звернення 03", "Звернення 06"]


def test_every_open_appeal_is_reached_once_by_following_the_pages(
    client: Client, community: Any, official: Any, departments: dict[str, Department], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 4)
    _grow(community, departments["registry"], 0, 10)
    sign_in_reauthenticated(client, official)
    seen: list[str] = []
    url = URL
    while True:
        page = client.get(url).context["appeals"]
        assert len(page.items) <= 4
        seen += [a.reg_number for a in page.items]
        if not page.next_url:
            break
        url = URL + page.next_url
    assert sorted(seen) == sorted(Appeal.objects.values_list("reg_number", flat=True)) and len(set(seen)) == 10
