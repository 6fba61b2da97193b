"""An advisory body's page and its staff seats page (``views.bodies``): the seats and the meetings
are keyset pages, each with its own parameter, and the pages run the same queries at any size."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.organisations.conftest import confirmed_in_bulk
from uchast.accounts.models import User
from uchast.core import pagination
from uchast.organisations import bodies
from uchast.organisations.models import Organisation
from uchast.testing.factories import sign_in_reauthenticated
from uchast.testing.pages import assert_keyset_list, assert_reads_none, read

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(community: Any, official: Any) -> Any:
    return bodies.body_create(actor=official, community=community, name="Рада ВПО", kind="idp_council")


def _grow(council: Any, start: int, count: int) -> None:
    people = User.objects.bulk_create(
        User(email=f"member{n}@example.org", full_name=f"Член {n:02d}") for n in range(start, start + count)
    )
    bodies.BodyMember.objects.bulk_create(bodies.BodyMember(body=council, user=u, role="member") for u in people)
    first = timezone.now() - timedelta(days=400)
    bodies.Meeting.objects.bulk_create(
        bodies.Meeting(body=council, starts_at=first - timedelta(days=30 * n), place=f"Зала {n:02d}", agenda="Порядок")
        for n in range(start, start + count)
    )


def _members(response: Any) -> list[str]:
    return [m.label for m in response.context["members"].items]


def _places(response: Any) -> list[str]:
    return [m.place for m in response.context["meetings"].items]


def test_body_page_pages_its_seats_and_meetings_with_constant_queries(
    client: Client, council: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    url = council.get_absolute_url()
    _grow(council, 0, 4)
    client.get(url)
    small, response = read(client, url)
    _grow(council, 4, 12)
    large, response = read(client, url)
    assert large == small
    assert _members(response) == ["Член 00", "Член 01", "Член 02"]
    assert _places(response) == ["Зала 00", "Зала 01", "Зала 02"]  # the latest first
    html = response.content.decode()
    assert html.count('rel="next"') == 2 and "Член 03" not in html and "Зала 03" not in html
    members_next = response.context["members"].next_url
    assert "members=" in members_next and "meetings=" not in members_next
    count, following = read(client, url + members_next)
    assert count == large
    assert _members(following) == ["Член 03", "Член 04", "Член 05"]
    assert _places(following) == ["Зала 00", "Зала 01", "Зала 02"]  # the other list stays on its page
    both = following.context["meetings"].next_url  # keeps ?members=… and adds ?meetings=…
    count, following = read(client, url + both)
    assert count == large
    assert _members(following) == ["Член 03", "Член 04", "Член 05"]
    assert _places(following) == ["Зала 03", "Зала 04", "Зала 05"]


def test_staff_seats_page_is_a_keyset_page_with_constant_queries(
    client: Client, council: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    sign_in_reauthenticated(client, official)
    assert_keyset_list(
        client,
        reverse("organisations:body_members", args=[council.pk]),
        grow=lambda start, count: _grow(council, start, count),
        page="members",
        label=lambda m: m.label,
        first=["Член 00", "Член 01", "Член 02"],
        then=["Член 03", "Член 04", "Член 05"],
    )


def test_staff_seats_page_reads_no_organisation_whatever_the_size_of_the_registry(
    client: Client, community: Any, council: Any, official: Any
) -> None:
    """The seat form takes an organisation's EDRPOU code or name, found on submit: the page no longer
    offers (so reads) every confirmed organisation of a city, at any size of the registry."""
    sign_in_reauthenticated(client, official)
    url = reverse("organisations:body_members", args=[council.pk])
    grow = functools.partial(confirmed_in_bulk, community)
    response = assert_reads_none(client, url, Organisation, grow=grow)
    html = response.content.decode()
    assert '<input type="text" name="organisation"' in html and '<select name="organisation"' not in html
    assert "ГО 000" not in html and "ГО 015" not in html
