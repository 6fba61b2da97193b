"""What an organisation did on the platform, told by the modules above this floor.

Participation modules may not be imported from here (they sit above), so each one that lets people
act on behalf of an organisation registers a source in its ``AppConfig.ready()``:
``activity.add_source(fn)``, where ``fn(organisation)`` returns the public items only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_SOURCES: list[Callable[[Any], list[ActivityItem]]] = []


@dataclass(frozen=True)
class ActivityItem:
    kind: str  # translated, e.g. "Petition"
    title: str
    url: str
    when: datetime | None


def add_source(fn: Callable[[Any], list[ActivityItem]]) -> None:
    if fn not in _SOURCES:
        _SOURCES.append(fn)


def activity_of(organisation: Any) -> list[ActivityItem]:
    items = [item for source in _SOURCES for item in source(organisation)]
    return sorted(items, key=lambda i: (i.when is None, -(i.when.timestamp() if i.when else 0)))
