"""The registrations awaiting staff (``views.registry.queue``): a keyset page, oldest first, that runs
the same queries at any size."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from uchast.core import pagination
from uchast.organisations.models import LegalForm, Organisation, OrganisationStatus
from uchast.testing.factories import sign_in_reauthenticated
from uchast.testing.pages import read

pytestmark = pytest.mark.django_db
URL = "/organisations/staff/"


def _grow(community: Any, start: int, count: int) -> None:
    Organisation.objects.bulk_create(
        Organisation(community=community, name=f"ГО «Громада {n:02d}»", edrpou=f"{n:08d}",
                     legal_form=LegalForm.PUBLIC_ORGANISATION, registered_on=timezone.localdate(),
                     areas="Допомога переселенцям", email=f"go{n}@example.org", status=OrganisationStatus.PENDING)
        for n in range(start, start + count)
    )  # fmt: skip


def test_pending_registrations_are_a_keyset_page_with_constant_queries(
    client: Client, community: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    _grow(community, 0, 4)
    sign_in_reauthenticated(client, official)
    client.get(URL)  # the first request of a session fills memos
    small, response = read(client, URL)
    assert len(response.context["pending"].items) == 3
    _grow(community, 4, 12)
    large, response = read(client, URL)
    assert large == small
    pending = response.context["pending"]
    assert [o.name for o in pending.items] == ["ГО «Громада 00»", "ГО «Громада 01»", "ГО «Громада 02»"]
    assert 'rel="next"' in response.content.decode()
    count, following = read(client, URL + pending.next_url)
    assert count == large
    assert [o.name for o in following.context["pending"].items] == [
        "ГО «Громада 03»",
        "ГО «Громада 04»",
        "ГО «Громада 05»",
    ]
    assert following.context["pending"].first_url == URL
