"""Redirects after an action go back only to this site."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from uchast.core.navigation import safe_next


@pytest.mark.parametrize(
    ("candidate", "secure", "expected"),
    [
        ("/budget/1/", False, "/budget/1/"),
        ("http://testserver/petitions/", False, "http://testserver/petitions/"),
        ("https://evil.example/", False, ""),
        ("//evil.example/", False, ""),
        ("javascript:alert(1)", False, ""),
        ("http://testserver/petitions/", True, ""),  # an HTTPS site never sends people to plain HTTP
        ("", False, ""),
    ],
)
def test_safe_next(candidate: str, secure: bool, expected: str) -> None:
    request = RequestFactory().get("/", secure=secure)
    assert safe_next(request, candidate) == expected
