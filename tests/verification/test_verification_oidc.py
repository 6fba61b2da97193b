"""OpenID Connect end to end against a real provider on loopback (code flow, PKCE, signed ID token)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from uchast.testing.factories import make_user
from uchast.verification.identity import key_for
from uchast.verification.models import Verification

pytestmark = pytest.mark.django_db


def _to_provider(client: Any) -> str:
    """Start at Uchast; return the callback URL (path + query) the provider redirects back to."""
    start = client.get("/verification/oidc/testid/")
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    answer = requests.get(authorize, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlparse(answer.headers["Location"])
    return back.path + "?" + back.query


def test_oidc_login_verifies_with_mapped_claims(client, community, resident, oidc_config, oidc_server):
    client.force_login(resident)
    callback = _to_provider(client)
    response = client.get(callback)
    assert response.status_code == 302
    verification = Verification.objects.get(user=resident)
    assert verification.method == "oidc:testid" and verification.basis == "provider"
    assert verification.birth_date.isoformat() == "1988-02-29"
    assert verification.identity_key == key_for("rnokpp", "3206513580")
    assert verification.verified_by_label == "TestID"
    assert oidc_server.token_requests == 1


def test_replayed_state_is_refused_and_changes_nothing(client, community, resident, oidc_config, oidc_server):
    client.force_login(resident)
    callback = _to_provider(client)
    client.get(callback)
    Verification.objects.all().delete()
    replay = client.get(callback, follow=True)
    assert Verification.objects.count() == 0
    assert oidc_server.token_requests == 1  # refused before talking to the provider
    html = replay.content.decode()
    assert "використано" in html or "already used" in html


def test_forged_state_is_refused(client, community, resident, oidc_config):
    client.force_login(resident)
    client.get("/verification/oidc/testid/")
    client.get("/verification/oidc-callback/?state=forged&code=x")
    assert not Verification.objects.exists()


def test_id_token_signed_with_unknown_key_is_refused(client, community, resident, oidc_config, oidc_server):
    oidc_server.sign_with_wrong_key = True
    client.force_login(resident)
    callback = _to_provider(client)
    response = client.get(callback, follow=True)
    assert not Verification.objects.exists()
    assert "error" in response.content.decode()


def test_code_tampered_pkce_is_refused(client, community, resident, oidc_config, oidc_server):
    client.force_login(resident)
    callback = _to_provider(client)
    session = client.session
    pending = session["verification_oidc"]
    for attempt in pending.values():
        attempt["verifier"] = "x" * 64  # a verifier that does not match the challenge
    session["verification_oidc"] = pending
    session.save()
    client.get(callback)
    assert not Verification.objects.exists()


def test_second_account_with_same_provider_identity_is_refused(client, community, resident, oidc_config):
    client.force_login(resident)
    client.get(_to_provider(client))
    other = make_user()
    client.force_login(other)
    response = client.get(_to_provider(client), follow=True)
    assert not Verification.objects.filter(user=other).exists()
    assert response.status_code == 200


def test_registered_address_claim_in_community_gives_registered_basis(
    client, community, resident, oidc_config, oidc_server
):
    oidc_server.claims["address"] = {"katottg": community.katottg}
    client.force_login(resident)
    client.get(_to_provider(client))
    assert Verification.objects.get(user=resident).basis == "registered"


def test_missing_client_secret_gives_a_clear_message(client, community, resident, oidc_config, monkeypatch):
    monkeypatch.delenv("UCHAST_TEST_OIDC_SECRET")
    client.force_login(resident)
    response = client.get("/verification/oidc/testid/", follow=True)
    assert response.status_code == 200 and not Verification.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [{"aud": "someone-else"}, {"nonce": "replayed-nonce"}, {"exp": 1_000_000_000}, {"iss": "http://127.0.0.1:1"}],
    ids=["audience", "nonce", "expired", "issuer"],
)
def test_id_token_claims_are_validated(client, community, resident, oidc_config, oidc_server, tamper):
    oidc_server.tamper = tamper
    client.force_login(resident)
    response = client.get(_to_provider(client), follow=True)
    assert not Verification.objects.exists()
    assert "провайдер" in response.content.decode().lower()
