"""API tokens carry scopes and expire (issue 18); a staff token needs a second factor confirmed
moments ago (a real sign-in with password and TOTP here)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from uchast.accounts import services
from uchast.accounts.models import ApiToken
from uchast.core.errors import ActionRefused
from uchast.testing.factories import TEST_PASSWORD, current_totp_code

pytestmark = pytest.mark.django_db

PROFILE = {"name": "Олена", "preferred_language": "uk", "notification_preferences": {}}


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_token_expires_after_90_days_by_default(client: Client, community: Any, resident: Any) -> None:
    token, key = services.api_token_create(user=resident, name="script")
    assert token.scopes == "read participate"
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert client.get("/api/v1/me", **_bearer(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/me", **_bearer(key))
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    assert client.get("/api/v1/me", HTTP_X_API_KEY=key).status_code == 401


def test_a_read_token_reads_but_does_not_write(client: Client, community: Any, resident: Any) -> None:
    _token, key = services.api_token_create(user=resident, name="reader", scopes=("read",))
    assert client.get("/api/v1/me", **_bearer(key)).status_code == 200
    response = client.put("/api/v1/me", PROFILE, content_type="application/json", **_bearer(key))
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"
    resident.refresh_from_db()
    assert resident.full_name == "Олена Шевчук"
    _token, writer = services.api_token_create(user=resident, name="writer", scopes=("participate",))
    assert client.put("/api/v1/me", PROFILE, content_type="application/json", **_bearer(writer)).status_code == 200
    assert client.get("/api/v1/me", **_bearer(writer)).json()["error"]["code"] == "insufficient_scope"


def test_only_staff_with_a_fresh_second_factor_get_a_staff_token(community: Any, resident: Any, official: Any) -> None:
    with pytest.raises(ActionRefused) as refused:
        services.api_token_create(user=resident, name="x", scopes=("staff",), second_factor_recent=True)
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionRefused) as refused:
        services.api_token_create(user=official, name="x", scopes=("staff",))
    assert refused.value.code == "second_factor_required"
    with pytest.raises(ActionRefused) as refused:
        services.api_token_create(user=official, name="x", scopes=("root",))
    assert refused.value.code == "invalid_scope"
    assert not ApiToken.objects.exists()


def _sign_in_with_totp(client: Client, user: Any) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    response = client.post(response["Location"], {"code": current_totp_code()})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_staff_token_through_the_profile_page(community: Any, official: Any) -> None:
    client = Client()
    client.force_login(official)  # signed in, but no second factor in this session
    response = client.post(reverse("accounts:token_create"), {"name": "review bot", "scopes": ["read", "staff"]})
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not ApiToken.objects.exists()
    fresh = Client()
    _sign_in_with_totp(fresh, official)
    response = fresh.post(reverse("accounts:token_create"), {"name": "review bot", "scopes": ["read", "staff"]})
    assert response.status_code == 201
    token = ApiToken.objects.get()
    assert token.scopes == "read staff" and token.user == official
    assert "uch_" in response.content.decode()
