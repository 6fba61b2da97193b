"""A process-local memo for hot reads that rarely change: the community being served, a voting
cycle and its frozen ballot rules.

Why not Django's cache: in production that is Redis, so a hit costs a network round trip and an
unpickle — about what the query it saves costs. These reads happen on every request at the voting
peak (``bench/voting.py``), so they are kept in the worker's own memory for a few seconds.

Staleness is bounded by the time to live and, within one process, removed at once by ``forget``
(called from ``post_save`` signals). Whoever memoises something must make sure a stale copy cannot
do harm: the budget's ballot statement re-checks the cycle's state in the database as it writes.
Values are shared between requests of a worker: callers must not mutate what they get.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_entries: dict[Hashable, tuple[float, Any]] = {}
_lock = threading.Lock()


def remember(key: Hashable, ttl: float, load: Callable[[], T]) -> T:
    """The value memoised under ``key`` if younger than ``ttl`` seconds, else ``load()`` (memoised)."""
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]  # type: ignore[no-any-return]
    value = load()
    with _lock:
        _entries[key] = (now + ttl, value)
    return value


def forget(namespace: str) -> None:
    """Drop every entry whose key is ``namespace`` or a tuple starting with it."""
    with _lock:
        for key in [k for k in _entries if k == namespace or (isinstance(k, tuple) and k and k[0] == namespace)]:
            del _entries[key]


def forget_key(key: Hashable) -> None:
    with _lock:
        _entries.pop(key, None)


def clear() -> None:
    """Drop everything (tests call this between tests: a rolled-back database sends no signal)."""
    with _lock:
        _entries.clear()
