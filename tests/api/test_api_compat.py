"""Stable contracts (issue 18): the v1 API never breaks its committed schema
(``src/uchast/api/openapi-v1.json``). After an addition: ``uchast apischema --write`` and commit
the file; a breaking change belongs in a new version, not in v1."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from uchast.api.compat import breaking_changes
from uchast.api.management.commands.apischema import COMMITTED, current_schema, rendered

pytestmark = pytest.mark.django_db

UPDATE = "Run `uchast apischema --write` and commit src/uchast/api/openapi-v1.json."


def _committed() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_the_api_keeps_every_promise_of_the_committed_schema() -> None:
    problems = breaking_changes(_committed(), current_schema())
    assert not problems, "Breaking changes to API v1:\n" + "\n".join(problems)


def test_the_committed_schema_is_up_to_date() -> None:
    assert rendered(current_schema()) == COMMITTED.read_text(encoding="utf-8"), UPDATE


@pytest.fixture
def schema() -> dict[str, Any]:
    return copy.deepcopy(_committed())


def test_a_removed_operation_is_breaking(schema: dict[str, Any]) -> None:
    new = copy.deepcopy(schema)
    del new["paths"]["/api/v1/petitions/{petition_id}/signature"]["delete"]
    assert breaking_changes(schema, new) == ["DELETE /api/v1/petitions/{petition_id}/signature: operation removed"]


def test_a_removed_response_field_is_breaking(schema: dict[str, Any]) -> None:
    new = copy.deepcopy(schema)
    del new["components"]["schemas"]["PetitionOut"]["properties"]["signature_count"]
    problems = breaking_changes(schema, new)
    assert any("signature_count: field removed" in p for p in problems), problems


def test_a_narrowed_type_is_breaking(schema: dict[str, Any]) -> None:
    new = copy.deepcopy(schema)
    new["components"]["schemas"]["ProfileIn"]["properties"]["name"] = {"type": "integer"}
    new["components"]["schemas"]["PetitionOut"]["properties"]["signature_count"] = {"type": "string"}
    problems = breaking_changes(schema, new)
    assert any("PUT /api/v1/me body.name: type" in p for p in problems), problems
    assert any("signature_count: type ['integer'] became ['string']" in p for p in problems), problems


def test_a_newly_required_parameter_is_breaking(schema: dict[str, Any]) -> None:
    new = copy.deepcopy(schema)
    new["paths"]["/api/v1/petitions/"]["get"]["parameters"].append(
        {"in": "query", "name": "token", "required": True, "schema": {"type": "string"}}
    )
    assert breaking_changes(schema, new) == ["GET /api/v1/petitions/: new required parameter token"]


def test_additions_are_not_breaking(schema: dict[str, Any]) -> None:
    new = copy.deepcopy(schema)
    new["paths"]["/api/v1/new-thing"] = {"get": {"responses": {"200": {"description": "OK"}}}}
    new["components"]["schemas"]["PetitionOut"]["properties"]["extra"] = {"type": "string"}
    new["paths"]["/api/v1/petitions/"]["get"]["parameters"].append(
        {"in": "query", "name": "extra", "required": False, "schema": {"type": "string"}}
    )
    assert breaking_changes(schema, new) == []


def test_schema_names_are_unique() -> None:
    """django-ninja names an OpenAPI component by its class name: two schemas of one name (two
    modules' ``AnswerIn``) would silently share one component and describe one of them wrongly."""
    from ninja import Schema

    from uchast.api.api import api

    api.get_openapi_schema()  # imports every router's schemas
    seen: dict[str, str] = {}
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.__module__.startswith("uchast."):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        assert seen.setdefault(cls.__name__, where) == where, (cls.__name__, seen[cls.__name__], where)
