"""Each method from the resident's and the staff's side; bad input answers clearly, changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from verification_helpers import png_upload, rnokpp

from uchast.accounts import throttle
from uchast.core.audit import verify_chain
from uchast.core.errors import ActionRefused
from uchast.testing.factories import make_user
from uchast.verification import services
from uchast.verification.identity import key_for
from uchast.verification.models import (
    CensusEntry,
    CodeBatch,
    DocumentSubmission,
    MethodSetting,
    OneTimeCode,
    Verification,
    VerificationStatus,
)
from uchast.verification.selectors import participation_decision

pytestmark = pytest.mark.django_db

BIRTH = date(1990, 5, 17)


def _files(root: Any) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


# --- Document review ------------------------------------------------------------------------


def _submit(client: Any, **overrides: Any) -> Any:
    data = {
        "document_kind": "idp_certificate",
        "number_kind": "idp_certificate",
        "number": "0312-202400417",
        "birth_date": "1990-05-17",
        "district": "",
        "file": png_upload(),
    }
    data.update(overrides)
    return client.post("/verification/document/", data)


def test_document_review_approved(client, community, resident, official, django_capture_on_commit_callbacks):
    client.force_login(resident)
    response = _submit(client)
    assert response.status_code == 302
    submission = DocumentSubmission.objects.get()
    assert submission.verification.status == VerificationStatus.PENDING
    stored = _files(settings.PRIVATE_MEDIA_ROOT)
    assert len(stored) == 1 and not _files(settings.MEDIA_ROOT)
    with pytest.raises(ValueError):
        submission.file.url  # noqa: B018 - no URL reaches a private file
    # The resident cannot open the file; a reviewer can, streamed, not cached.
    assert client.get(f"/verification/staff/document/{submission.pk}/file/").status_code in {403, 302, 404}
    client.force_login(official)
    assert "/verification/staff/document/" in client.get("/verification/staff/").content.decode()
    page = client.get(f"/verification/staff/document/{submission.pk}/").content.decode()
    assert "0312" not in page and "202400417" not in page
    file_response = client.get(f"/verification/staff/document/{submission.pk}/file/")
    assert file_response.status_code == 200 and "no-store" in file_response["Cache-Control"]
    assert b"".join(file_response.streaming_content).startswith(b"\xff\xd8")  # re-encoded, EXIF-free
    with django_capture_on_commit_callbacks(execute=True):  # the file is deleted after commit
        response = client.post(f"/verification/staff/document/{submission.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    verification = Verification.objects.get(user=resident)
    assert verification.status == VerificationStatus.ACTIVE and verification.basis == "idp"
    assert verification.identity_key == key_for("idp_certificate", "0312202400417")
    assert verification.verified_by == official
    assert not _files(settings.PRIVATE_MEDIA_ROOT)
    assert client.get(f"/verification/staff/document/{submission.pk}/file/").status_code == 404
    assert participation_decision(resident, community, "budget.vote").allowed
    assert verify_chain().ok


def test_document_rejected_with_reason(client, community, resident, official, django_capture_on_commit_callbacks):
    services.document_submit(
        user=resident,
        community=community,
        document_kind="registration",
        number_kind="id_card",
        number="001234567",
        birth_date=BIRTH,
        district=None,
        upload=png_upload(),
    )
    submission = DocumentSubmission.objects.get()
    client.force_login(official)
    response = client.post(f"/verification/staff/document/{submission.pk}/", {"decision": "reject", "reason": ""})
    assert response.status_code == 400  # reason required: the form is shown again with the error
    assert Verification.objects.get().status == VerificationStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/verification/staff/document/{submission.pk}/", {"decision": "reject", "reason": "Фото нечитабельне"}
        )
    verification = Verification.objects.get()
    assert verification.status == VerificationStatus.REJECTED
    assert verification.identity_key == ""
    assert not _files(settings.PRIVATE_MEDIA_ROOT)
    client.force_login(resident)
    assert "Фото нечитабельне" in client.get("/verification/").content.decode()
    # Deciding twice is refused.
    with pytest.raises(services.VerificationError):
        services.document_approve(submission=DocumentSubmission.objects.get(), actor=official)


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (lambda: SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (6 * 1024 * 1024)), "5"),
        (lambda: SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\nnot really an image"), ""),
        (lambda: SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), ""),
        (lambda: SimpleUploadedFile("empty.pdf", b""), ""),
    ],
)
def test_bad_uploads_are_refused_and_nothing_stored(client, community, resident, upload, fragment):
    client.force_login(resident)
    response = _submit(client, file=upload())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist"' in html and fragment in html
    assert "202400417" not in html  # the typed number is never sent back
    assert not Verification.objects.exists() and not DocumentSubmission.objects.exists()
    assert not _files(settings.PRIVATE_MEDIA_ROOT)


def test_bad_number_is_refused_without_echo(client, community, resident):
    client.force_login(resident)
    response = _submit(client, number_kind="rnokpp", number="1234567890")
    html = response.content.decode()
    assert response.status_code == 200 and "1234567890" not in html
    assert "помилка" in html or "перевірки" in html or "check" in html
    assert not Verification.objects.exists()


def test_second_pending_document_refused(community, resident):
    kwargs = dict(
        user=resident,
        community=community,
        document_kind="idp_certificate",
        number_kind="idp_certificate",
        number="5555",
        birth_date=BIRTH,
        district=None,
    )
    services.document_submit(upload=png_upload(), **kwargs)
    with pytest.raises(services.VerificationError) as refused:
        services.document_submit(upload=png_upload(), **kwargs)
    assert refused.value.code == "already_pending"
    assert DocumentSubmission.objects.count() == 1


def test_retention_task_purges_unreviewed_documents_and_expired_codes(
    community, resident, official, django_capture_on_commit_callbacks
):
    services.document_submit(
        user=resident,
        community=community,
        document_kind="idp_certificate",
        number_kind="idp_certificate",
        number="77777",
        birth_date=BIRTH,
        district=None,
        upload=png_upload(),
    )
    batch, codes = services.code_batch_create(
        community=community, actor=official, label="x", size=2, expires_on=timezone.localdate() + timedelta(days=1)
    )
    from uchast.verification.tasks import purge_expired_documents

    assert purge_expired_documents.call() == 0  # too fresh
    assert _files(settings.PRIVATE_MEDIA_ROOT)
    Verification.objects.update(created_at=timezone.now() - timedelta(days=services.DOCUMENT_RETENTION_DAYS + 1))
    CodeBatch.objects.update(expires_on=timezone.localdate() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("verification_purge")
    verification = Verification.objects.get()
    assert verification.status == VerificationStatus.REJECTED and verification.identity_key == ""
    assert not _files(settings.PRIVATE_MEDIA_ROOT)
    assert not OneTimeCode.objects.exists()
    assert verify_chain().ok


# --- Census list ----------------------------------------------------------------------------


def _census_csv(rows: list[str], header: str = "number,kind,birth_date,basis,district") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_census_import_and_claim(client, community, resident, official):
    people = [rnokpp(BIRTH, 1), rnokpp(date(1970, 1, 2), 2)]
    data = _census_csv([f"{people[0]},rnokpp,1990-05-17,census,center", f"{people[1]},rnokpp,02.01.1970,idp,"])
    client.force_login(official)
    response = client.post("/verification/staff/census/", {"file": SimpleUploadedFile("census.csv", data)})
    html = response.content.decode()
    assert "2" in html and CensusEntry.objects.count() == 2
    for number in people:
        assert number not in html
    client.force_login(resident)
    wrong = client.post(
        "/verification/census/", {"number_kind": "rnokpp", "number": people[0], "birth_date": "1990-05-18"}
    )
    assert wrong.status_code == 400 and people[0] not in wrong.content.decode()  # refused: the form again
    assert not Verification.objects.exists()
    response = client.post(
        "/verification/census/", {"number_kind": "rnokpp", "number": people[0], "birth_date": "1990-05-17"}
    )
    assert response.status_code == 302
    verification = Verification.objects.get(user=resident)
    assert (verification.basis, verification.district.code, verification.method) == ("census", "center", "census")
    # The same identity for a second account is refused.
    other = make_user()
    with pytest.raises(services.VerificationError) as refused:
        services.census_claim(user=other, community=community, kind="rnokpp", number=people[0], birth_date=BIRTH)
    assert refused.value.code == "identity_in_use"


def test_census_reimport_replaces_and_counts(community, official):
    a, b, c = rnokpp(BIRTH, 1), rnokpp(BIRTH, 2), rnokpp(BIRTH, 3)
    first = services.census_import(
        community=community,
        actor=official,
        data=_census_csv([f"{a},rnokpp,1990-05-17,census,", f"{b},rnokpp,1990-05-17,census,"]),
    )
    assert (first.total, first.added, first.removed) == (2, 2, 0)
    second = services.census_import(
        community=community,
        actor=official,
        data=_census_csv([f"{b},rnokpp,1990-05-17,idp,", f"{c},rnokpp,1990-05-17,census,"]),
    )
    assert (second.total, second.added, second.removed) == (2, 1, 1)
    assert set(CensusEntry.objects.values_list("basis", flat=True)) == {"idp", "census"}


def test_census_windows_1251_with_semicolons(community, official):
    data = (
        "номер;kind;birth_date;basis\n".replace("номер", "number") + "кв 123456;passport_book;17.05.1990;registered\n"
    )
    report = services.census_import(community=community, actor=official, data=data.encode("cp1251"))
    assert report.total == 1
    assert CensusEntry.objects.get().identity_key == key_for("passport_book", "КВ123456")


def test_census_errors_reported_per_line_and_nothing_changes(client, community, official):
    good = rnokpp(BIRTH, 1)
    services.census_import(community=community, actor=official, data=_census_csv([f"{good},rnokpp,1990-05-17,census,"]))
    bad = _census_csv(
        [
            f"{rnokpp(BIRTH, 2)},rnokpp,1990-05-17,census,",
            "1234567890,rnokpp,1990-05-17,census,",
            f"{rnokpp(BIRTH, 3)},rnokpp,17/05/1990,census,",
            f"{rnokpp(BIRTH, 4)},rnokpp,1990-05-17,martian,",
            f"{rnokpp(BIRTH, 5)},rnokpp,1990-05-17,census,nowhere",
            f"{rnokpp(BIRTH, 2)},rnokpp,1990-05-17,census,",
        ]
    )
    with pytest.raises(services.CensusImportError) as refused:
        services.census_import(community=community, actor=official, data=bad)
    assert [line for line, _ in refused.value.errors] == [3, 4, 5, 6, 7]
    assert CensusEntry.objects.count() == 1  # unchanged
    client.force_login(official)
    html = client.post("/verification/staff/census/", {"file": SimpleUploadedFile("c.csv", bad)}).content.decode()
    assert "Рядок 3" in html and "1234567890" not in html
    wrong_columns = client.post(
        "/verification/staff/census/", {"file": SimpleUploadedFile("c.csv", b"name,phone\nx,y\n")}
    ).content.decode()
    assert "number" in wrong_columns and CensusEntry.objects.count() == 1
    binary = client.post(
        "/verification/staff/census/", {"file": SimpleUploadedFile("c.csv", b"\x98\x00\xff\xfe" * 10)}
    ).content.decode()
    assert "UTF-8" in binary and CensusEntry.objects.count() == 1


# --- One-time codes -------------------------------------------------------------------------


def test_codes_sheet_and_single_use(client, community, resident, official):
    client.force_login(official)
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        "/verification/staff/codes/",
        {"label": "ЦНАП Дніпро", "size": "3", "expires_on": expires, "basis": "in_person", "district": ""},
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    codes = response.context["codes"]
    assert len(codes) == 3 and all(code in response.content.decode() for code in codes)
    assert OneTimeCode.objects.count() == 3
    assert not OneTimeCode.objects.filter(code_hash__in=codes).exists()  # only hashes stored
    client.force_login(resident)
    response = client.post(
        "/verification/code/", {"code": codes[0].lower().replace("-", " "), "birth_date": "1990-05-17"}
    )
    assert response.status_code == 302
    assert Verification.objects.get(user=resident).basis == "in_person"
    other = make_user()
    client.force_login(other)
    response = client.post("/verification/code/", {"code": codes[0], "birth_date": "1990-05-17"})
    assert "використано" in response.content.decode()
    assert not Verification.objects.filter(user=other).exists()


def test_wrong_and_expired_codes(community, resident, official):
    batch, codes = services.code_batch_create(
        community=community, actor=official, label="x", size=1, expires_on=timezone.localdate() + timedelta(days=3)
    )
    with pytest.raises(services.VerificationError) as wrong:
        services.code_redeem(user=resident, community=community, code="AAAA-BBBB-CCCC")
    assert wrong.value.code == "bad_code"
    CodeBatch.objects.update(expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(services.VerificationError) as expired:
        services.code_redeem(user=resident, community=community, code=codes[0])
    assert expired.value.code == "code_expired"
    assert not Verification.objects.exists()
    assert OneTimeCode.objects.get().redeemed_at is None
    with pytest.raises(services.VerificationError):
        services.code_batch_create(
            community=community, actor=official, label="x", size=1, expires_on=timezone.localdate()
        )


def test_code_brute_force_is_rate_limited(community, resident, official):
    batch, codes = services.code_batch_create(
        community=community, actor=official, label="x", size=1, expires_on=timezone.localdate() + timedelta(days=3)
    )
    per_account = throttle.rates_for("code_redeem", "account")[0].limit
    per_ip = throttle.rates_for("code_redeem", "ip")[0].limit
    for _ in range(per_account):
        with pytest.raises(services.VerificationError):
            services.code_redeem(user=resident, community=community, code="AAAA-BBBB-CCCC", ip="10.0.0.1")
    with pytest.raises(ActionRefused) as limited:
        services.code_redeem(user=resident, community=community, code=codes[0], ip="10.0.0.1")
    assert (limited.value.code, limited.value.status) == ("throttled", 429)
    assert not Verification.objects.exists()
    # Per IP: many accounts from one address are limited too.
    for _ in range(per_ip):
        with pytest.raises(services.VerificationError):
            services.code_redeem(user=make_user(), community=community, code="AAAA-BBBB-CCCC", ip="10.0.0.2")
    with pytest.raises(ActionRefused) as limited_ip:
        services.code_redeem(user=make_user(), community=community, code=codes[0], ip="10.0.0.2")
    assert (limited_ip.value.code, limited_ip.value.status) == ("throttled", 429)


# --- Methods switch, staff pages, privacy ---------------------------------------------------


def test_switched_off_method_is_hidden_and_closed(client, community, resident, administrator):
    client.force_login(administrator)
    client.post("/verification/staff/methods/", {"method": "census", "enabled": "0"})
    assert MethodSetting.objects.get(method="census").enabled is False
    client.force_login(resident)
    html = client.get("/verification/").content.decode()
    assert "/verification/census/" not in html and "/verification/document/" in html
    assert client.get("/verification/census/").status_code == 404


def test_staff_pages_are_closed_to_residents(client, community, resident):
    client.force_login(resident)
    for url in (
        "/verification/staff/",
        "/verification/staff/codes/",
        "/verification/staff/census/",
        "/verification/staff/methods/",
    ):
        assert client.get(url).status_code in {302, 403}


def test_staff_queue_filters_and_revocation(client, community, official):
    from uchast.testing.factories import make_verified_resident

    idp = make_verified_resident(community, basis="idp", full_name="Ганна ВПО")
    make_verified_resident(community, basis="registered", full_name="Богдан Зареєстрований")
    client.force_login(official)
    html = client.get("/verification/staff/?basis=idp").content.decode()
    assert "Ганна ВПО" in html and "Богдан" not in html
    verification = Verification.objects.get(user=idp)
    response = client.post(f"/verification/staff/person/{verification.pk}/", {"reason": "Довідку скасовано"})
    assert response.status_code == 302
    verification.refresh_from_db()
    assert verification.status == VerificationStatus.REVOKED and verification.revoked_by == official


def test_privacy_page_is_public(client, community):
    html = client.get("/verification/privacy/").content.decode()
    assert "HMAC" in html and "30" in html


def test_api_status_and_eligibility(client, community):
    from uchast.testing.factories import make_verified_resident

    person = make_verified_resident(community, basis="census", birth_date=date(2012, 1, 1))
    client.force_login(person)
    assert client.get("/api/verification/status").json()["basis"] == "census"
    body = client.get("/api/verification/eligibility/petition.sign").json()
    assert body["allowed"] is False and body["missing"] == ["too_young"]
    assert client.get("/api/verification/eligibility/nope").status_code == 404


def test_census_form_marks_a_bad_number_on_its_field_without_echo(client, community, resident):
    client.force_login(resident)
    response = client.post(
        "/verification/census/", {"number_kind": "rnokpp", "number": "1234567890", "birth_date": "1990-05-17"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_number_error"' in html
    assert "1234567890" not in html
    assert not Verification.objects.exists()


def test_personal_data_and_anonymiser(community, resident, django_capture_on_commit_callbacks):
    from uchast.core.registry import registry

    services.document_submit(
        user=resident,
        community=community,
        document_kind="idp_certificate",
        number_kind="idp_certificate",
        number="4444",
        birth_date=BIRTH,
        district=None,
        upload=png_upload(),
    )
    exported = registry.personal_data_exporters["verification"](resident)
    assert exported[0]["status"] == "pending" and "identity_key" not in exported[0]
    with django_capture_on_commit_callbacks(execute=True):
        for anonymise in registry.anonymisers:
            if anonymise.__module__.startswith("uchast.verification"):
                anonymise(resident)
    verification = Verification.objects.get()
    assert verification.identity_key == "" and verification.birth_date is None
    assert not _files(settings.PRIVATE_MEDIA_ROOT)


def test_purge_command_can_enqueue_the_task(community):
    from io import StringIO

    out = StringIO()
    call_command("verification_purge", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued ")


def test_census_reimport_withdraws_confirmations_it_no_longer_supports(
    community, official, smtp_server, django_capture_on_commit_callbacks
):
    from uchast.core.models import AuditEntry, District
    from uchast.core.notifications import Notification

    center = District.objects.get(community=community, code="center")
    kept, moved, gone, other_method = (rnokpp(BIRTH, i) for i in (1, 2, 3, 4))
    services.census_import(
        community=community,
        actor=official,
        data=_census_csv(
            [
                f"{kept},rnokpp,1990-05-17,census,center",
                f"{moved},rnokpp,1990-05-17,census,",
                f"{gone},rnokpp,1990-05-17,idp,",
            ]
        ),
    )
    people = {}
    for number, email in ((kept, "kept@example.org"), (moved, "moved@example.org"), (gone, "gone@example.org")):
        people[number] = make_user(email=email)
        services.census_claim(user=people[number], community=community, kind="rnokpp", number=number, birth_date=BIRTH)
    by_code = make_user(email="code@example.org")
    services.verification_grant(
        user=by_code,
        community=community,
        method="code",
        basis="in_person",
        birth_date=BIRTH,
        identity_key=key_for("rnokpp", other_method),
        verified_by_label="test",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = services.census_import(
            community=community,
            actor=official,
            data=_census_csv([f"{kept},rnokpp,1990-05-17,census,center", f"{moved},rnokpp,1990-05-17,census,center"]),
        )
    assert report.withdrawn == 2
    [email] = smtp_server.wait_for("gone@example.org")
    assert "/verification/" in smtp_server.body(email)
    status = {v.user.email: v.status for v in Verification.objects.select_related("user")}
    assert status == {
        "kept@example.org": VerificationStatus.ACTIVE,
        "moved@example.org": VerificationStatus.REVOKED,
        "gone@example.org": VerificationStatus.REVOKED,
        "code@example.org": VerificationStatus.ACTIVE,
    }
    assert not participation_decision(people[gone], community, "budget.vote").allowed
    told = set(Notification.objects.values_list("user__email", flat=True))
    assert told == {"moved@example.org", "gone@example.org"}
    assert AuditEntry.objects.filter(action="verification.revoked").count() == 2
    assert verify_chain().ok
    # The person still listed (now with a district) confirms again at once.
    again = services.census_claim(
        user=people[moved], community=community, kind="rnokpp", number=moved, birth_date=BIRTH
    )
    assert again.district == center and again.status == VerificationStatus.ACTIVE
