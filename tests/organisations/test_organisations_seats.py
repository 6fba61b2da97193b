"""Seats of an advisory body added and ended by hand (staff): the page and the API operation use
``bodies.body_member_add`` and ``bodies.body_member_end``, refuse with the same codes and leave the
same audit entries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tests.organisations.conftest import audited, bearer, confirmed_in_bulk, refusal, register
from uchast.core.errors import ActionRefused
from uchast.organisations import bodies, selectors, services
from uchast.testing.factories import make_user, make_verified_resident

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def council(community: Any, official: Any) -> bodies.AdvisoryBody:
    return bodies.body_create(actor=official, community=community, name="Рада ВПО", kind="idp_council")


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _field_errors(response: Any, field: str = "organisation") -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def test_staff_add_a_person_and_an_organisation_on_the_page_then_end_a_seat(
    council: Any, official: Any, organisation: Any
) -> None:
    person = make_user(full_name="Марта Лисенко", email="marta@example.org")
    staff = _signed_in(official)
    url = reverse("organisations:body_members", args=[council.pk])
    page = staff.get(url)
    assert page.status_code == 200 and 'type="text" name="organisation"' in page.content.decode()
    assert url in staff.get(council.get_absolute_url()).content.decode()  # linked from the body's page
    response = staff.post(url, {"email": "MARTA@example.org", "role": "chair"})
    assert response.status_code == 302
    response = staff.post(url, {"organisation": organisation.edrpou, "role": "member"})
    assert response.status_code == 302
    seats = {(m.user, m.organisation, m.role) for m in council.members.all()}
    assert seats == {(person, None, "chair"), (None, organisation, "member")}
    assert "Марта Лисенко" in Client().get(council.get_absolute_url()).content.decode()

    again = staff.post(url, {"email": "marta@example.org", "role": "member"})
    assert again.status_code == 400 and "вже є учасником" in again.content.decode()
    assert staff.post(url, {"email": "nobody@example.org", "role": "member"}).status_code == 400
    both = staff.post(url, {"email": "marta@example.org", "organisation": organisation.edrpou, "role": "member"})
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
    for typed in (pending.edrpou, pending.name):  # only confirmed ones are found
        response = staff.post(url, {"organisation": typed, "role": "member"})
        assert response.status_code == 400 and _field_errors(response) == ["organisation_not_found"]
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


# ---- the organisation typed by its EDRPOU code or exact name, not chosen from the whole registry ----


def _seats_page(official: Any, council: Any) -> tuple[Client, str]:
    return _signed_in(official), reverse("organisations:body_members", args=[council.pk])


def test_a_seat_for_an_organisation_by_its_registry_number(council: Any, official: Any, organisation: Any) -> None:
    staff, url = _seats_page(official, council)
    confirmed_in_bulk(organisation.community, 0, 3)
    spaced = f" {organisation.edrpou[:4]} {organisation.edrpou[4:]} "  # as written on paper
    response = staff.post(url, {"organisation": spaced, "role": "chair"})
    assert response.status_code == 302, _field_errors(response)
    assert [(m.organisation, m.role) for m in council.members.all()] == [(organisation, "chair")]
    assert audited("body.member_added", official).summary["organisation"] == organisation.pk


def test_a_seat_for_an_organisation_by_its_exact_name(council: Any, official: Any, organisation: Any) -> None:
    staff, url = _seats_page(official, council)
    confirmed_in_bulk(organisation.community, 0, 3)
    response = staff.post(url, {"organisation": f"  {organisation.name} ", "role": "member"})
    assert response.status_code == 302, _field_errors(response)
    assert [m.organisation for m in council.members.all()] == [organisation]


def test_no_organisation_found_is_the_fields_error_in_ukrainian_and_english_with_the_typed_value_kept(
    council: Any, official: Any, organisation: Any
) -> None:
    staff, url = _seats_page(official, council)
    for typed in ("ГО «Зорянські»", "12345678", organisation.name.upper()):  # a name must be exact
        response = staff.post(url, {"organisation": typed, "role": "chair"})
        assert response.status_code == 400 and _field_errors(response) == ["organisation_not_found"]
        html = response.content.decode()
        assert "Жодна підтверджена організація не має такого коду ЄДРПОУ чи назви" in html
        assert f'value="{escape(typed)}"' in html  # what was typed is shown again
        assert '<option value="chair" selected>' in html
    staff.cookies["uchast_language"] = "en"
    with translation.override("uk"):  # the page switches this thread to English: back to Ukrainian after
        response = staff.post(url, {"organisation": "ГО «Зорянські»", "role": "member"})
    assert _field_errors(response) == ["organisation_not_found"]
    assert "No confirmed organisation has this EDRPOU code or name." in response.content.decode()
    assert not council.members.exists()


def test_a_name_two_organisations_share_is_ambiguous_and_the_code_tells_them_apart(
    community: Any, council: Any, official: Any, organisation: Any
) -> None:
    founder = make_verified_resident(community, email="twin.head@example.org")
    twin = register(community, founder, edrpou="00032129", email="twin@example.org")
    twin = services.organisation_confirm(organisation=twin, actor=official)
    assert twin.name == organisation.name
    staff, url = _seats_page(official, council)
    response = staff.post(url, {"organisation": organisation.name, "role": "member"})
    assert response.status_code == 400 and _field_errors(response) == ["organisation_ambiguous"]
    html = response.content.decode()
    assert "Таку назву мають кілька підтверджених організацій" in html
    assert f'value="{escape(organisation.name)}"' in html
    assert staff.post(url, {"organisation": twin.edrpou, "role": "member"}).status_code == 302
    assert [m.organisation for m in council.members.all()] == [twin]
    staff.cookies["uchast_language"] = "en"
    with translation.override("uk"):  # the page switches this thread to English: back to Ukrainian after
        response = staff.post(url, {"organisation": organisation.name, "role": "member"})
    assert "Several confirmed organisations have this name" in response.content.decode()


def test_the_lookup_is_one_query_reading_at_most_two_rows(
    community: Any, official: Any, organisation: Any, django_assert_num_queries: Any
) -> None:
    confirmed_in_bulk(community, 0, 20)
    with django_assert_num_queries(1) as captured:
        assert selectors.confirmed_organisation(community, organisation.edrpou) == organisation
    assert captured.captured_queries[0]["sql"].endswith("LIMIT 2")
    with django_assert_num_queries(1):
        assert selectors.confirmed_organisation(community, "ГО 007").edrpou == "90000007"
    with pytest.raises(ActionRefused) as refused:
        selectors.confirmed_organisation(community, "ГО 0")
    assert refused.value.code == "organisation_not_found"
