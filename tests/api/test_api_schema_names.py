"""Two response or input schemas with the same class name are one component in the OpenAPI schema:
the later silently replaces the earlier, and clients are told the wrong fields (a moderation
``ReportOut`` once replaced the organisations' report in every competition operation)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ninja import Schema

import uchast.api.api  # noqa: F401 - imports every router, and so every schema the API uses


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_schema_of_ours_has_a_name_of_its_own() -> None:
    ours = {cls for cls in _subclasses(Schema) if cls.__module__.startswith("uchast.")}
    counts = Counter(cls.__name__ for cls in ours)
    shared = {name: sorted(c.__module__ for c in ours if c.__name__ == name) for name, n in counts.items() if n > 1}
    assert not shared, f"schemas sharing a name (rename one): {shared}"
