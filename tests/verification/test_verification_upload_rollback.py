"""A document scan leaves no file behind when the submission's transaction rolls back after the scan
was written (core.files.atomic_with_files); the happy path keeps it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from verification_helpers import png_upload

from uchast.core.errors import ActionRefused
from uchast.testing.files import REFUSED_LATER, refused_after_files, stored_files
from uchast.verification import services
from uchast.verification.models import DocumentSubmission, Verification

pytestmark = pytest.mark.django_db


def _submit(resident: Any, community: Any) -> DocumentSubmission:
    return services.document_submit(
        user=resident,
        community=community,
        document_kind="registration",
        number_kind="id_card",
        number="001234567",
        birth_date=date(1990, 5, 17),
        district=None,
        upload=png_upload(),
    )


def test_a_submission_refused_after_the_scan_is_written_keeps_no_scan(resident: Any, community: Any) -> None:
    with pytest.raises(ActionRefused) as refused, refused_after_files():
        _submit(resident, community)
    assert refused.value.code == REFUSED_LATER
    assert not Verification.objects.exists() and not DocumentSubmission.objects.exists()
    assert stored_files() == []


def test_a_submission_keeps_its_scan(resident: Any, community: Any) -> None:
    submission = _submit(resident, community)
    assert stored_files() == [f"private/{submission.file.name}"]
