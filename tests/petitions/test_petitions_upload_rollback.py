"""A council's answer with files: a bad second file rolls the answer back after the first file was
written, and that file goes too (core.files.atomic_with_files); a good answer keeps its files."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from uchast.core.files import attachments_for
from uchast.petitions import services
from uchast.petitions.models import PetitionStatus
from uchast.testing.factories import make_verified_resident
from uchast.testing.files import PDF, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def considered(petition_community: Any, collecting: Any, official: Any) -> Any:
    for _ in range(collecting.threshold):
        petition, _created = services.signature_create(
            petition=collecting, signer=make_verified_resident(petition_community)
        )
    assert petition.status == PetitionStatus.CONSIDERATION
    return petition


def test_an_answer_whose_second_file_is_refused_keeps_neither(considered: Any, official: Any) -> None:
    files = [SimpleUploadedFile("рішення.pdf", PDF), SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary")]
    with pytest.raises(ValidationError):
        services.petition_answer(
            petition=considered, actor=official, outcome="partly", text="Рада частково підтримує.", files=files
        )
    considered.refresh_from_db()
    assert considered.status == PetitionStatus.CONSIDERATION
    assert not attachments_for(considered).exists()
    assert stored_files() == []


def test_an_answer_keeps_its_files(considered: Any, official: Any) -> None:
    files = [SimpleUploadedFile("рішення.pdf", PDF)]
    services.petition_answer(
        petition=considered, actor=official, outcome="partly", text="Рада частково підтримує.", files=files
    )
    assert stored_files() == [f"media/{a.file.name}" for a in attachments_for(considered)]
