"""An organisation's page (``views.registry.detail``): its members are a keyset page, heads first,
and the page runs the same queries at any size."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from uchast.accounts.models import User
from uchast.core import pagination
from uchast.organisations.models import Membership
from uchast.testing.pages import assert_keyset_list

pytestmark = pytest.mark.django_db


def test_members_are_a_keyset_page_heads_first_with_constant_queries(
    client: Client, organisation: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)

    def join(start: int, count: int) -> None:
        people = User.objects.bulk_create(
            User(email=f"member{n}@example.org", full_name=f"Член {n:02d}") for n in range(start, start + count)
        )
        for person in people:  # one by one: created_at orders them
            Membership.objects.create(organisation=organisation, user=person, role="member")

    response, _ = assert_keyset_list(
        client,
        organisation.get_absolute_url(),
        grow=join,
        page="members",
        label=lambda m: m.user.display_name,
        first=["Олена Коваль", "Член 00", "Член 01"],  # the head first
        then=["Член 02", "Член 03", "Член 04"],
    )
    assert "members=" in response.context["members"].next_url  # its own parameter
