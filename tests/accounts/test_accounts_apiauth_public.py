"""A token sent is read on the public reads too (``accounts.apiauth.PUBLIC``), by the rules of the
signed-in operations: a live token signs its owner in, a bad one is refused with 401, a token
without ``read`` with ``insufficient_scope``; without a token nothing changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from uchast.accounts import apiauth, services
from uchast.accounts.models import ApiToken
from uchast.api.api import api

pytestmark = pytest.mark.django_db

PUBLIC_READ = "/api/v1/community"


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _refusal(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_a_live_token_signs_in_on_a_public_read_and_is_marked_used(
    client: Client, community: Any, resident: Any
) -> None:
    token, key = services.api_token_create(user=resident, name="script", scopes=("read",))
    assert client.get(PUBLIC_READ, **_bearer(key)).status_code == 200
    assert client.get(PUBLIC_READ, HTTP_X_API_KEY=key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("fault", ["unknown", "expired", "revoked", "owner_inactive"])
def test_a_bad_token_on_a_public_read_answers_401(client: Client, community: Any, resident: Any, fault: str) -> None:
    token, key = services.api_token_create(user=resident, name="script")
    if fault == "unknown":
        key = ApiToken.new_key()
    elif fault == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif fault == "revoked":
        services.api_token_revoke(user=resident, token_id=token.pk)
    else:
        resident.is_active = False
        resident.save()
    for headers in (_bearer(key), {"HTTP_X_API_KEY": key}):
        response = client.get(PUBLIC_READ, **headers)
        assert _refusal(response) == (401, "not_authenticated")
    assert client.get(PUBLIC_READ).status_code == 200  # the same read without a token


def test_the_401_is_in_the_request_language(client: Client, community: Any) -> None:
    english = client.get(PUBLIC_READ, HTTP_ACCEPT_LANGUAGE="en", **_bearer("uch_wrong"))
    ukrainian = client.get(PUBLIC_READ, HTTP_ACCEPT_LANGUAGE="uk", **_bearer("uch_wrong"))
    assert english.json()["error"]["message"] == "Sign in or send a valid API token."
    assert ukrainian.json()["error"]["message"] != english.json()["error"]["message"]


def test_a_bad_token_beside_a_session_is_refused_not_passed_to_the_session(
    client: Client, community: Any, resident: Any
) -> None:
    client.force_login(resident)
    assert _refusal(client.get(PUBLIC_READ, **_bearer("uch_wrong"))) == (401, "not_authenticated")
    assert _refusal(client.get("/api/v1/me", **_bearer("uch_wrong"))) == (401, "not_authenticated")
    assert client.get(PUBLIC_READ).status_code == 200
    assert client.get("/api/v1/me").status_code == 200  # the session alone, as before


def test_a_token_without_read_scope_is_refused_on_a_public_read(client: Client, community: Any, resident: Any) -> None:
    _token, key = services.api_token_create(user=resident, name="writer", scopes=("participate",))
    assert _refusal(client.get(PUBLIC_READ, **_bearer(key))) == (403, "insufficient_scope")
    assert _refusal(client.get(PUBLIC_READ, HTTP_X_API_KEY=key)) == (403, "insufficient_scope")


def test_without_a_token_a_public_read_is_anonymous_as_before(client: Client, community: Any) -> None:
    response = client.get(PUBLIC_READ)
    assert response.status_code == 200 and response.json()["slug"] == community.slug
    # Another scheme in Authorization is no token of ours: still anonymous.
    assert client.get(PUBLIC_READ, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 200


def test_a_token_is_looked_up_once_per_request(
    client: Client, community: Any, resident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _token, key = services.api_token_create(user=resident, name="script")
    calls: list[str] = []
    real = apiauth.token_for_api_key

    def counted(found: str) -> Any:
        calls.append(found)
        return real(found)

    monkeypatch.setattr(apiauth, "token_for_api_key", counted)
    for path in (PUBLIC_READ, "/api/v1/me"):
        calls.clear()
        assert client.get(path, **_bearer(key)).status_code == 200
        assert calls == [key]


def test_every_public_operation_documents_the_optional_token_and_its_401() -> None:
    schema = api.get_openapi_schema()
    public = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if {} in operation.get("security", [])
    ]
    assert ("/api/v1/community", "get") in {(p, m) for p, m, _o in public}
    for path, method, operation in public:
        assert {"BearerTokenAuth": []} in operation["security"], (path, method)
        assert 401 in operation["responses"] and 403 in operation["responses"], (path, method)
    # Every operation says how it is authenticated: a token, a session, or a token or nobody.
    assert all("security" in o for methods in schema["paths"].values() for o in methods.values())


def test_a_staff_members_token_needs_the_staff_scope_on_a_public_read(
    client: Client, community: Any, official: Any
) -> None:
    """A public read shows staff what staff may see (personal data of appeals, drafts awaiting
    moderation): through a token that is a staff read, which needs the ``staff`` scope, made only
    after a fresh second factor. A token without it is refused, with the scope named."""
    _token, read_only = services.api_token_create(user=official, name="script", scopes=("read",))
    response = client.get(PUBLIC_READ, **_bearer(read_only))
    assert _refusal(response) == (403, "insufficient_scope") and "staff" in response.json()["error"]["message"]
    assert _refusal(client.get(PUBLIC_READ, HTTP_X_API_KEY=read_only)) == (403, "insufficient_scope")
    _token, staff = services.api_token_create(
        user=official, name="desk", scopes=("read", "staff"), second_factor_recent=True
    )
    assert client.get(PUBLIC_READ, **_bearer(staff)).status_code == 200
