"""The staff queue (``views.staff_queue``): documents waiting and confirmations, each a keyset page
that runs the same queries at any size (a city has a hundred thousand confirmations)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from verification_helpers import png_upload

from uchast.testing.factories import make_user, make_verified_resident
from uchast.verification import services, views

pytestmark = pytest.mark.django_db


def _submit(community: Any, n: int) -> None:
    services.document_submit(
        user=make_user(email=f"doc{n}@example.org", full_name=f"Заявник {n}"),
        community=community,
        document_kind="idp_certificate",
        number_kind="idp_certificate",
        number=f"77{n:04d}",
        birth_date=date(1980, 1, 1),
        district=None,
        upload=png_upload(),
    )


def _read(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def _grow(community: Any, start: int, count: int) -> None:
    for n in range(start, start + count):
        make_verified_resident(community, email=f"r{n}@example.org", full_name=f"Мешканка {n:02d}")
        _submit(community, n)


def test_both_lists_are_keyset_pages_with_constant_queries(
    client: Client, community: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "QUEUE_PAGE", 3)
    _grow(community, 0, 4)
    client.force_login(official)
    url = "/verification/staff/?status=active"  # the confirmed; the documents' people are pending
    client.get(url)  # the first request of a session fills memos
    small, response = _read(client, url)
    assert len(response.context["people"].items) == 3 and len(response.context["pending"].items) == 3
    _grow(community, 4, 8)
    large, response = _read(client, url)
    assert large == small
    people, pending = response.context["people"], response.context["pending"]
    # Confirmations newest first, documents oldest first; each list moves on by its own cursor.
    assert [v.user.full_name for v in people.items] == ["Мешканка 11", "Мешканка 10", "Мешканка 09"]
    assert [s.verification.user.full_name for s in pending.items] == ["Заявник 0", "Заявник 1", "Заявник 2"]
    html = response.content.decode()
    assert "Сторінки документів" in html and "Сторінки підтверджень" in html
    assert "status=active" in people.next_url  # the filter goes on with the page
    count, following = _read(client, "/verification/staff/" + people.next_url)
    assert count == large
    assert [v.user.full_name for v in following.context["people"].items] == [
        "Мешканка 08",
        "Мешканка 07",
        "Мешканка 06",
    ]
    _count, documents = _read(client, "/verification/staff/" + pending.next_url)
    assert [s.verification.user.full_name for s in documents.context["pending"].items] == [
        "Заявник 3",
        "Заявник 4",
        "Заявник 5",
    ]
