"""Public reads from a PostgreSQL read replica, everything else from the primary.

With ``DATABASE_REPLICA_URL`` set, settings add the ``replica`` database and this router. Reads go
to the replica only inside a *public read*: a view marked :func:`public_read` (lists, results,
exports) serving an anonymous visitor, for the models of the participation modules and the audit
log. Everything else reads the primary: signed-in people see their own writes at once (a replica
lags by a few milliseconds to seconds), sessions, accounts and tasks never leave it, and any read
inside a transaction stays on the connection that writes. Writes and migrations go to the primary
only (the replica receives the schema and the rows by streaming replication).

Without a replica nothing changes: the marker costs one context-variable lookup.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

REPLICA = "replica"
#: The apps whose tables public pages read; accounts, sessions, tasks and the like never go.
PUBLIC_APPS = frozenset({"core", "budget", "petitions", "consultations", "organisations", "appeals"})

_Response = TypeVar("_Response", bound=HttpResponse | StreamingHttpResponse)

_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar("uchast_public_read", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_public() -> Iterator[None]:
    """Reads of public models inside this block may be served by the replica."""
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


def _replica_stream(content: Iterator[Any]) -> Iterator[Any]:
    # A streamed export is produced after the view returns: keep the marker while it runs.
    with reading_public():
        yield from content


def public_read(view: Callable[..., _Response]) -> Callable[..., _Response]:
    """Mark a view whose reads anonymous visitors may get from the replica (a streamed response
    keeps the marker while it streams)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> _Response:
        if not replica_configured() or request.user.is_authenticated or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reading_public():
            response = view(request, *args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            response.streaming_content = _replica_stream(cast(Iterator[bytes], response.streaming_content))
        return response

    return wrapper


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry (added by settings when ``DATABASE_REPLICA_URL`` is set)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if (
            _public_read.get()
            and model._meta.app_label in PUBLIC_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
