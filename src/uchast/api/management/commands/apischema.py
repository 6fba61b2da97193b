"""``uchast apischema``: compare the API with the committed schema, or write it after an addition.

``uchast apischema --check`` lists breaking changes (exit 1); ``uchast apischema --write`` writes
``src/uchast/api/openapi-v1.json`` (review the diff: only additions belong in v1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

COMMITTED = Path(__file__).resolve().parents[2] / "openapi-v1.json"


def current_schema() -> dict[str, Any]:
    """The schema as the English documentation shows it, as plain JSON (lazy strings rendered)."""
    from ninja.responses import NinjaJSONEncoder

    from uchast.api.api import api

    with translation.override("en"):
        return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def rendered(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Check the API against the committed OpenAPI schema (--check) or write it anew (--write)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", action="store_true", help="write the current schema to the committed file")

    def handle(self, *args: Any, **options: Any) -> None:
        from uchast.api.compat import breaking_changes

        schema = current_schema()
        if options["write"]:
            COMMITTED.write_text(rendered(schema), encoding="utf-8")
            self.stdout.write(f"wrote {COMMITTED}")
            return
        problems = breaking_changes(json.loads(COMMITTED.read_text(encoding="utf-8")), schema)
        if problems:
            raise CommandError("breaking changes:\n" + "\n".join(problems))
        self.stdout.write("no breaking change")
