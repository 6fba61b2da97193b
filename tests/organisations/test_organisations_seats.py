"""Seats of an advisory body added and ended by hand (staff): the page and the API operation use
``bodies.body_member_add`` and ``bodies.body_member_end``, refuse with the same codes and leave the
same audit entries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.organisations.conftest import audited, bearer, refusal, register
from uchast.organisations import bodies
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def council(community: Any, official: Any) -> bodies.AdvisoryBody:
    return bodies.body_create(actor=official, community=community, name="Рада ВПО", kind="idp_council")


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_add_a_person_and_an_organisation_on_the_page_then_end_a_seat(
    council: Any, official: Any, organisation: Any
) -> None:
    person = make_user(full_name="Марта Лисенко", email="marta@example.org")
    staff = _signed_in(official)
    url = reverse("organisations:body_members", args=[council.pk])
    page = staff.get(url)
    assert page.status_code == 200 and organisation.name in page.content.decode()
    assert url in staff.get(council.get_absolute_url()).content.decode()  # linked from the body's page
    response = staff.post(url, {"email": "MARTA@example.org", "role": "chair"})
    assert response.status_code == 302
    response = staff.post(url, {"organisation": organisation.pk, "role": "member"})
    assert response.status_code == 302
    seats = {(m.user, m.organisation, m.role) for m in council.members.all()}
    assert seats == {(person, None, "chair"), (None, organisation, "member")}
    assert "Марта Лисенко" in Client().get(council.get_absolute_url()).content.decode()

    again = staff.post(url, {"email": "marta@example.org", "role": "member"})
    assert again.status_code == 400 and "вже є учасником" in again.content.decode()
    assert staff.post(url, {"email": "nobody@example.org", "role": "member"}).status_code == 400
    both = staff.post(url, {"email": "marta@example.org", "organisation": organisation.pk, "role": "member"})
    assert both.status_code == 400 and council.members.count() == 2

    seat = council.members.get(user=person)
    assert staff.post(reverse("organisations:body_member_end", args=[seat.pk])).status_code == 302
    assert not council.members.filter(user=person).exists()
    entry = audited("body.member_ended", official)
    assert entry.object_id == str(council.pk) and entry.summary["seat"] == seat.pk


def test_the_page_refuses_an_unconfirmed_organisation_and_non_staff(
    community: Any, council: Any, official: Any, head: Any, resident: Any
) -> None:
    pending = register(community, head, edrpou="00032129", name="БФ «Світанок»")
    staff = _signed_in(official)
    url = reverse("organisations:body_members", args=[council.pk])
    assert pending.name not in staff.get(url).content.decode()  # only confirmed ones are offered
    assert staff.post(url, {"organisation": pending.pk, "role": "member"}).status_code == 400
    assert not council.members.exists()
    seat = bodies.body_member_add(body=council, actor=official, user=resident, role="member")
    for client in (_signed_in(resident), _signed_in(head)):
        assert client.get(url).status_code == 403
        assert client.post(url, {"email": resident.email, "role": "member"}).status_code == 403
        assert client.post(reverse("organisations:body_member_end", args=[seat.pk])).status_code == 403
    assert Client().post(url, {"email": resident.email, "role": "member"}).status_code in (302, 403)
    assert council.members.count() == 1


def test_the_api_adds_and_ends_seats_with_the_pages_refusals(
    community: Any, council: Any, official: Any, organisation: Any, head: Any, resident: Any
) -> None:
    staff = bearer(official, staff=True)
    url = f"/api/organisations/bodies/{council.pk}/members"
    body = {"email": resident.email, "role": "member"}
    assert refusal(Client().post(url, body, content_type=JSON)) == (401, "not_authenticated")
    assert refusal(Client().post(url, body, content_type=JSON, **bearer(resident))) == (403, "insufficient_scope")
    assert refusal(Client().post(url, body, content_type=JSON, **bearer(official))) == (403, "insufficient_scope")
    response = Client().post(url, body, content_type=JSON, **staff)
    assert response.status_code == 201, response.content
    assert response.json()["name"] == resident.display_name and response.json()["role"] == "member"
    assert audited("body.member_added", official).object_id == str(council.pk)
    assert refusal(Client().post(url, body, content_type=JSON, **staff)) == (409, "already_member")

    response = Client().post(url, {"organisation": organisation.pk, "role": "chair"}, content_type=JSON, **staff)
    assert response.status_code == 201 and response.json()["organisation"] == organisation.pk
    pending = register(community, head, edrpou="00032129", name="БФ «Світанок»")
    assert refusal(Client().post(url, {"organisation": pending.pk}, content_type=JSON, **staff)) == (
        422,
        "not_confirmed",
    )
    both = {"email": resident.email, "organisation": organisation.pk}
    assert refusal(Client().post(url, both, content_type=JSON, **staff)) == (422, "bad_member")
    assert refusal(Client().post(url, {"role": "member"}, content_type=JSON, **staff)) == (422, "bad_member")
    unknown = {"email": "nobody@example.org"}
    assert refusal(Client().post(url, unknown, content_type=JSON, **staff)) == (422, "unknown_person")
    assert refusal(Client().post(url, {"organisation": 999999}, content_type=JSON, **staff)) == (404, "not_found")
    missing = Client().post("/api/organisations/bodies/999999/members", body, content_type=JSON, **staff)
    assert refusal(missing) == (404, "not_found")
    assert council.members.count() == 2

    seat = council.members.get(user=resident)
    end = f"{url}/{seat.pk}"
    assert refusal(Client().delete(end, **bearer(resident))) == (403, "insufficient_scope")
    response = Client().delete(end, **staff)
    assert response.status_code == 200 and [m["name"] for m in response.json()["members"]] == [organisation.name]
    assert audited("body.member_ended", official).summary["seat"] == seat.pk
    assert refusal(Client().delete(end, **staff)) == (404, "not_found")
