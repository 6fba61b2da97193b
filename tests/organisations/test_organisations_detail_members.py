"""An organisation's page (``views.registry.detail``): its members are a keyset page, heads first,
and the page runs the same queries at any size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from uchast.accounts.models import User
from uchast.core import pagination
from uchast.organisations.models import Membership

pytestmark = pytest.mark.django_db


def _grow(organisation: Any, start: int, count: int) -> None:
    people = User.objects.bulk_create(
        User(email=f"member{n}@example.org", full_name=f"Член {n:02d}") for n in range(start, start + count)
    )
    for person in people:  # one by one: created_at orders them
        Membership.objects.create(organisation=organisation, user=person, role="member")


def _read(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_members_are_a_keyset_page_heads_first_with_constant_queries(
    client: Client, organisation: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    url = organisation.get_absolute_url()
    _grow(organisation, 0, 4)
    client.get(url)
    small, response = _read(client, url)
    _grow(organisation, 4, 12)
    large, response = _read(client, url)
    assert large == small
    members = response.context["members"]
    assert [m.user.display_name for m in members.items] == ["Олена Коваль", "Член 00", "Член 01"]
    assert "members=" in members.next_url and 'rel="next"' in response.content.decode()
    count, following = _read(client, url + members.next_url)
    assert count == large
    assert [m.user.display_name for m in following.context["members"].items] == ["Член 02", "Член 03", "Член 04"]
