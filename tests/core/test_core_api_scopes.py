"""``require_staff``, the one check of every module's staff API operations: a token needs the
``staff`` scope before the permission is even asked (a read-only token of an official must not act as
staff), a session has every scope, and without the permission the answer is the one 403."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from uchast.accounts.services import api_token_create
from uchast.core.api.scopes import require_staff
from uchast.core.errors import ActionRefused

pytestmark = pytest.mark.django_db


def _request(user: Any, *scopes: str) -> Any:
    request = RequestFactory().post("/api/v1/anything")
    request.user = user
    if scopes:
        request.api_token, _key = api_token_create(
            user=user, name="test", scopes=scopes, second_factor_recent="staff" in scopes
        )
    return request


def test_a_staff_token_with_the_permission_passes(official: Any) -> None:
    require_staff(_request(official, "read", "staff"), "petitions.view_queue")


def test_a_session_has_every_scope(official: Any) -> None:
    require_staff(_request(official), "petitions.view_queue")


def test_a_token_without_the_staff_scope_is_refused_with_its_code(official: Any) -> None:
    with pytest.raises(ActionRefused) as refused:
        require_staff(_request(official, "read", "participate"), "petitions.view_queue")
    assert (refused.value.code, refused.value.status) == ("insufficient_scope", 403)


def test_without_the_permission_it_is_the_one_403(resident: Any) -> None:
    with pytest.raises(PermissionDenied):
        require_staff(_request(resident), "petitions.view_queue")
