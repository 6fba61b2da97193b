"""The comments under a page (``templatetags.comments.comments_section``): a keyset page of the
top-level comments with their replies, the same queries at any size, paged by its own parameter."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from uchast.core import pagination
from uchast.core.comments import comment_create
from uchast.petitions import services
from uchast.testing.factories import make_verified_resident

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
    return services.petition_publish(petition=services.petition_submit(petition=petition, actor=author), actor=moderator)


def _grow(petition: Any, author: Any, start: int, count: int) -> None:
    for n in range(start, start + count):
        comment = comment_create(author=author, target=petition, body=f"Коментар {n:02d}")
        comment_create(author=author, target=petition, body=f"Відповідь {n:02d}", parent=comment)


def _read(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def _shown(response: Any) -> list[str]:
    return [c.body for c in response.context["comments"]]


def test_comments_are_a_keyset_page_with_their_replies_and_constant_queries(
    client: Client, community: Any, petition: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    author = make_verified_resident(community, email="commenter@example.org")
    url = petition.get_absolute_url()
    _grow(petition, author, 0, 4)
    client.get(url)  # the first request of a session fills memos
    small, response = _read(client, url)
    assert _shown(response) == ["Коментар 00", "Коментар 01", "Коментар 02"]
    _grow(petition, author, 4, 12)
    large, response = _read(client, url)
    assert large == small
    assert _shown(response) == ["Коментар 00", "Коментар 01", "Коментар 02"]
    assert [[r.body for r in c.reply_list] for c in response.context["comments"]] == [
        ["Відповідь 00"],
        ["Відповідь 01"],
        ["Відповідь 02"],
    ]
    assert response.context["count"] == 32  # the heading still counts every comment and reply
    html = response.content.decode()
    assert "Відповідь 02" in html and "Коментар 03" not in html
    page = response.context["comments_page"]
    assert 'rel="next"' in html and "comments=" in page.next_url
    count, following = _read(client, url + page.next_url)
    assert count == large
    assert _shown(following) == ["Коментар 03", "Коментар 04", "Коментар 05"]
    assert following.context["comments_page"].first_url == url


def test_a_page_with_few_comments_has_no_pager(client: Client, community: Any, petition: Any) -> None:
    _grow(petition, make_verified_resident(community, email="commenter@example.org"), 0, 2)
    response = client.get(petition.get_absolute_url())
    assert _shown(response) == ["Коментар 00", "Коментар 01"]
    assert response.context["comments_page"].next_url == "" and 'aria-label="Pages of comments"' not in response.content.decode()
