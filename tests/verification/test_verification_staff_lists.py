"""Staff pages of verification besides the queue (``views.staff_census``, ``views.staff_codes``):
the locked census entries and the code sheets are keyset pages, the same queries at any size."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from uchast.core import pagination
from uchast.testing.factories import sign_in_reauthenticated
from uchast.testing.pages import assert_keyset_list
from uchast.verification.models import CensusEntry, CodeBatch, OneTimeCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: Client, official: Any, monkeypatch: pytest.MonkeyPatch) -> Client:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    sign_in_reauthenticated(client, official)
    return client


def test_locked_census_entries_are_a_keyset_page_oldest_first(staff: Client, community: Any) -> None:
    first = timezone.now() - timedelta(days=30)

    def lock(start: int, count: int) -> None:
        CensusEntry.objects.bulk_create(
            CensusEntry(community=community, identity_key=f"{n:064d}", birth_date=date(1990, 1, 1),
                        basis="census", failed_claims=5, locked_at=first + timedelta(hours=n))
            for n in range(start, start + count)
        )  # fmt: skip

    assert_keyset_list(
        staff,
        "/verification/staff/census/",
        grow=lock,
        page="locked",
        label=lambda e: e.identity_key[-2:],
        first=["00", "01", "02"],
        then=["03", "04", "05"],
    )


def test_code_sheets_are_a_keyset_page_newest_first(staff: Client, community: Any) -> None:
    def print_sheets(start: int, count: int) -> None:
        for n in range(start, start + count):  # one by one: created_at orders them
            batch = CodeBatch.objects.create(community=community, label=f"Аркуш {n:02d}", size=2,
                                             expires_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
            OneTimeCode.objects.bulk_create(
                OneTimeCode(batch=batch, code_hash=f"{n:032d}{k:032d}", redeemed_at=timezone.now() if k else None)
                for k in range(2)
            )

    assert_keyset_list(
        staff,
        "/verification/staff/codes/",
        grow=print_sheets,
        page="batches",
        label=lambda b: (b.label, b.redeemed),
        first=[("Аркуш 15", 1), ("Аркуш 14", 1), ("Аркуш 13", 1)],
        then=[("Аркуш 12", 1), ("Аркуш 11", 1), ("Аркуш 10", 1)],
    )
