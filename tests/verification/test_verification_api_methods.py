"""The resident's ways to confirm residence through the API, with a personal token (issue 18): the
same services, checks, attempt limits and audit entries as the pages; refusals with their code."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from verification_helpers import png_upload, rnokpp

from uchast.accounts import throttle
from uchast.accounts.services import api_token_create
from uchast.core.models import AuditEntry, District
from uchast.testing.factories import make_user, make_verified_resident
from uchast.verification import services
from uchast.verification.models import CensusEntry, DocumentSubmission, MethodSetting, Verification, VerificationStatus

pytestmark = pytest.mark.django_db

BIRTH = date(1990, 5, 17)
API = "/api/v1/verification"


def _token(user: Any, scopes: tuple[str, ...] = ("read", "participate")) -> dict[str, str]:
    _row, key = api_token_create(user=user, name="script", scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(path: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return Client().post(f"{API}{path}", body, content_type="application/json", **auth)


def _code(response: Any) -> str:
    return response.json()["error"]["code"]


def _audited(action: str, obj: Any) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).exists()


def _census(community: Any, official: Any, number: str, birth: date = BIRTH) -> None:
    data = f"number,kind,birth_date,basis,district\n{number},rnokpp,{birth.isoformat()},census,center\n".encode()
    services.census_import(community=community, actor=official, data=data)


# --- Status with a token ----------------------------------------------------------------------


def test_status_and_eligibility_read_a_personal_token(community: Any) -> None:
    person = make_verified_resident(community, basis="census")
    auth = _token(person)
    status = Client().get(f"{API}/status", **auth)
    assert status.status_code == 200 and status.json()["verified"] is True and status.json()["basis"] == "census"
    assert Client().get(f"{API}/eligibility/petition.sign", **auth).json()["action"] == "petition.sign"
    anonymous = Client().get(f"{API}/status")
    assert anonymous.status_code == 401 and _code(anonymous) == "not_authenticated"


def test_a_read_only_token_cannot_confirm(community: Any, resident: Any) -> None:
    response = _post(
        "/census", {"number_kind": "rnokpp", "number": "1", "birth_date": "1990-05-17"}, _token(resident, ("read",))
    )
    assert response.status_code == 403 and _code(response) == "insufficient_scope"


# --- Document ---------------------------------------------------------------------------------


def _document_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "document_kind": "idp_certificate",
        "number_kind": "idp_certificate",
        "number": "0312-202400417",
        "birth_date": "1990-05-17",
        "file": png_upload(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_document_upload_creates_a_pending_request_with_its_audit_entry(community: Any, resident: Any) -> None:
    district = District.objects.get(community=community, code="center")
    response = Client().post(f"{API}/document", _document_form(district=str(district.pk)), **_token(resident))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == VerificationStatus.PENDING and body["method"] == "document"
    assert "0312" not in response.content.decode()  # the number never comes back
    submission = DocumentSubmission.objects.get()
    assert submission.verification.pk == body["id"] and submission.verification.district == district
    assert submission.file.read().startswith(b"\xff\xd8")  # re-encoded by the same service as the page
    assert _audited("verification.document_submitted", submission.verification)
    again = Client().post(f"{API}/document", _document_form(), **_token(resident))
    assert again.status_code == 422 and _code(again) == "already_pending"


def test_document_refusals_carry_their_codes(community: Any, resident: Any, settings: Any) -> None:
    auth = _token(resident)
    not_an_image = SimpleUploadedFile("scan.png", b"not really a png", content_type="image/png")
    bad_type = Client().post(f"{API}/document", _document_form(file=not_an_image), **auth)
    assert bad_type.status_code == 422 and _code(bad_type) == "bad_file"
    pixels = settings.UCHAST_MAX_IMAGE_PIXELS
    settings.UCHAST_MAX_IMAGE_PIXELS = 1000  # the page's pixel limit applies too
    too_many = Client().post(f"{API}/document", _document_form(file=png_upload(size=(100, 100))), **auth)
    assert (
        too_many.status_code == 422
        and _code(too_many) == "bad_file"
        and "пікселів" in too_many.json()["error"]["message"]
    )
    settings.UCHAST_MAX_IMAGE_PIXELS = pixels
    no_file = Client().post(f"{API}/document", _document_form(file=None), **auth)
    assert no_file.status_code == 422 and _code(no_file) == "invalid_input"
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    unborn = Client().post(f"{API}/document", _document_form(birth_date=future), **auth)
    assert unborn.status_code == 422 and _code(unborn) == "invalid_input"
    elsewhere = Client().post(f"{API}/document", _document_form(district="999999"), **auth)
    assert elsewhere.status_code == 422 and _code(elsewhere) == "invalid_input"
    anonymous = Client().post(f"{API}/document", _document_form())
    assert anonymous.status_code == 401 and _code(anonymous) == "not_authenticated"
    MethodSetting.objects.create(community=community, method="document", enabled=False)
    switched_off = Client().post(f"{API}/document", _document_form(), **auth)
    assert switched_off.status_code == 404 and _code(switched_off) == "not_found"
    assert not DocumentSubmission.objects.exists()


# --- Census -----------------------------------------------------------------------------------


def test_census_claim_confirms_with_its_audit_entry(community: Any, resident: Any, official: Any) -> None:
    number = rnokpp(BIRTH, 1)
    _census(community, official, number)
    auth = _token(resident)
    wrong = _post("/census", {"number_kind": "rnokpp", "number": number, "birth_date": "1990-05-18"}, auth)
    assert wrong.status_code == 422 and _code(wrong) == "not_in_census" and number not in wrong.content.decode()
    response = _post("/census", {"number_kind": "rnokpp", "number": number, "birth_date": "1990-05-17"}, auth)
    assert response.status_code == 200, response.content
    assert response.json()["basis"] == "census" and response.json()["has_person_number"] is True
    verification = Verification.objects.get(user=resident, status=VerificationStatus.ACTIVE)
    assert verification.pk == response.json()["id"] and verification.district.code == "center"
    assert _audited("verification.granted", verification)
    other = _post(
        "/census", {"number_kind": "rnokpp", "number": number, "birth_date": "1990-05-17"}, _token(make_user())
    )
    assert other.status_code == 422 and _code(other) == "identity_in_use"


def test_census_claims_are_throttled_429(community: Any, resident: Any, official: Any) -> None:
    listed = rnokpp(BIRTH, 7)
    _census(community, official, listed)
    auth = _token(resident)
    limit = throttle.rates_for("census_claim", "account")[0].limit
    for serial in range(100, 100 + limit):
        refused = _post(
            "/census", {"number_kind": "rnokpp", "number": rnokpp(BIRTH, serial), "birth_date": "1990-05-17"}, auth
        )
        assert _code(refused) == "not_in_census"
    throttled = _post("/census", {"number_kind": "rnokpp", "number": listed, "birth_date": "1990-05-17"}, auth)
    assert throttled.status_code == 429 and _code(throttled) == "throttled"
    assert int(throttled.json()["error"]["details"]["retry_after"]) > 0
    assert not Verification.objects.exists()


def test_a_locked_census_entry_is_refused_409(community: Any, resident: Any, official: Any) -> None:
    listed = rnokpp(BIRTH, 8)
    _census(community, official, listed)
    CensusEntry.objects.update(locked_at=timezone.now())
    response = _post(
        "/census", {"number_kind": "rnokpp", "number": listed, "birth_date": "1990-05-17"}, _token(resident)
    )
    assert response.status_code == 409 and _code(response) == "census_locked"


# --- Code and person number -------------------------------------------------------------------


def test_code_redeemed_once_then_person_number_added(community: Any, resident: Any, official: Any) -> None:
    _batch, codes = services.code_batch_create(
        community=community,
        actor=official,
        label="ЦНАП",
        size=2,
        expires_on=timezone.localdate() + timedelta(days=30),
        number_required=False,
    )
    auth = _token(resident)
    wrong = _post("/code", {"code": "AAAA-BBBB-CCCC"}, auth)
    assert wrong.status_code == 422 and _code(wrong) == "bad_code"
    response = _post("/code", {"code": codes[0], "birth_date": "1990-05-17"}, auth)
    assert response.status_code == 200, response.content
    assert response.json()["method"] == "code" and response.json()["has_person_number"] is False
    verification = Verification.objects.get(user=resident, status=VerificationStatus.ACTIVE)
    used = _post("/code", {"code": codes[0]}, _token(make_user()))
    assert used.status_code == 422 and _code(used) == "code_used"
    bad = _post("/person-number", {"person_kind": "rnokpp", "person_number": "1234567890"}, auth)
    assert bad.status_code == 422 and _code(bad) == "bad_person_number"
    added = _post("/person-number", {"person_kind": "rnokpp", "person_number": rnokpp(BIRTH, 3)}, auth)
    assert added.status_code == 200 and added.json()["has_person_number"] is True
    assert _audited("verification.person_number_added", verification)
    twice = _post("/person-number", {"person_kind": "rnokpp", "person_number": rnokpp(BIRTH, 4)}, auth)
    assert twice.status_code == 422 and _code(twice) == "person_number_set"


def test_person_number_needs_a_confirmation_first(community: Any, resident: Any) -> None:
    response = _post("/person-number", {"person_kind": "rnokpp", "person_number": rnokpp(BIRTH, 5)}, _token(resident))
    assert response.status_code == 422 and _code(response) == "not_active"
    empty = _post("/person-number", {"person_kind": "rnokpp", "person_number": ""}, _token(resident))
    assert empty.status_code == 422 and _code(empty) == "invalid_input"
