"""My API tokens through the API (issue 18): listed, and revoked with the profile page's service and
audit entry; a token may revoke itself and is refused from then on."""

from __future__ import annotations

from typing import Any

import pytest

from uchast.accounts.models import ApiToken
from uchast.accounts.services import api_token_create
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _code(response: Any) -> str:
    return str(response.json()["error"]["code"])


def test_list_and_revoke_another_of_my_tokens(client, resident):
    current, key = api_token_create(user=resident, name="script")
    other, _other_key = api_token_create(user=resident, name="laptop")
    listed = client.get("/api/v1/me/tokens", **_bearer(key))
    assert listed.status_code == 200
    rows = {row["id"]: row for row in listed.json()}
    assert set(rows) == {current.pk, other.pk}
    assert rows[current.pk]["current"] is True and rows[other.pk]["current"] is False
    assert rows[other.pk]["scopes"] == ["read", "participate"] and "key_hash" not in rows[other.pk]

    revoked = client.delete(f"/api/v1/me/tokens/{other.pk}", **_bearer(key))
    assert revoked.status_code == 200 and revoked.json() == {"id": other.pk, "revoked": True}
    assert not ApiToken.objects.filter(pk=other.pk).exists()
    entry = AuditEntry.objects.get(action="accounts.api_token_revoked")
    assert entry.actor == resident and entry.object_id == str(other.pk)


def test_a_token_revokes_itself(client, resident):
    token, key = api_token_create(user=resident, name="leaked")
    assert client.delete(f"/api/v1/me/tokens/{token.pk}", **_bearer(key)).status_code == 200
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    refused = client.get("/api/v1/me/tokens", **_bearer(key))
    assert refused.status_code == 401 and _code(refused) == "not_authenticated"


def test_revoke_refusals(client, resident):
    _mine, key = api_token_create(user=resident, name="script")
    theirs, _their_key = api_token_create(user=make_user(), name="theirs")
    assert client.delete(f"/api/v1/me/tokens/{theirs.pk}").status_code == 401
    # Someone else's token is as unknown as a missing one: nothing says it exists.
    for token_id in (theirs.pk, 999999):
        missing = client.delete(f"/api/v1/me/tokens/{token_id}", **_bearer(key))
        assert missing.status_code == 404 and _code(missing) == "not_found"
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert _code(client.delete("/api/v1/me/tokens/abc", **_bearer(key))) == "invalid_input"
    _read_only, read_key = api_token_create(user=resident, name="reader", scopes=("read",))
    scoped = client.delete(f"/api/v1/me/tokens/{theirs.pk}", **_bearer(read_key))
    assert scoped.status_code == 403 and _code(scoped) == "insufficient_scope"
    assert not AuditEntry.objects.filter(action="accounts.api_token_revoked").exists()


def test_last_use_is_recorded_at_most_hourly_and_shown_to_the_owner(client, resident):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    token, key = api_token_create(user=resident, name="script")
    assert token.last_used_at is None
    client.force_login(resident)
    assert "ще не вжито" in client.get("/me/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    client.logout()

    assert client.get("/api/v1/me", **_bearer(key)).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < timedelta(minutes=1)

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me", **_bearer(key)).status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]
    token.refresh_from_db()
    assert token.last_used_at == first  # within the hour: no write

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(hours=2))
    listed = client.get("/api/v1/me/tokens", **_bearer(key)).json()
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(hours=2)  # older than the hour: written again
    assert listed[0]["last_used_at"] is not None
    client.force_login(resident)
    assert "востаннє вжито" in client.get("/me/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
