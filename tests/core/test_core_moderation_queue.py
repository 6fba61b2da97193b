"""The moderation queue is one bounded page (``moderation.moderation_queue_page``): most reported
first, then first reported, with a cursor to the next; it reads only the reports of the contributions
it shows and runs the same queries whatever the number of reports (a spam wave reports thousands)."""

from __future__ import annotations

from typing import Any

import pytest
import rules
from django.test import Client

from uchast.core import comments, moderation
from uchast.core.models import Comment
from uchast.testing.factories import make_user
from uchast.testing.pages import read

pytestmark = pytest.mark.django_db
URL = "/moderation/"


@pytest.fixture
def target(community: Any) -> Any:
    rules.add_perm("core.comment_district", rules.is_authenticated)
    yield community.districts.first()
    rules.remove_perm("core.comment_district")


@pytest.fixture
def reporters() -> list[Any]:
    return [make_user(email=f"reporter{n}@example.org") for n in range(3)]


def _grow(target: Any, reporters: list[Any], start: int, count: int) -> list[Comment]:
    """Comments reported once, except every fourth, reported three times."""
    author = make_user(email=f"author{start}@example.org")
    made = []
    for n in range(start, start + count):
        comment = comments.comment_create(author=author, target=target, body=f"Спам {n:02d}")
        for reporter in reporters[: 3 if n % 4 == 0 else 1]:
            moderation.contribution_report(reporter=reporter, target=comment, reason=f"Причина {n:02d}")
        made.append(comment)
    return made


def _bodies(page: Any) -> list[str]:
    return [item.obj.body for item in page.items]


def test_the_queue_is_one_page_with_constant_queries(
    client: Client, target: Any, reporters: list[Any], moderator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moderation, "QUEUE_PAGE", 3)
    _grow(target, reporters, 1, 4)
    client.force_login(moderator)
    client.get(URL)  # the first request of a session fills memos
    small, response = read(client, URL)
    assert len(response.context["queue"].items) == 3
    _grow(target, reporters, 5, 12)
    large, response = read(client, URL)
    assert large == small
    queue = response.context["queue"]
    # Three reports (4, 8, 12, 16) before one, each group by the first report.
    assert _bodies(queue) == ["Спам 04", "Спам 08", "Спам 12"]
    assert [item.open_reports for item in queue.items] == [3, 3, 3]
    assert queue.items[0].reasons == ["Причина 04"] * 3
    html = response.content.decode()
    assert "Причина 04" in html and "Причина 01" not in html  # only the reasons of the page
    assert 'id="queue-comment-' in html and "Сторінки поскаржених дописів" in html
    count, following = read(client, URL + queue.next_url)
    assert count == large
    assert _bodies(following.context["queue"]) == ["Спам 16", "Спам 01", "Спам 02"]
    assert following.context["queue"].first_url == URL


def test_following_the_pages_reaches_every_reported_contribution_once(
    client: Client, target: Any, reporters: list[Any], moderator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moderation, "QUEUE_PAGE", 4)
    made = _grow(target, reporters, 1, 10)
    moderation.reports_dismiss(moderator=moderator, target=made[0])  # no open report: not listed
    client.force_login(moderator)
    seen: list[str] = []
    url = URL
    while True:
        page = client.get(url).context["queue"]
        assert len(page.items) <= 4
        seen += _bodies(page)
        if not page.next_url:
            break
        url = URL + page.next_url
    assert seen == ["Спам 04", "Спам 08"] + [f"Спам {n:02d}" for n in (2, 3, 5, 6, 7, 9, 10)]


def test_a_bad_cursor_shows_the_first_page(client: Client, target: Any, reporters: list[Any], moderator: Any) -> None:
    _grow(target, reporters, 1, 2)
    client.force_login(moderator)
    for cursor in ("nonsense", "WzEsMiwzXQ", "WyJ4IiwieSIsMSwiMiJd"):
        page = client.get(f"{URL}?after={cursor}").context["queue"]
        assert _bodies(page) == ["Спам 01", "Спам 02"]


def test_the_api_pages_the_queue_by_offset(target: Any, reporters: list[Any]) -> None:
    _grow(target, reporters, 1, 6)
    community = target.community
    every = [item.obj.body for item in moderation.moderation_queue(community)]
    assert every == ["Спам 04", "Спам 01", "Спам 02", "Спам 03", "Спам 05", "Спам 06"]
    assert [item.obj.body for item in moderation.moderation_queue(community, size=2, offset=3)] == every[3:5]


def test_blocked_accounts_are_a_bounded_page_newest_first(
    client: Client, community: Any, moderator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from uchast.core import pagination
    from uchast.core.models import UserBlock

    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)

    def block(start: int, count: int) -> None:
        for n in range(start, start + count):
            person = make_user(email=f"spammer{n}@example.org", full_name=f"Спамер {n:02d}")
            UserBlock.objects.create(community=community, user=person, blocked_by=moderator, reason=f"Спам {n:02d}")

    block(0, 4)
    client.force_login(moderator)
    client.get(URL)
    small, _response = read(client, URL)
    block(4, 8)
    large, response = read(client, URL)
    assert large == small
    blocks = response.context["blocks"]
    assert [b.reason for b in blocks.items] == ["Спам 11", "Спам 10", "Спам 09"]
    assert "Сторінки заблокованих облікових записів" in response.content.decode()
    count, following = read(client, URL + blocks.next_url)
    assert count == large
    assert [b.reason for b in following.context["blocks"].items] == ["Спам 08", "Спам 07", "Спам 06"]


def test_comments_are_linked_by_their_permalinks_at_no_query_each(
    client: Client, community: Any, reporters: list[Any], moderator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a comment is shown (which page of its discussion) is found when its link is followed,
    so a page of the queue costs the same with one comment on it as with a full page."""
    from uchast.petitions import services
    from uchast.testing.factories import make_verified_resident

    monkeypatch.setattr(moderation, "QUEUE_PAGE", 3)
    author = make_verified_resident(community, email="petitioner@example.org")
    petition = services.petition_create(
        author=author, community=community, title="Укриття", text="Потрібне укриття біля школи на вулиці Миру."
    )
    petition = services.petition_publish(
        petition=services.petition_submit(petition=petition, actor=author), actor=moderator
    )

    def report(start: int, count: int) -> None:
        for n in range(start, start + count):
            comment = comments.comment_create(author=author, target=petition, body=f"Спам {n:02d}")
            moderation.contribution_report(reporter=reporters[0], target=comment, reason="Спам")

    report(0, 1)
    client.force_login(moderator)
    client.get(URL)
    one, _response = read(client, URL)
    report(1, 4)
    full, response = read(client, URL)
    assert full == one
    html = response.content.decode()
    for item in response.context["queue"].items:
        assert item.url == f"/comments/{item.obj.pk}/" and f'href="{item.url}"' in html
