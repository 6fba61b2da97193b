"""Bounded lists for public pages: every list shows at most one page, whatever the data's size.

Two kinds, both without ``COUNT(*)`` and without ``OFFSET`` over a big table:

- :func:`keyset_page` for lists that can be deep (petitions, signatures, the audit log): the page
  after a row is the rows that sort after it, found through the index on the ordering columns, so
  page 1,000 costs what page 1 costs. The cursor in the link is the last row's ordering values.
- :func:`id_page` for lists whose order is computed in Python over a bounded set of ids (a budget
  cycle's projects in a visitor's random order during voting): one query for the ids, one for the
  page's rows.

Pages link to the next page and back to the first (``core/includes/pager.html``); the other query
parameters (filters, search) are kept in the links.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, QueryDict

T = TypeVar("T", bound=models.Model)
Item = TypeVar("Item")

PAGE_SIZE = 20
#: The most a page may hold, whatever a caller asks for.
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    next_url: str = ""
    first_url: str = ""  # empty on the first page
    total: int | None = None  # known without counting (id pages) or None


def _url(request: HttpRequest, param: str, value: str | None) -> str:
    query: QueryDict = request.GET.copy()
    query.pop(param, None)
    if value is not None:
        query[param] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str, length: int) -> list[Any] | None:
    """The values of a cursor, or None for anything malformed (the first page is shown then)."""
    if not text or len(text) > 400:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != length:
        return None
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        return None
    return values


def sorting_after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows sorting strictly after ``values`` in ``order`` (each field "name" or "-name", non-null);
    with the order reversed, the rows before them."""
    # Built from the ordering fields alone: a seed such as ``Q(pk__in=[])`` would name the primary
    # key, which a grouped ``values()`` query then adds to its GROUP BY, undoing the grouping.
    parts = []
    equal = Q()
    for field, value in zip(order, values, strict=True):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        parts.append(equal & Q(**{f"{name}__{lookup}": value}))
        equal &= Q(**{name: value})
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition


def keyset_page(
    queryset: models.QuerySet[Any, Item],
    request: HttpRequest,
    *,
    order: Sequence[str],
    param: str = "after",
    size: int | None = None,
) -> Page[Item]:
    """One page of ``queryset`` in ``order`` (which must end with a unique field, e.g. ``-pk``, and
    name non-null fields), after the cursor in ``request.GET[param]``. One query. The rows may be
    model instances or, for a ``values()`` query grouped with aggregates, dicts."""
    size = max(1, min(size or PAGE_SIZE, MAX_PAGE_SIZE))
    values = decode_cursor(request.GET.get(param, ""), len(order))
    qs = queryset.order_by(*order)
    if values is not None:
        try:
            qs = qs.filter(sorting_after(order, values))
            rows = list(qs[: size + 1])
        except (ValueError, TypeError, ValidationError):
            rows, values = list(queryset.order_by(*order)[: size + 1]), None
    else:
        rows = list(qs[: size + 1])
    return page_of(
        rows,
        request,
        size=size,
        cursor=lambda row: [_value(row, f.lstrip("-")) for f in order],
        param=param,
        from_cursor=values is not None,
    )


def page_of(
    rows: list[Item],
    request: HttpRequest,
    *,
    size: int,
    cursor: Callable[[Item], Sequence[Any]],
    param: str = "after",
    from_cursor: bool,
) -> Page[Item]:
    """The page of ``rows`` read as ``size + 1`` after a cursor (or from the start): what
    :func:`keyset_page` does once it has its rows. ``cursor`` gives a row's ordering values, the next
    page's cursor; ``from_cursor`` says whether a cursor was followed."""
    items = rows[:size]
    next_url = _url(request, param, encode_cursor(cursor(items[-1]))) if len(rows) > size else ""
    first_url = _url(request, param, None) if from_cursor else ""
    return Page(items=items, next_url=next_url, first_url=first_url)


def _value(row: Any, name: str) -> Any:
    if isinstance(row, dict):  # a row of a values() query
        return row[name]
    value = row
    for part in name.split("__"):
        value = getattr(value, "pk" if part == "pk" else part)
    return value


def id_page(
    ids: Sequence[Any],
    queryset: models.QuerySet[T],
    request: HttpRequest,
    *,
    param: str = "page",
    size: int | None = None,
) -> Page[T]:
    """One page of rows given their ids in display order (a bounded list: its ids fit in memory);
    the page's rows come from ``queryset`` in one query. ``total`` is ``len(ids)``."""
    size = max(1, min(size or PAGE_SIZE, MAX_PAGE_SIZE))
    try:
        number = max(1, int(request.GET.get(param, "1")))
    except ValueError:
        number = 1
    start = min((number - 1) * size, max(0, (len(ids) - 1) // size * size))
    wanted = list(ids[start : start + size])
    by_id = queryset.in_bulk(wanted)
    items = [by_id[pk] for pk in wanted if pk in by_id]
    has_next = start + size < len(ids)
    return Page(
        items=items,
        next_url=_url(request, param, str(start // size + 2)) if has_next else "",
        first_url=_url(request, param, None) if start else "",
        total=len(ids),
    )
