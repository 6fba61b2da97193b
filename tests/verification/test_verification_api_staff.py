"""Verification's staff operations through the API (issue 18): the same services, permissions and
audit entries as the staff pages, a token with the ``staff`` scope, refusals with their code."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from verification_helpers import rnokpp

from uchast.accounts.services import api_token_create
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_verified_resident, sign_in_reauthenticated
from uchast.verification.methods import is_enabled
from uchast.verification.models import (
    CensusEntry,
    CodeBatch,
    OidcProvider,
    OneTimeCode,
    Verification,
    VerificationStatus,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/verification/staff"
BIRTH = date(1990, 5, 17)


def _token(user: Any, *, staff: bool = True) -> dict[str, str]:
    scopes = ("read", "participate", "staff") if staff else ("read", "participate")
    _row, key = api_token_create(user=user, name="script", scopes=scopes, second_factor_recent=staff)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _send(method: str, path: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    call = getattr(Client(), method)
    return call(f"{API}{path}", body, content_type="application/json", **auth)


def _session(user: Any) -> Client:
    """A signed-in browser session: it has every scope, so only the permission can refuse."""
    client = Client()
    client.force_login(user)
    return client


def _code(response: Any) -> str:
    return response.json()["error"]["code"]


def _audited(action: str, obj: Any = None, actor: Any = None) -> bool:
    entries = AuditEntry.objects.filter(action=action)
    if obj is not None:
        entries = entries.filter(object_id=str(obj.pk))
    if actor is not None:
        entries = entries.filter(actor=actor)
    return entries.exists()


def test_revoke_a_confirmation(community: Any, official: Any, resident: Any) -> None:
    person = make_verified_resident(community)
    verification = Verification.objects.get(user=person)
    no_reason = _send("post", f"/verifications/{verification.pk}/revoke", {"reason": ""}, _token(official))
    assert no_reason.status_code == 422 and _code(no_reason) == "invalid_input"
    response = _send(
        "post", f"/verifications/{verification.pk}/revoke", {"reason": "Подвійний запис"}, _token(official)
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == VerificationStatus.REVOKED and response.json()["user"] == person.pk
    verification.refresh_from_db()
    assert verification.status == VerificationStatus.REVOKED and verification.decision_reason == "Подвійний запис"
    assert _audited("verification.revoked", verification, official)
    again = _send("post", f"/verifications/{verification.pk}/revoke", {"reason": "Ще раз"}, _token(official))
    assert again.status_code == 422 and _code(again) == "not_active"
    missing = _send("post", "/verifications/999999/revoke", {"reason": "Немає"}, _token(official))
    assert missing.status_code == 404 and _code(missing) == "not_found"


def test_staff_operations_refuse_residents_tokens_without_staff_and_anonymous(
    community: Any, official: Any, resident: Any
) -> None:
    verification = Verification.objects.get(user=make_verified_resident(community))
    path = f"/verifications/{verification.pk}/revoke"
    by_resident = _session(resident).post(f"{API}{path}", {"reason": "Ні"}, content_type="application/json")
    assert by_resident.status_code == 403 and _code(by_resident) == "forbidden"
    without_scope = _send("post", path, {"reason": "Ні"}, _token(official, staff=False))
    assert without_scope.status_code == 403 and _code(without_scope) == "insufficient_scope"
    anonymous = _send("post", path, {"reason": "Ні"}, {})
    assert anonymous.status_code == 401 and _code(anonymous) == "not_authenticated"
    verification.refresh_from_db()
    assert verification.status == VerificationStatus.ACTIVE and not _audited("verification.revoked")


def test_issue_a_code_sheet_shown_once(community: Any, official: Any, resident: Any) -> None:
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    body = {"label": "ЦНАП, 4 грудня", "size": 3, "expires_on": expires, "basis": "in_person"}
    response = _send("post", "/code-batches", body, _token(official))
    assert response.status_code == 201, response.content
    sheet = response.json()
    batch = CodeBatch.objects.get(pk=sheet["batch"])
    assert len(sheet["codes"]) == 3 == OneTimeCode.objects.filter(batch=batch).count()
    assert sheet["redeem_url"].endswith("/verification/code/") and sheet["number_required"] is True
    assert not OneTimeCode.objects.filter(code_hash__in=sheet["codes"]).exists()  # only keyed hashes are stored
    assert _audited("verification.codes_issued", batch, official)
    redeemed = Client().post(
        "/api/v1/verification/code",
        {"code": sheet["codes"][0], "person_kind": "rnokpp", "person_number": rnokpp(BIRTH, 1)},
        content_type="application/json",
        **_token(resident, staff=False),
    )
    assert redeemed.status_code == 200 and redeemed.json()["basis"] == "in_person"
    past = _send("post", "/code-batches", {**body, "expires_on": "2020-01-01"}, _token(official))
    assert past.status_code == 422 and _code(past) == "bad_expiry"
    provider_basis = _send("post", "/code-batches", {**body, "basis": "provider"}, _token(official))
    assert provider_basis.status_code == 422 and _code(provider_basis) == "bad_basis"
    too_many = _send("post", "/code-batches", {**body, "size": 501}, _token(official))
    assert too_many.status_code == 422 and _code(too_many) == "invalid_input"
    by_resident = _session(resident).post(f"{API}/code-batches", body, content_type="application/json")
    assert by_resident.status_code == 403 and _code(by_resident) == "forbidden"
    assert CodeBatch.objects.count() == 1


def _csv(*lines: str) -> SimpleUploadedFile:
    data = "\n".join(["number,kind,birth_date,basis,district", *lines]) + "\n"
    return SimpleUploadedFile("census.csv", data.encode(), content_type="text/csv")


def test_import_the_census_and_unlock_an_entry(community: Any, official: Any) -> None:
    people = [rnokpp(BIRTH, 1), rnokpp(date(1970, 1, 2), 2)]
    upload = _csv(f"{people[0]},rnokpp,1990-05-17,census,center", f"{people[1]},rnokpp,02.01.1970,idp,")
    response = Client().post(f"{API}/census", {"file": upload}, **_token(official))
    assert response.status_code == 200, response.content
    assert response.json() == {"total": 2, "added": 2, "removed": 0, "withdrawn": 0}
    assert CensusEntry.objects.count() == 2 and _audited("verification.census_imported", actor=official)
    assert all(number not in response.content.decode() for number in people)
    bad = Client().post(f"{API}/census", {"file": _csv("123,rnokpp,1990-05-17,census,")}, **_token(official))
    assert bad.status_code == 422 and _code(bad) == "census_invalid"
    assert [d["line"] for d in bad.json()["error"]["details"]] == [2]
    assert CensusEntry.objects.count() == 2  # nothing changed
    entry = CensusEntry.objects.first()
    assert entry is not None
    not_locked = _send("post", f"/census/{entry.pk}/unlock", {}, _token(official))
    assert not_locked.status_code == 409 and _code(not_locked) == "wrong_status"
    CensusEntry.objects.filter(pk=entry.pk).update(locked_at=timezone.now(), failed_claims=5)
    unlocked = _send("post", f"/census/{entry.pk}/unlock", {}, _token(official))
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
    assert _audited("verification.census_entry_unlocked", entry, official)
    missing = _send("post", "/census/999999/unlock", {}, _token(official))
    assert missing.status_code == 404


def test_switch_a_method_administrator_only(community: Any, official: Any, administrator: Any) -> None:
    refused = _send("put", "/methods/census", {"enabled": False}, _token(official))
    assert refused.status_code == 403 and _code(refused) == "forbidden"
    response = _send("put", "/methods/census", {"enabled": False}, _token(administrator))
    assert response.status_code == 200 and response.json() == {"method": "census", "enabled": False}
    assert not is_enabled(community, "census") and _audited("verification.method_switched", actor=administrator)
    unknown = _send("put", "/methods/telepathy", {"enabled": True}, _token(administrator))
    assert unknown.status_code == 404 and _code(unknown) == "not_found"


PROVIDER = {
    "name": "BankID",
    "slug": "bankid",
    "issuer": "https://id.example.gov.ua",
    "client_id": "uchast",
    "client_secret_env": "UCHAST_OIDC_BANKID_SECRET",
    "scopes": "openid profile",
    "claim_birth_date": "birthdate",
    "claim_document_number": "drfo",
    "identity_kind": "rnokpp",
    "validity_days": 365,
}


def test_add_change_and_switch_an_identity_provider(community: Any, official: Any, administrator: Any) -> None:
    auth = _token(administrator)
    refused = _send("post", "/providers", PROVIDER, _token(official))
    assert refused.status_code == 403 and _code(refused) == "forbidden"
    created = _send("post", "/providers", PROVIDER, auth)
    assert created.status_code == 201, created.content
    provider = OidcProvider.objects.get(pk=created.json()["id"])
    assert provider.claims_map["document_number"] == "drfo" and provider.enabled
    assert _audited("verification.provider_added", provider, administrator)
    taken = _send("post", "/providers", PROVIDER, auth)
    assert taken.status_code == 422 and _code(taken) == "provider_invalid"
    assert "slug" in {d["field"] for d in taken.json()["error"]["details"]}
    changed = _send("put", f"/providers/{provider.pk}", {**PROVIDER, "name": "Дія"}, auth)
    assert changed.status_code == 200 and changed.json()["name"] == "Дія"
    assert _audited("verification.provider_changed", provider, administrator)
    switched = _send("put", f"/providers/{provider.pk}/enabled", {"enabled": False}, auth)
    assert switched.status_code == 200 and switched.json()["enabled"] is False
    provider.refresh_from_db()
    assert provider.name == "Дія" and not provider.enabled
    assert _audited("verification.provider_switched", provider, administrator)
    missing = _send("put", "/providers/999999/enabled", {"enabled": True}, auth)
    assert missing.status_code == 404


def test_a_session_changes_providers_only_after_confirming_the_password_again(
    community: Any, administrator: Any
) -> None:
    """As the page (``reauthentication_required``): a session must have confirmed it recently."""
    plain = _session(administrator)
    held = plain.post(f"{API}/providers", PROVIDER, content_type="application/json")
    assert held.status_code == 403 and _code(held) == "reauthentication_required"
    assert not OidcProvider.objects.exists()
    confirmed = Client()
    sign_in_reauthenticated(confirmed, administrator)
    created = confirmed.post(f"{API}/providers", PROVIDER, content_type="application/json")
    assert created.status_code == 201 and OidcProvider.objects.get().slug == "bankid"
