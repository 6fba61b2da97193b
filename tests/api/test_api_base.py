from __future__ import annotations

import pytest

from uchast.accounts import services

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_published(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Uchast API"
    assert "/api/v1/community" in schema["paths"] and "/api/v1/me" in schema["paths"]
    # /api/ is an alias of the current version: the same document, the same operations.
    assert client.get("/api/openapi.json").json() == schema


def test_unversioned_alias_answers_like_v1(client, community, resident):
    assert client.get("/api/community").json() == client.get("/api/v1/community").json()
    _token, key = services.api_token_create(user=resident, name="alias")
    for prefix in ("/api/", "/api/v1/"):
        response = client.get(prefix + "me", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200, prefix


def test_community_endpoint(client, community):
    data = client.get("/api/community").json()
    assert data["name_uk"] == community.name_uk
    assert {d["code"] for d in data["districts"]} == {"center", "stepove"}


def test_community_endpoint_without_community_is_a_json_404(client, db):
    response = client.get("/api/community")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_community"


def test_me_requires_authentication_with_stable_error_shape(client, db):
    response = client.get("/api/me", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert "Увійдіть" in error["message"]


def test_me_with_bearer_token(client, resident):
    _token, key = services.api_token_create(user=resident, name="test")
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["email"] == resident.email
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer uch_wrong").status_code == 401


def test_update_profile_with_wrong_types_is_422_in_users_language(client, resident):
    _token, key = services.api_token_create(user=resident, name="test")
    response = client.put(
        "/api/me",
        data={"name": 5, "preferred_language": "uk", "notification_preferences": "yes"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"] == "Some values are missing or have the wrong type."
    assert {d["field"] for d in error["details"]} >= {"body.payload.notification_preferences"}
    resident.refresh_from_db()
    assert resident.full_name == "Олена Шевчук"


def test_update_profile(client, resident):
    _token, key = services.api_token_create(user=resident, name="test")
    response = client.put(
        "/api/me",
        data={"name": "Олена", "preferred_language": "en", "notification_preferences": {"answers": False}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    assert response.json()["notification_preferences"]["answers"] is False


def test_malformed_json_is_a_clean_error(client, resident):
    _token, key = services.api_token_create(user=resident, name="test")
    response = client.put(
        "/api/me", data="{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code in (400, 422)
    assert "error" in response.json()


def test_session_auth_needs_csrf_for_writes(resident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    response = client.put(
        "/api/me",
        data={"name": "X", "preferred_language": "uk", "notification_preferences": {}},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    resident.refresh_from_db()
    assert resident.full_name == "Олена Шевчук"


def test_unknown_api_path_is_json_404(client, db):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404


def test_token_clients_write_without_csrf_but_sessions_cannot(resident):
    from django.test import Client

    _token, key = services.api_token_create(user=resident, name="script")
    strict = Client(enforce_csrf_checks=True)
    payload = {"name": "Олена", "preferred_language": "uk", "notification_preferences": {}}
    response = strict.put("/api/me", data=payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    response = strict.put("/api/me", data=payload, content_type="application/json", HTTP_X_API_KEY=key)
    assert response.status_code == 200
