"""A comment's permalink (``/comments/<pk>/``, ``comments.comment_url``): it sends the reader to the page
of comments that shows the comment (not the first page under a long discussion), and only a reader
who may see the target's page; everyone else gets the 404 the page itself gives."""

from __future__ import annotations

import re
from typing import Any

import pytest
import rules
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from uchast.accounts.services import api_token_create
from uchast.core import comments, moderation, pagination
from uchast.core.models import Comment
from uchast.petitions import services
from uchast.testing.factories import CommunityFactory, make_user, make_verified_resident

pytestmark = pytest.mark.django_db


def _petition(community: Any, author: Any, moderator: Any | None) -> Any:
    """A published petition, or the author's draft when no moderator is given."""
    petition = services.petition_create(
        author=author,
        community=community,
        title="Відкрити пункт видачі гуманітарної допомоги для ВПО",
        text="Просимо відкрити постійний пункт видачі допомоги з графіком роботи у вихідні дні.",
    )
    if moderator is None:
        return petition
    return services.petition_publish(
        petition=services.petition_submit(petition=petition, actor=author), actor=moderator
    )


@pytest.fixture
def author(community: Any) -> Any:
    return make_verified_resident(community, email="author@example.org")


@pytest.fixture
def petition(community: Any, author: Any, moderator: Any) -> Any:
    return _petition(community, author, moderator)


@pytest.fixture
def discussion(petition: Any, author: Any, monkeypatch: pytest.MonkeyPatch) -> list[Comment]:
    """Pages of three top-level comments, five of them: 00–02 on the first page, 03–04 on the second."""
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    return [comments.comment_create(author=author, target=petition, body=f"Коментар {n:02d}") for n in range(5)]


def _permalink(comment: Comment) -> str:
    url = comments.comment_url(comment)
    assert url == f"/comments/{comment.pk}/"
    return url


def _follow(client: Client, comment: Comment) -> tuple[str, str]:
    """Where the permalink sends the reader, and the page found there."""
    response = client.get(_permalink(comment))
    assert response.status_code == 302
    location = response["Location"]
    page = client.get(location.split("#")[0])
    assert page.status_code == 200
    return location, page.content.decode()


def test_a_comment_on_the_second_page_is_linked_to_that_page(client: Client, petition: Any, discussion: Any) -> None:
    later = discussion[3]
    location, html = _follow(client, later)
    url = petition.get_absolute_url()
    assert re.fullmatch(rf"{re.escape(url)}\?comments=[\w-]+#comment-{later.pk}", location)
    assert f'id="comment-{later.pk}"' in html and "Коментар 03" in html
    assert f'id="comment-{discussion[0].pk}"' not in html  # the second page, not the first
    assert f'id="comment-{discussion[0].pk}"' in client.get(url).content.decode()


def test_a_comment_on_the_first_page_is_linked_without_a_cursor(client: Client, petition: Any, discussion: Any) -> None:
    location, html = _follow(client, discussion[2])
    assert location == f"{petition.get_absolute_url()}#comment-{discussion[2].pk}"
    assert f'id="comment-{discussion[2].pk}"' in html


def test_a_reply_is_linked_to_its_threads_page(client: Client, petition: Any, author: Any, discussion: Any) -> None:
    reply = comments.comment_create(author=author, target=petition, body="Відповідь", parent=discussion[4])
    location, html = _follow(client, reply)
    thread_location, _html = _follow(client, discussion[4])
    assert "?comments=" in location and location.split("#")[0] == thread_location.split("#")[0]
    assert location.endswith(f"#comment-{reply.pk}") and f'id="comment-{reply.pk}"' in html
    # A reply to a first-page thread stays on the first page even after later threads.
    early = comments.comment_create(author=author, target=petition, body="Рання відповідь", parent=discussion[0])
    assert _follow(client, early)[0] == f"{petition.get_absolute_url()}#comment-{early.pk}"


def test_an_unknown_comment_or_another_communitys_is_404(client: Client, petition: Any, author: Any) -> None:
    assert client.get("/comments/999999/").status_code == 404
    other = Comment.objects.create(
        community=CommunityFactory(slug="inshe"),
        target_type=ContentType.objects.get_for_model(petition),
        target_id=str(petition.pk),
        author=author,
        body="З іншої громади",
    )
    assert client.get(f"/comments/{other.pk}/").status_code == 404


def test_a_comment_whose_target_the_reader_may_not_see_is_404_as_the_page_is(
    client: Client, community: Any, author: Any
) -> None:
    draft = _petition(community, author, moderator=None)
    comment = comments.comment_create(author=author, target=draft, body="Чернетка")
    for reader in (None, make_verified_resident(community, email="neighbour@example.org")):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        assert client.get(draft.get_absolute_url()).status_code == 404  # the page's own answer
        response = client.get(f"/comments/{comment.pk}/")
        assert response.status_code == 404 and "Чернетка" not in response.content.decode()
    client.force_login(author)  # the author sees the draft's page, so the link leads there
    assert client.get(f"/comments/{comment.pk}/")["Location"] == f"{draft.get_absolute_url()}#comment-{comment.pk}"


def test_a_hidden_comment_is_pointed_to_never_shown(client: Client, petition: Any, author: Any, moderator: Any) -> None:
    comment = comments.comment_create(author=author, target=petition, body="Образа сусідам")
    moderation.contribution_hide(moderator=moderator, target=comment, reason="Мова ворожнечі")
    response = client.get(f"/comments/{comment.pk}/")
    assert response.status_code == 302 and response.content == b""
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="comment-{comment.pk}"' in page and "Мова ворожнечі" in page and "Образа сусідам" not in page


def test_a_target_that_is_gone_or_has_no_page_has_no_link(client: Client, community: Any, author: Any) -> None:
    district = community.districts.first()
    gone = Comment.objects.create(
        community=community,
        target_type=ContentType.objects.get_for_model(_petition(community, author, None)),
        target_id="999999",
        author=author,
        body="x",
    )
    assert client.get(f"/comments/{gone.pk}/").status_code == 404
    rules.add_perm("core.comment_district", rules.is_authenticated)
    try:  # a district has no page: comments on it get no link, and the permalink is 404
        pageless = comments.comment_create(author=author, target=district, body="y")
    finally:
        rules.remove_perm("core.comment_district")
    assert comments.comment_url(pageless) == ""
    assert client.get(f"/comments/{pageless.pk}/").status_code == 404


def test_the_permalink_is_read_only(client: Client, petition: Any, author: Any) -> None:
    comment = comments.comment_create(author=author, target=petition, body="x")
    assert client.post(f"/comments/{comment.pk}/").status_code == 405


def test_every_kind_open_to_comments_has_a_permalink() -> None:
    """A module opening its objects to comments (``<app>.comment_<model>``) also names their page's
    permission (``<app>.view_<model>``) and has ``get_absolute_url``, so links to its comments work."""
    from rules.permissions import permissions

    kinds = [m.groups() for name in permissions if (m := re.fullmatch(r"(\w+)\.comment_(\w+)", name))]
    assert {"petitions", "budget", "consultations"} <= {app_label for app_label, _model in kinds}
    for app_label, model_name in kinds:
        model = apps.get_model(app_label, model_name)
        assert hasattr(model, "get_absolute_url"), model
        assert rules.perm_exists(comments.view_permission(model)), model


def test_the_queue_and_the_api_link_a_comment_by_its_permalink(
    client: Client, petition: Any, author: Any, moderator: Any, discussion: Any
) -> None:
    later = discussion[4]
    moderation.contribution_report(reporter=make_user(), target=later, reason="Спам")
    client.force_login(moderator)
    queue = client.get("/moderation/").content.decode()
    assert f'href="/comments/{later.pk}/"' in queue and f"#comment-{later.pk}" not in queue
    location, html = _follow(client, later)
    assert "?comments=" in location and f'id="comment-{later.pk}"' in html
    _token, key = api_token_create(
        user=moderator, name="t", scopes=("read", "participate", "staff"), second_factor_recent=True
    )
    [item] = client.get("/api/v1/moderation/queue", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert item["url"] == f"/comments/{later.pk}/"
