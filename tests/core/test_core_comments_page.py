"""The comments under a page (``templatetags.comments.comments_section``): a keyset page of the
top-level comments with their replies, the same queries at any size, paged by its own parameter."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from uchast.core import pagination
from uchast.core.comments import comment_create
from uchast.petitions import services
from uchast.testing.factories import make_verified_resident
from uchast.testing.pages import assert_keyset_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(community: Any, moderator: Any) -> Any:
    author = make_verified_resident(community, email="author@example.org")
    petition = services.petition_create(
        author=author,
        community=community,
        title="Відкрити пункт видачі гуманітарної допомоги для ВПО",
        text="Просимо відкрити постійний пункт видачі допомоги з графіком роботи у вихідні дні.",
    )
    return services.petition_publish(
        petition=services.petition_submit(petition=petition, actor=author), actor=moderator
    )


def _grow(petition: Any, author: Any, start: int, count: int) -> None:
    for n in range(start, start + count):
        comment = comment_create(author=author, target=petition, body=f"Коментар {n:02d}")
        comment_create(author=author, target=petition, body=f"Відповідь {n:02d}", parent=comment)


def _shown(response: Any) -> list[str]:
    return [c.body for c in response.context["comments"]]


def test_comments_are_a_keyset_page_with_their_replies_and_constant_queries(
    client: Client, community: Any, petition: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    author = make_verified_resident(community, email="commenter@example.org")
    response, _ = assert_keyset_list(
        client,
        petition.get_absolute_url(),
        grow=lambda start, count: _grow(petition, author, start, count),
        page="comments_page",
        label=lambda c: (c.body, [r.body for r in c.reply_list]),
        first=[("Коментар 00", ["Відповідь 00"]), ("Коментар 01", ["Відповідь 01"]), ("Коментар 02", ["Відповідь 02"])],
        then=[("Коментар 03", ["Відповідь 03"]), ("Коментар 04", ["Відповідь 04"]), ("Коментар 05", ["Відповідь 05"])],
    )
    assert response.context["count"] == 32  # the heading still counts every comment and reply
    html = response.content.decode()
    assert "Відповідь 02" in html and "Коментар 03" not in html
    assert "comments=" in response.context["comments_page"].next_url


def test_a_page_with_few_comments_has_no_pager(client: Client, community: Any, petition: Any) -> None:
    _grow(petition, make_verified_resident(community, email="commenter@example.org"), 0, 2)
    response = client.get(petition.get_absolute_url())
    assert _shown(response) == ["Коментар 00", "Коментар 01"]
    assert (
        response.context["comments_page"].next_url == ""
        and 'aria-label="Pages of comments"' not in response.content.decode()
    )


def test_a_new_comment_under_a_long_discussion_lands_on_its_page(
    client: Client, community: Any, petition: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    author = make_verified_resident(community, email="commenter@example.org")
    url = petition.get_absolute_url()
    client.force_login(author)
    add = reverse("core:comment_add", args=[ContentType.objects.get_for_model(petition).pk, petition.pk])
    first = client.post(add, {"body": "Перший", "next": url})
    assert first["Location"].startswith(f"{url}#comment-")  # the first page: no cursor
    _grow(petition, author, 0, 4)
    posted = client.post(add, {"body": "Мій коментар", "next": f"{url}?comments=abc"})
    location = posted["Location"]
    assert location.startswith(f"{url}?comments=") and "abc" not in location
    shown = client.get(location.split("#")[0])
    assert _shown(shown)[0] == "Мій коментар"
    assert f"#{location.split('#')[1]}" == f"#comment-{shown.context['comments'][0].pk}"
    # A reply goes to its thread's page.
    thread = shown.context["comments"][0]
    replied = client.post(add, {"body": "Відповідь", "parent": thread.pk, "next": url})
    assert replied["Location"].split("#")[0] == location.split("#")[0]
