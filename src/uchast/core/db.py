"""Database helpers for the few statements that run on every request at the voting peak."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


@contextmanager
def hot_cursor() -> Iterator[CursorWrapper]:
    """A cursor whose statements PostgreSQL can keep prepared.

    Django's PostgreSQL cursors bind parameters on the client, so the server parses and plans every
    statement again; at the voting peak that doubles the database's work per ballot (measured in
    ``bench/voting.py``). This cursor binds on the server, so psycopg prepares a statement once it
    has run ``prepare_threshold`` times on the connection (settings: ``DB_PREPARE_THRESHOLD``).
    Statements must therefore be server-bindable: plain ``%s`` placeholders for values only, and
    one text for any number of values (``= ANY(%s)`` with a list, not a built ``IN (...)``).

    Elsewhere (SQLite) it is the ordinary cursor. Queries are logged and counted like any other
    (``CaptureQueriesContext``, ``django_assert_num_queries``), and errors come out as Django's.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each attribute of the `connection` proxy is a lookup
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    db.close_if_health_check_failed()  # as connection.cursor() does: a dead connection is replaced
    db.ensure_connection()
    raw = psycopg.Cursor(db.connection)
    wrapper = CursorDebugWrapper if db.queries_logged else CursorWrapper
    with wrapper(raw, db) as cursor:
        yield cursor
