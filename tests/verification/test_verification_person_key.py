"""The person key: one keyed key per human being, the same whichever method proved them."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from verification_helpers import png_upload, rnokpp

from uchast.testing.factories import make_user
from uchast.verification import services
from uchast.verification.identity import key_for, person_key_for, person_key_of_identity
from uchast.verification.models import DocumentSubmission, OneTimeCode, Verification, VerificationStatus
from uchast.verification.oidc import _grant_from_claims

pytestmark = pytest.mark.django_db

BIRTH = date(1990, 5, 17)
NUMBER = rnokpp(BIRTH, 41)


def _census(community, official, line: str) -> None:
    services.census_import(community=community, actor=official, data=f"number,kind,birth_date,basis\n{line}\n".encode())


def _codes(community, official, *, required: bool = True) -> list[str]:
    _batch, codes = services.code_batch_create(
        community=community,
        actor=official,
        label="hub",
        size=2,
        expires_on=timezone.localdate() + timedelta(days=5),
        number_required=required,
    )
    return codes


def test_person_key_is_the_same_whichever_method_proved_it(community, official, oidc_config):
    expected = person_key_for("rnokpp", NUMBER)
    assert expected == person_key_of_identity(key_for("rnokpp", NUMBER)) != key_for("rnokpp", NUMBER)
    # Census (the number is the person number).
    _census(community, official, f"{NUMBER},rnokpp,{BIRTH},census")
    census = services.census_claim(
        user=make_user(), community=community, kind="rnokpp", number=" ".join(NUMBER), birth_date=BIRTH
    )
    # Document review of an IDP certificate, with the person number beside it.
    submission = services.document_submit(
        user=make_user(),
        community=community,
        document_kind="idp_certificate",
        number_kind="idp_certificate",
        number="0312-2024-00417",
        birth_date=BIRTH,
        district=None,
        upload=png_upload(),
        person_kind="rnokpp",
        person_number=NUMBER,
    )
    document = services.document_approve(submission=submission, actor=official)
    # A hub code, the number entered when redeeming.
    code = services.code_redeem(
        user=make_user(),
        community=community,
        code=_codes(community, official)[0],
        person_kind="rnokpp",
        person_number=NUMBER,
    )
    # An identity provider whose claims map gives the РНОКПП (mapped as `drfo`).
    Verification.objects.filter(identity_key=key_for("rnokpp", NUMBER)).update(status=VerificationStatus.REVOKED)
    provider = _grant_from_claims(user=make_user(), community=community, provider=oidc_config, claims={"drfo": NUMBER})
    assert {census.person_key, document.person_key, code.person_key, provider.person_key} == {expected}


def test_an_idp_certificate_alone_gives_no_person_key(community, official):
    _census(community, official, f"4417-2023-998877,idp_certificate,{BIRTH},idp")
    verification = services.census_claim(
        user=make_user(), community=community, kind="idp_certificate", number="4417 2023 998877", birth_date=BIRTH
    )
    assert verification.identity_key and verification.person_key == ""
    with_number = services.census_claim(
        user=verification.user,
        community=community,
        kind="idp_certificate",
        number="4417 2023 998877",
        birth_date=BIRTH,
        person_kind="passport_book",
        person_number="kb 123456",
    )
    assert with_number.person_key == person_key_for("passport_book", "КВ123456")


def test_a_bad_person_number_is_refused_and_changes_nothing(community, official):
    _census(community, official, f"4417-2023-998877,idp_certificate,{BIRTH},idp")
    with pytest.raises(services.VerificationError) as refused:
        services.census_claim(
            user=make_user(),
            community=community,
            kind="idp_certificate",
            number="4417-2023-998877",
            birth_date=BIRTH,
            person_kind="rnokpp",
            person_number="1234567890",
        )
    assert refused.value.code == "bad_person_number" and "1234567890" not in refused.value.message
    assert not Verification.objects.exists()


def test_a_code_sheet_may_require_the_number(community, official, resident):
    codes = _codes(community, official)
    with pytest.raises(services.VerificationError) as refused:
        services.code_redeem(user=resident, community=community, code=codes[0])
    assert refused.value.code == "number_required"
    assert not OneTimeCode.objects.filter(redeemed_at__isnull=False).exists()  # the code is not spent
    with pytest.raises(services.VerificationError) as typo:
        services.code_redeem(
            user=resident, community=community, code=codes[0], person_kind="rnokpp", person_number="1234567890"
        )
    assert typo.value.code == "bad_person_number"
    assert not OneTimeCode.objects.filter(redeemed_at__isnull=False).exists()
    granted = services.code_redeem(
        user=resident, community=community, code=codes[0], person_kind="birth_certificate", person_number="I-БК 123456"
    )
    assert granted.person_key == person_key_for("birth_certificate", "I-БК123456")
    optional = _codes(community, official, required=False)
    other = services.code_redeem(user=make_user(), community=community, code=optional[0])
    assert other.status == VerificationStatus.ACTIVE and other.person_key == ""


def test_adding_the_person_number_later_once(client, community, official, resident):
    services.code_redeem(user=resident, community=community, code=_codes(community, official, required=False)[0])
    client.force_login(resident)
    page = client.get("/verification/")
    assert "/verification/person-number/" in page.content.decode()
    bad = client.post("/verification/person-number/", {"person_kind": "rnokpp", "person_number": "1234567890"})
    assert bad.status_code == 400 and "1234567890" not in bad.content.decode()
    done = client.post("/verification/person-number/", {"person_kind": "rnokpp", "person_number": NUMBER})
    assert done.status_code == 302
    assert Verification.objects.get(user=resident).person_key == person_key_for("rnokpp", NUMBER)
    # Set once: nobody moves their voice to another number.
    again = client.post("/verification/person-number/", {"person_kind": "id_card", "person_number": "123456789"})
    assert again.status_code == 400
    assert Verification.objects.get(user=resident).person_key == person_key_for("rnokpp", NUMBER)
    with pytest.raises(services.VerificationError) as nobody:
        services.verification_add_person_number(user=make_user(), community=community, kind="rnokpp", number=NUMBER)
    assert nobody.value.code == "not_active"


def test_document_rejection_and_account_deletion_drop_the_person_key(community, official, resident):
    submission = services.document_submit(
        user=resident,
        community=community,
        document_kind="registration",
        number_kind="passport_book",
        number="КВ123456",
        birth_date=BIRTH,
        district=None,
        upload=png_upload(),
    )
    assert submission.verification.person_key == person_key_for("passport_book", "КВ123456")
    rejected = services.document_reject(submission=submission, actor=official, reason="unreadable")
    assert rejected.person_key == "" and rejected.identity_key == ""
    _census(community, official, f"{NUMBER},rnokpp,{BIRTH},census")
    services.census_claim(user=resident, community=community, kind="rnokpp", number=NUMBER, birth_date=BIRTH)
    services.verification_anonymise(resident)
    assert not Verification.objects.filter(user=resident).exclude(person_key="").exists()


def test_the_migration_turns_stored_identity_keys_into_person_keys(community, official, oidc_config):
    fill = importlib.import_module("uchast.verification.migrations.0003_person_key_and_register").fill_person_keys
    rows = {
        "census": Verification.objects.create(
            user=make_user(),
            community=community,
            method="census",
            basis="census",
            status="active",
            identity_key=key_for("rnokpp", NUMBER),
        ),
        "provider": Verification.objects.create(
            user=make_user(),
            community=community,
            method="oidc:testid",
            basis="provider",
            status="active",
            identity_key=key_for("rnokpp", rnokpp(BIRTH, 42)),
        ),
        "idp_document": Verification.objects.create(
            user=make_user(),
            community=community,
            method="document",
            basis="idp",
            status="active",
            identity_key=key_for("idp_certificate", "4417-2023-998877"),
        ),
        "code": Verification.objects.create(
            user=make_user(), community=community, method="code", basis="in_person", status="active"
        ),
    }
    DocumentSubmission.objects.create(
        verification=rows["idp_document"], document_kind="idp_certificate", number_kind="idp_certificate"
    )
    fill(apps, None)
    keys = {name: Verification.objects.get(pk=row.pk).person_key for name, row in rows.items()}
    assert keys == {
        "census": person_key_for("rnokpp", NUMBER),
        "provider": person_key_for("rnokpp", rnokpp(BIRTH, 42)),
        "idp_document": "",
        "code": "",
    }
