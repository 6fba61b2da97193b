"""Checks of a bounded list page (``core.pagination``): the same number of queries at two sizes, one
page shown, and a next link that leads to the following page. Tests set the page size small first
(``monkeypatch.setattr(pagination, "PAGE_SIZE", 3)``) so that a few rows make several pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext

#: Rows before and after the list grows: one page and a bit, then several pages.
SMALL, GROWTH = 4, 12


def _check(holds: bool, message: str) -> None:
    if not holds:
        raise AssertionError(message)


def read(client: Client, url: str) -> tuple[int, Any]:
    """The number of queries of one GET of ``url`` and its response (which must be 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    _check(response.status_code == 200, f"{url}: status {response.status_code}")
    return len(captured), response


def read_rows(client: Client, url: str, model: type[Model]) -> tuple[int, int, Any]:
    """The number of queries of one GET of ``url``, the number of ``model`` rows it loaded (as model
    instances) and its response (which must be 200). For a page that must not read a whole table
    in one query (a list of every row offered in a form), which a count of queries does not show."""
    loaded = 0
    from_db = model.from_db.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Model], db: str | None, field_names: Any, values: Any) -> Model:
        nonlocal loaded
        loaded += 1
        return from_db(cls, db, field_names, values)  # type: ignore[no-any-return]

    with mock.patch.object(model, "from_db", classmethod(counting)):
        count, response = read(client, url)
    return count, loaded, response


def assert_reads_none(client: Client, url: str, model: type[Model], *, grow: Callable[[int, int], Any]) -> Any:
    """Grow ``model``'s table with ``grow(start, count)`` from :data:`SMALL` rows to :data:`SMALL` +
    :data:`GROWTH`, measuring ``url`` at both sizes: the same queries, and not one ``model`` row
    loaded (a page offering every row in a form reads them in one query at any size: only the rows
    show it). Returns the response at the larger size."""
    grow(0, SMALL)
    client.get(url)  # the first request of a session fills memos
    small, small_rows, _ = read_rows(client, url, model)
    grow(SMALL, GROWTH)
    large, large_rows, response = read_rows(client, url, model)
    _check(large == small, f"{url}: {small} queries with {SMALL} rows, {large} with {SMALL + GROWTH}")
    _check(small_rows == large_rows == 0, f"{url}: loaded {small_rows}, then {large_rows} {model.__name__} rows")
    return response


def _shown(response: Any, page: str, label: Callable[[Any], Any], expected: list[Any], url: str) -> None:
    shown = [label(item) for item in response.context[page].items]
    _check(shown == expected, f"{url}: shows {shown!r}, expected {expected!r}")


def assert_keyset_list(
    client: Client,
    url: str,
    *,
    grow: Callable[[int, int], Any],
    page: str,
    label: Callable[[Any], Any],
    first: list[Any],
    then: list[Any],
) -> tuple[Any, Any]:
    """Grow the list with ``grow(start, count)`` from :data:`SMALL` rows to :data:`SMALL` +
    :data:`GROWTH`, measuring ``url`` at both sizes; the context's ``page`` (a ``Page``) must show
    ``first`` (as ``label`` tells its items) and its next link ``then``. Returns the two responses."""
    grow(0, SMALL)
    client.get(url)  # the first request of a session fills memos
    small, _ = read(client, url)
    grow(SMALL, GROWTH)
    large, response = read(client, url)
    _check(large == small, f"{url}: {small} queries with {SMALL} rows, {large} with {SMALL + GROWTH}")
    _shown(response, page, label, first, url)
    _check('rel="next"' in response.content.decode(), f"{url}: no link to the next page")
    following_url = url + response.context[page].next_url
    count, following = read(client, following_url)
    _check(count == large, f"{following_url}: {count} queries, the first page {large}")
    _shown(following, page, label, then, following_url)
    _check(following.context[page].first_url == url, f"{following_url}: the first page's link is not {url}")
    return response, following
