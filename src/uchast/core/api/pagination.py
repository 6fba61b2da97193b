"""The one way every API list pages (issue 18): ``?limit=`` (1 to 200, 50 by default) and
``?offset=`` (from 0), in a stable order; the last page is the one shorter than ``limit``.

Limit/offset rather than cursors: the lists are small (a community's projects, petitions), staff
edits do not reorder them, and the shape was already the petitions' one, so no client breaks.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

MAX_PAGE = 200
MAX_OFFSET = 1_000_000_000  # refuses absurd offsets (a database would choke on them) with a clear 422


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE, description="How many items (at most 200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


def page(items: Any, params: PageIn) -> list[Any]:
    """One page of ``items`` (a queryset is sliced in the database)."""
    return list(items[params.offset : params.offset + params.limit])
