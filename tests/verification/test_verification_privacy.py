"""No identity number in plain text anywhere: walk every method, then scan every text column."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.utils import timezone
from test_verification_oidc import _to_provider
from verification_helpers import png_upload, rnokpp

from uchast.testing.factories import make_user
from uchast.verification.models import Verification, VerificationStatus

pytestmark = pytest.mark.django_db


def _text_values() -> list[str]:
    values: list[str] = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            columns = [
                f.column
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField | models.FileField)
            ]
            for column in columns:
                cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)}")  # noqa: S608
                values.extend(str(row[0]) for row in cursor.fetchall() if row[0] is not None)
    # Sessions are stored encoded: decode them so a number kept in a session would be found too.
    from django.contrib.sessions.models import Session

    values.extend(str(session.get_decoded()) for session in Session.objects.all())
    return values


def test_no_identity_number_is_stored_after_a_full_flow(
    client, community, official, oidc_config, django_capture_on_commit_callbacks
):
    census_number = rnokpp(date(1985, 6, 1), 11)
    document_number = "4417-2023-998877"
    rejected_number = "ВК 654321"
    provider_number = "3206513580"
    # Census: staff import, resident claims.
    client.force_login(official)
    csv = f"number,kind,birth_date,basis\n{census_number},rnokpp,1985-06-01,census\n".encode()
    client.post("/verification/staff/census/", {"file": SimpleUploadedFile("c.csv", csv)})
    first = make_user()
    client.force_login(first)
    client.post("/verification/census/", {"number_kind": "rnokpp", "number": census_number, "birth_date": "1985-06-01"})
    # Document review: approved and rejected.
    second, third = make_user(), make_user()
    for person, kind, number in (
        (second, "idp_certificate", document_number),
        (third, "passport_book", rejected_number),
    ):
        client.force_login(person)
        client.post(
            "/verification/document/",
            {
                "document_kind": "idp_certificate",
                "number_kind": kind,
                "number": number,
                "birth_date": "1990-01-01",
                "district": "",
                "file": png_upload(),
            },
        )
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        approve, reject = Verification.objects.filter(status=VerificationStatus.PENDING).order_by("pk")
        client.post(f"/verification/staff/document/{approve.document.pk}/", {"decision": "approve"})
        client.post(f"/verification/staff/document/{reject.document.pk}/", {"decision": "reject", "reason": "Нечітко"})
    # Codes.
    expires = (timezone.localdate() + timedelta(days=10)).isoformat()
    sheet = client.post(
        "/verification/staff/codes/", {"label": "ЦНАП", "size": "2", "expires_on": expires, "basis": "in_person"}
    )
    code = sheet.context["codes"][0]
    fourth = make_user()
    client.force_login(fourth)
    client.post("/verification/code/", {"code": code, "birth_date": "1970-03-03"})
    # OIDC.
    fifth = make_user()
    client.force_login(fifth)
    client.get(_to_provider(client))

    assert Verification.objects.filter(status=VerificationStatus.ACTIVE).count() == 4
    assert Verification.objects.filter(status=VerificationStatus.REJECTED).count() == 1
    haystack = "\n".join(_text_values())
    forms: dict[str, Any] = {
        "census": [census_number],
        "document": [document_number, document_number.replace("-", "")],
        "rejected": [rejected_number, rejected_number.replace(" ", ""), "654321"],
        "provider": [provider_number],
        "code": [code, code.replace("-", "")],
    }
    for label, needles in forms.items():
        for needle in needles:
            assert needle not in haystack, f"{label} number found in the database"
    # The scan covered the audit chain and the (decoded) sessions of the flow.
    assert "core_auditentry" in {m._meta.db_table for m in apps.get_models()}
    assert "verification_oidc" in haystack  # the OIDC session state was there to be scanned
    assert official.email in haystack  # the scan does see plain text
