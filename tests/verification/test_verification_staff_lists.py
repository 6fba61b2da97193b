"""Staff pages of verification besides the queue (``views.staff_census``, ``views.staff_codes``):
the locked census entries and the code sheets are keyset pages, the same queries at any size."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from uchast.core import pagination
from uchast.testing.factories import sign_in_reauthenticated
from uchast.verification.models import CensusEntry, CodeBatch, OneTimeCode

pytestmark = pytest.mark.django_db


def _read(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def _locked(community: Any, start: int, count: int) -> None:
    first = timezone.now() - timedelta(days=30)
    CensusEntry.objects.bulk_create(
        CensusEntry(community=community, identity_key=f"{n:064d}", birth_date=date(1990, 1, 1) + timedelta(days=n),
                    basis="census", failed_claims=5, locked_at=first + timedelta(hours=n))
        for n in range(start, start + count)
    )  # fmt: skip


def test_locked_census_entries_are_a_keyset_page_with_constant_queries(
    client: Client, community: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    url = "/verification/staff/census/"
    _locked(community, 0, 4)
    sign_in_reauthenticated(client, official)
    client.get(url)
    small, response = _read(client, url)
    _locked(community, 4, 12)
    large, response = _read(client, url)
    assert large == small
    locked = response.context["locked"]
    assert [e.identity_key[-2:] for e in locked.items] == ["00", "01", "02"]  # the oldest lock first
    assert 'rel="next"' in response.content.decode()
    count, following = _read(client, url + locked.next_url)
    assert count == large
    assert [e.identity_key[-2:] for e in following.context["locked"].items] == ["03", "04", "05"]
    assert following.context["locked"].first_url == url


def _sheets(community: Any, start: int, count: int) -> None:
    for n in range(start, start + count):  # one by one: created_at orders them
        batch = CodeBatch.objects.create(community=community, label=f"Аркуш {n:02d}", size=2,
                                         expires_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
        OneTimeCode.objects.bulk_create(
            [OneTimeCode(batch=batch, code_hash=f"{n:032d}{k:032d}", redeemed_at=timezone.now() if k else None)
             for k in range(2)]
        )  # fmt: skip


def test_code_sheets_are_a_keyset_page_with_constant_queries(
    client: Client, community: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    url = "/verification/staff/codes/"
    _sheets(community, 0, 4)
    sign_in_reauthenticated(client, official)
    client.get(url)
    small, response = _read(client, url)
    _sheets(community, 4, 12)
    large, response = _read(client, url)
    assert large == small
    batches = response.context["batches"]
    assert [(b.label, b.redeemed) for b in batches.items] == [("Аркуш 15", 1), ("Аркуш 14", 1), ("Аркуш 13", 1)]
    assert 'rel="next"' in response.content.decode()
    count, following = _read(client, url + batches.next_url)
    assert count == large
    assert [b.label for b in following.context["batches"].items] == ["Аркуш 12", "Аркуш 11", "Аркуш 10"]
