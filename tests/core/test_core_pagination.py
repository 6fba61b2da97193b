"""Keyset and id pages: every row once across pages, a bounded page whatever is asked, and a bad
cursor shows the first page (never a 500)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from uchast.accounts.models import User
from uchast.core.pagination import MAX_PAGE_SIZE, decode_cursor, encode_cursor, id_page, keyset_page, page_of

pytestmark = pytest.mark.django_db


def _walk(order: tuple[str, ...], size: int) -> list[int]:
    seen, url = [], "/list/?q=x"
    for _ in range(50):
        page = keyset_page(User.objects.all(), RequestFactory().get(url), order=order, size=size)
        seen += [u.pk for u in page.items]
        assert len(page.items) <= size
        if not page.next_url:
            return seen
        assert "q=x" in page.next_url  # filters kept
        url = "/list/" + page.next_url
    raise AssertionError("no last page")


def test_keyset_pages_cover_every_row_once_in_order() -> None:
    User.objects.bulk_create(User(email=f"p{n}@example.org", full_name=f"{n % 3}") for n in range(11))
    expected = list(User.objects.order_by("-full_name", "pk").values_list("pk", flat=True))
    assert _walk(("-full_name", "pk"), 4) == expected
    assert _walk(("-pk",), 3) == sorted(expected, reverse=True)


@pytest.mark.parametrize("cursor", ["", "%%%", "bm90IGpzb24", encode_cursor(["x"]), encode_cursor([1, 2]), "A" * 500])
def test_a_bad_cursor_shows_the_first_page(cursor: str) -> None:
    User.objects.bulk_create(User(email=f"c{n}@example.org") for n in range(5))
    page = keyset_page(User.objects.all(), RequestFactory().get("/", {"after": cursor}), order=("-pk",), size=2)
    assert [u.pk for u in page.items] == list(User.objects.order_by("-pk").values_list("pk", flat=True)[:2])


def test_a_page_is_never_larger_than_the_bound() -> None:
    User.objects.bulk_create(User(email=f"b{n}@example.org") for n in range(MAX_PAGE_SIZE + 5))
    page = keyset_page(User.objects.all(), RequestFactory().get("/"), order=("pk",), size=10_000)
    assert len(page.items) == MAX_PAGE_SIZE and page.next_url


def test_id_pages_follow_the_given_order_and_clamp_the_number() -> None:
    users = User.objects.bulk_create(User(email=f"i{n}@example.org") for n in range(7))
    ids = [u.pk for u in reversed(users)]
    second = id_page(ids, User.objects.all(), RequestFactory().get("/", {"page": "2"}), size=3)
    assert [u.pk for u in second.items] == ids[3:6] and second.total == 7 and second.next_url and second.first_url
    beyond = id_page(ids, User.objects.all(), RequestFactory().get("/", {"page": "99"}), size=3)
    assert [u.pk for u in beyond.items] == ids[6:] and not beyond.next_url
    assert id_page(ids, User.objects.all(), RequestFactory().get("/", {"page": "x"}), size=3).items[0].pk == ids[0]


def test_cursor_round_trip() -> None:
    assert decode_cursor(encode_cursor(["2026-12-04T10:00:00+00:00", 5]), 2) == ["2026-12-04T10:00:00+00:00", 5]
    assert decode_cursor(encode_cursor([True]), 1) is None


def test_page_of_links_the_next_page_by_the_last_shown_row() -> None:
    """``page_of`` serves lists that read their own keyset (the moderation queue over grouped
    reports): the rows read are one more than the page, the extra one only says a next page exists."""
    request = RequestFactory().get("/list/?q=x&after=old")
    page = page_of([1, 2, 3, 4], request, size=3, cursor=lambda n: [n, "a"], from_cursor=True)
    assert page.items == [1, 2, 3]
    assert page.next_url == f"?q=x&after={encode_cursor([3, 'a'])}" and page.first_url == "?q=x"
    last = page_of([7], RequestFactory().get("/list/"), size=3, cursor=lambda n: [n], from_cursor=False)
    assert last.items == [7] and last.next_url == "" and last.first_url == ""
