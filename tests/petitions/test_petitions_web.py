from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from uchast.petitions import services
from uchast.petitions.models import Petition, PetitionStatus
from uchast.testing.factories import make_user, make_verified_resident

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_public_list_search_and_feeds(client: Client, collecting: Any, author: Any, petition_community: Any) -> None:
    draft = services.petition_create(
        author=author, community=petition_community, title="Таємна чернетка", text="т" * 40
    )
    response = client.get(reverse("petitions:index"))
    assert response.status_code == 200
    assert collecting.title in response.content.decode()
    # Each card says when its collection ends.
    assert f'<time datetime="{collecting.collection_deadline:%Y-%m-%d}">' in response.content.decode()
    assert draft.title not in response.content.decode()
    assert collecting.title not in client.get(reverse("petitions:index"), {"q": "автобус"}).content.decode()
    assert client.get(reverse("petitions:detail", args=[draft.pk])).status_code == 404
    assert _client(author).get(reverse("petitions:detail", args=[draft.pk])).status_code == 200
    rss = client.get(reverse("petitions:feed_rss"))
    assert rss.status_code == 200 and collecting.title in rss.content.decode()
    atom = client.get(reverse("petitions:feed_atom"))
    assert atom.status_code == 200 and b"http://www.w3.org/2005/Atom" in atom.content


def test_list_query_count_is_constant(client: Client, collecting: Any, author: Any, petition_community: Any,
                                      moderator: Any, django_assert_max_num_queries: Any) -> None:  # fmt: skip
    for n in range(5):
        p = services.petition_create(author=make_verified_resident(petition_community), community=petition_community,
                                     title=f"Петиція номер {n}", text="т" * 40)  # fmt: skip
        services.petition_publish(petition=services.petition_submit(petition=p, actor=p.author), actor=moderator)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("petitions:index")).status_code == 200


def test_sign_view_refuses_second_signature_with_message(collecting: Any, petition_community: Any) -> None:
    signer = make_verified_resident(petition_community)
    c = _client(signer)
    url = reverse("petitions:sign", args=[collecting.pk])
    c.post(url)
    response = c.post(url, follow=True)
    assert "Ви вже підписали цю петицію" in response.content.decode()
    collecting.refresh_from_db()
    assert collecting.signature_count == 1


def test_ineligible_resident_sees_what_is_missing(collecting: Any) -> None:
    c = _client(make_user())
    page = c.get(reverse("petitions:detail", args=[collecting.pk])).content.decode()
    assert reverse("verification:start") in page
    c.post(reverse("petitions:sign", args=[collecting.pk]))
    collecting.refresh_from_db()
    assert collecting.signature_count == 0


def test_resident_cannot_moderate_or_answer(collecting: Any, author: Any) -> None:
    c = _client(author)
    assert (
        c.post(reverse("petitions:answer", args=[collecting.pk]), {"outcome": "supported", "text": "так"}).status_code
        == 403
    )
    collecting.refresh_from_db()
    assert collecting.status == PetitionStatus.COLLECTING


def test_create_form_shows_errors_for_overlong_title(author: Any) -> None:
    response = _client(author).post(reverse("petitions:create"), {"title": "Т" * 201, "text": "т" * 40})
    assert response.status_code == 400  # the form is shown again with its errors (core.web.form_action)
    assert 'id="id_title_error"' in response.content.decode()
    assert not Petition.objects.exists()


def test_api_read_sign_withdraw(collecting: Any, petition_community: Any) -> None:
    anonymous = Client()
    listing = anonymous.get("/api/petitions/").json()
    assert [p["id"] for p in listing] == [collecting.pk]
    assert anonymous.post(f"/api/petitions/{collecting.pk}/signature").status_code == 401
    signer = make_verified_resident(petition_community)
    c = _client(signer)
    first = c.post(
        f"/api/petitions/{collecting.pk}/signature", json.dumps({"display": "name"}), content_type="application/json"
    )
    assert first.status_code == 201 and first.json()["signature_count"] == 1
    second = c.post(f"/api/petitions/{collecting.pk}/signature", "{}", content_type="application/json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "already_signed"
    ineligible = _client(make_user()).post(
        f"/api/petitions/{collecting.pk}/signature", "{}", content_type="application/json"
    )
    assert ineligible.status_code == 403 and ineligible.json()["error"]["code"] == "not_eligible"
    withdrawn = c.delete(f"/api/petitions/{collecting.pk}/signature")
    assert withdrawn.status_code == 200 and withdrawn.json()["signature_count"] == 0
    assert anonymous.get("/api/petitions/999999").status_code == 404


def test_author_edits_draft_others_cannot(author: Any, petition_community: Any) -> None:
    draft = services.petition_create(author=author, community=petition_community, title="Стара назва", text="т" * 40)
    url = reverse("petitions:edit", args=[draft.pk])
    assert _client(author).post(url, {"title": "Нова назва", "text": "н" * 40}).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Нова назва"
    stranger = _client(make_verified_resident(petition_community))
    assert stranger.post(url, {"title": "Зламано", "text": "з" * 40}).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Нова назва"


def test_refuse_and_assign_with_an_incomplete_form_say_why_and_change_nothing(
    author: Any, petition_community: Any, moderator: Any, official: Any
) -> None:
    draft = services.petition_create(
        author=author, community=petition_community, title="Петиція на модерації", text="т" * 40
    )
    petition = services.petition_submit(petition=draft, actor=author)
    refused = _client(moderator).post(
        reverse("petitions:refuse", args=[petition.pk]), {"reason": "outside_competence"}, follow=True
    )
    assert refused.redirect_chain[-1][0] == reverse("petitions:detail", args=[petition.pk])
    assert "обов" in refused.content.decode()  # the explanation is required
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.MODERATION
    assigned = _client(official).post(reverse("petitions:assign", args=[petition.pk]), {"official": ""}, follow=True)
    assert "Оберіть посадову особу." in assigned.content.decode()
    petition.refresh_from_db()
    assert petition.assigned_to is None


def test_home_card_calls_to_sign_with_progress_and_deadline(collecting: Any) -> None:
    from django.utils import formats

    page = Client().get(reverse("core:home")).content.decode()
    day = formats.date_format(collecting.collection_deadline, "j E")
    assert f"Підпишіть: 0 з 3 підписів, до {day}" in page
    collecting.collection_deadline = collecting.collection_deadline.replace(year=2000)
    collecting.save()
    assert collecting.title not in Client().get(reverse("core:home")).content.decode()
