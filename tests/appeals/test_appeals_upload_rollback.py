"""Appeals' files and problem-report photos leave no file behind when their transaction rolls back
after the files were written (core.files.atomic_with_files); the happy path keeps them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from uchast.appeals import services
from uchast.appeals.models import Appeal, AppealFile, ProblemReport
from uchast.core.errors import ActionRefused
from uchast.core.models import Attachment
from uchast.testing.files import PDF, REFUSED_LATER, png_bytes, refused_after_files, stored_files

from .conftest import make_draft

pytestmark = pytest.mark.django_db


def _files() -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile("довідка.pdf", PDF), SimpleUploadedFile("фото.png", png_bytes())]


def test_filing_refused_after_the_files_are_written_keeps_none(resident: Any, community: Any, departments: Any) -> None:
    with pytest.raises(ActionRefused) as refused, refused_after_files():
        services.appeal_file(author=resident, community=community, draft=make_draft(), files=_files())
    assert refused.value.code == REFUSED_LATER
    assert not Appeal.objects.exists() and not AppealFile.objects.exists()
    assert stored_files() == []


def test_filing_keeps_its_files(resident: Any, community: Any, departments: Any) -> None:
    appeal = services.appeal_file(author=resident, community=community, draft=make_draft(), files=_files())
    names = sorted(f"private/{f.file.name}" for f in AppealFile.objects.filter(appeal=appeal))
    assert len(names) == 2 and stored_files() == names


def test_an_answer_refused_after_its_files_are_written_keeps_none(
    resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    appeal = services.appeal_file(author=resident, community=community, draft=make_draft())
    with pytest.raises(ActionRefused) as refused, refused_after_files():
        services.appeal_answer(
            appeal=appeal, actor=social_official, text="Допомогу нараховано 3 грудня.", files=_files()
        )
    assert refused.value.code == REFUSED_LATER
    assert not AppealFile.objects.exists()
    assert stored_files() == []


def test_a_problem_report_refused_after_its_photo_is_written_keeps_none(resident: Any, community: Any) -> None:
    photo = SimpleUploadedFile("яма.png", png_bytes())
    with pytest.raises(ActionRefused) as refused, refused_after_files():
        services.report_create(
            author=resident, community=community, title="Яма на дорозі біля школи", address="вул. Лісова", photo=photo
        )
    assert refused.value.code == REFUSED_LATER
    assert not ProblemReport.objects.exists() and not Attachment.objects.exists()
    assert stored_files() == []
    photo = SimpleUploadedFile("яма.png", png_bytes())
    services.report_create(
        author=resident, community=community, title="Яма на дорозі біля школи", address="вул. Лісова", photo=photo
    )
    assert stored_files() == [f"media/{Attachment.objects.get().file.name}"]
