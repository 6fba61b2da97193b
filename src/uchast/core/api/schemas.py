"""The API's one error shape, documented in the OpenAPI schema of every endpoint that can refuse."""

from __future__ import annotations

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict[str, str]] | str | dict[str, str]


class Error(Schema):
    error: ErrorBody
