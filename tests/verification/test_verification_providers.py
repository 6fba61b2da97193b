"""Staff pages for identity providers: who may open them, what the form refuses, and that a provider
added here works end to end (and stops working when switched off). The secret never appears."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
import requests

from uchast.core.audit import verify_chain
from uchast.core.models import AuditEntry
from uchast.testing.factories import CommunityFactory, sign_in_reauthenticated
from uchast.verification import services
from uchast.verification.models import OidcProvider, Verification

pytestmark = pytest.mark.django_db

CLIENT_SECRET = "s3cret-for-the-loopback-provider"  # noqa: S105 - as in conftest's oidc_server
SECRET_ENV = "UCHAST_TEST_OIDC_SECRET"  # noqa: S105

LIST = "/verification/staff/providers/"
NEW = "/verification/staff/providers/new/"


def _data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "TestID",
        "slug": "testid",
        "issuer": "https://id.example.gov.ua",
        "client_id": "uchast-test",
        "client_secret_env": SECRET_ENV,
        "scopes": "openid profile",
        "claim_birth_date": "birthdate",
        "claim_katottg": "address.katottg",
        "claim_document_number": "drfo",
        "identity_kind": "rnokpp",
        "validity_days": "365",
    }
    data.update(overrides)
    return data


def _provider(community: Any, **overrides: Any) -> OidcProvider:
    values: dict[str, Any] = {
        "community": community,
        "slug": "bankid",
        "name": "BankID",
        "issuer": "https://bankid.example.org",
        "client_id": "uchast",
        "client_secret_env": SECRET_ENV,
        "claims_map": {"document_number": "drfo"},
    }
    values.update(overrides)
    return OidcProvider.objects.create(**values)


@pytest.mark.parametrize("url", [LIST, NEW, "provider"])
def test_pages_are_for_administrators_only(client, community, resident, official, administrator, url):
    if url == "provider":
        url = f"{LIST}{_provider(community).pk}/"
    assert client.get(url).status_code == 302 and "/accounts/login/" in client.get(url)["Location"]
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(official)
    assert client.get(url).status_code == 403
    client.force_login(administrator)  # pages open without the password again; changes ask for it
    assert client.get(url).status_code == 200


def test_nav_links_only_for_those_who_may_open_the_page(client, community, official, administrator):
    client.force_login(official)
    assert LIST not in client.get("/verification/staff/").content.decode()
    client.force_login(administrator)
    assert LIST in client.get("/verification/staff/").content.decode()


def test_posts_by_others_change_nothing(client, community, resident, official):
    provider = _provider(community)
    for user in (None, resident, official):
        if user is not None:
            client.force_login(user)
        client.post(LIST, {"provider": provider.pk, "enabled": "0"})
        client.post(NEW, _data())
        client.post(f"{LIST}{provider.pk}/", _data(name="Hacked"))
    provider.refresh_from_db()
    assert provider.enabled and provider.name == "BankID"
    assert OidcProvider.objects.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="verification.provider").exists()


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("slug", "Bank ID", ["латинськ", "Latin"]),
        ("issuer", "http://id.example.gov.ua", ["https://"]),
        ("issuer", "not a url", ["адрес", "address"]),
        ("issuer", "https://id.example.gov.ua/?x=1", ["?"]),
        ("client_secret_env", "my-secret", ["змінн", "variable"]),
        ("client_secret_env", "s3cret", ["змінн", "variable"]),
        ("client_secret_env", "SECRET_KEY", ["платформ", "platform"]),
        ("scopes", "profile email", ["openid"]),
        ("scopes", 'openid "x"', ["лапок", "quotes"]),
        ("claim_katottg", "address..katottg", ["address.katottg"]),
        ("claim_document_number", "drfo number", ["address.katottg"]),
        ("identity_kind", "ssn", ["ssn"]),
        ("validity_days", "0", ["1"]),
        ("validity_days", "3651", ["3650"]),
        ("validity_days", "many", ["числ", "number"]),
        ("name", "", ["обов", "required"]),
        ("client_id", "uchast test", ["пробіл", "spaces"]),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(client, community, administrator, field, value, words):
    sign_in_reauthenticated(client, administrator)
    response = client.post(NEW, _data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html, field
    error = html.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]
    assert any(word in error for word in words), error
    assert 'aria-invalid="true"' in html.split(f'name="{field}"', 1)[1].split(">", 1)[0] or field == "identity_kind"
    assert OidcProvider.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="verification.provider").exists()


def test_slug_must_be_unique_in_the_community_only(client, community, administrator):
    _provider(community, slug="testid")
    _provider(CommunityFactory(slug="insha"), slug="other")
    sign_in_reauthenticated(client, administrator)
    html = client.post(NEW, _data()).content.decode()
    assert 'id="id_slug_error"' in html and ("вже" in html or "already" in html)
    assert OidcProvider.objects.filter(community=community).count() == 1
    # Another community's slug does not count.
    assert client.post(NEW, _data(slug="other")).status_code == 302


def test_loopback_issuer_may_use_http(client, community, administrator):
    sign_in_reauthenticated(client, administrator)
    assert client.post(NEW, _data(issuer="http://127.0.0.1:8123")).status_code == 302
    assert client.post(NEW, _data(slug="local", issuer="http://localhost:8123/realm")).status_code == 302


def test_http_issuer_allowed_in_debug(client, community, administrator, settings):
    settings.DEBUG = True
    sign_in_reauthenticated(client, administrator)
    assert client.post(NEW, _data(issuer="http://id.example.test")).status_code == 302


def test_add_edit_and_switch_with_audit(client, community, administrator, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    sign_in_reauthenticated(client, administrator)
    response = client.post(NEW, _data(claim_birth_date="", scopes="  openid   profile  email "))
    assert response.status_code == 302 and response["Location"] == LIST
    provider = OidcProvider.objects.get()
    assert provider.community == community and provider.enabled
    assert provider.scopes == "openid profile email"
    assert provider.claims_map == {"katottg": "address.katottg", "document_number": "drfo"}  # empty = default
    assert provider.identity_kind == "rnokpp" and provider.validity_days == 365
    added = AuditEntry.objects.get(action="verification.provider_added")
    assert added.actor_id == administrator.pk and added.summary["slug"] == "testid"

    page = client.get(LIST).content.decode()
    assert "TestID" in page and "https://id.example.gov.ua" in page and "openid profile email" in page
    assert SECRET_ENV in page and ("не задано" in page or "is not set" in page)
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    page = client.get(LIST).content.decode()
    assert CLIENT_SECRET not in page and ("не задано" not in page and "is not set" not in page)

    edit_url = f"{LIST}{provider.pk}/"
    form = client.get(edit_url).content.decode()
    assert 'value="address.katottg"' in form and CLIENT_SECRET not in form
    assert client.post(edit_url, _data(name="TestID 2", validity_days="30")).status_code == 302
    provider.refresh_from_db()
    assert provider.name == "TestID 2" and provider.validity_days == 30
    changed = AuditEntry.objects.get(action="verification.provider_changed")
    assert set(changed.summary["changed"]) == {"name", "validity_days", "scopes", "claims_map"}
    # Saving without a change writes nothing.
    client.post(edit_url, _data(name="TestID 2", validity_days="30"))
    assert AuditEntry.objects.filter(action="verification.provider_changed").count() == 1

    assert client.post(LIST, {"provider": provider.pk, "enabled": "0"}).status_code == 302
    provider.refresh_from_db()
    assert not provider.enabled
    switched = AuditEntry.objects.get(action="verification.provider_switched")
    assert switched.summary == {"slug": "testid", "enabled": False}
    client.post(LIST, {"provider": provider.pk, "enabled": "1"})
    provider.refresh_from_db()
    assert provider.enabled
    assert AuditEntry.objects.filter(action="verification.provider_switched").count() == 2
    assert verify_chain()
    assert CLIENT_SECRET not in str(list(AuditEntry.objects.values_list("summary", flat=True)))


def test_other_communities_providers_are_not_reachable(client, community, administrator):
    foreign = _provider(CommunityFactory(slug="insha"))
    sign_in_reauthenticated(client, administrator)
    assert client.get(f"{LIST}{foreign.pk}/").status_code == 404
    assert client.post(LIST, {"provider": foreign.pk, "enabled": "0"}).status_code == 404
    assert client.post(LIST, {"provider": "x", "enabled": "0"}).status_code == 404
    assert client.get(f"{LIST}999999/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.enabled
    assert "BankID" not in client.get(LIST).content.decode()


def test_service_refuses_a_provider_of_another_community(community, administrator):
    foreign = _provider(CommunityFactory(slug="insha"))
    with pytest.raises(services.VerificationError):
        services.oidc_provider_save(
            community=community,
            actor=administrator,
            provider=foreign,
            **{
                "slug": "x",
                "name": "X",
                "issuer": "https://x.example.org",
                "client_id": "x",
                "client_secret_env": "X_SECRET",
                "scopes": "openid",
                "claims_map": {},
                "identity_kind": "rnokpp",
                "validity_days": 365,
            },
        )


def test_provider_added_on_the_page_confirms_and_switched_off_is_refused(
    client, community, resident, administrator, oidc_server
):
    sign_in_reauthenticated(client, administrator)
    assert client.post(NEW, _data(issuer=oidc_server.issuer)).status_code == 302
    provider = OidcProvider.objects.get()

    client.force_login(resident)
    assert "/verification/oidc/testid/" in client.get("/verification/").content.decode()
    start = client.get("/verification/oidc/testid/")
    assert start.status_code == 302
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    back = urlparse(answer.headers["Location"])
    callback = back.path + "?" + back.query

    # Switched off while the resident is at the provider: the answer is refused, nothing granted.
    sign_in_reauthenticated(client, administrator)
    client.post(LIST, {"provider": provider.pk, "enabled": "0"})
    client.force_login(resident)
    client.get(callback)
    assert not Verification.objects.filter(user=resident).exists()
    assert "/verification/oidc/testid/" not in client.get("/verification/").content.decode()
    assert client.get("/verification/oidc/testid/").status_code == 404

    # Switched on again, the provider confirms the resident with the mapped claims.
    sign_in_reauthenticated(client, administrator)
    client.post(LIST, {"provider": provider.pk, "enabled": "1"})
    client.force_login(resident)
    start = client.get("/verification/oidc/testid/")
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    back = urlparse(answer.headers["Location"])
    assert client.get(back.path + "?" + back.query).status_code == 302
    verification = Verification.objects.get(user=resident)
    assert verification.method == "oidc:testid" and verification.birth_date.isoformat() == "1988-02-29"


def test_pages_in_english(client, community, administrator):
    client.cookies["uchast_language"] = "en"
    _provider(community)
    sign_in_reauthenticated(client, administrator)
    html = client.get(LIST).content.decode()
    assert "Identity providers" in html and "Add an identity provider" in html
    html = client.post(NEW, _data(scopes="profile")).content.decode()
    assert "The scopes must include openid." in html
