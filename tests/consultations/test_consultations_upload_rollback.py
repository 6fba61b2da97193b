"""A consultation's document leaves no file behind when its transaction rolls back after the file was
written (core.files.atomic_with_files); the happy path keeps it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from uchast.consultations import services
from uchast.core.errors import ActionRefused
from uchast.core.files import attachments_for
from uchast.testing.files import PDF, REFUSED_LATER, refused_after_files, stored_files

pytestmark = pytest.mark.django_db


def test_a_document_refused_after_it_is_written_is_not_kept(consultation: Any, official: Any) -> None:
    with pytest.raises(ActionRefused) as refused, refused_after_files():
        services.consultation_attachment_add(
            actor=official, consultation=consultation, upload=SimpleUploadedFile("проєкт.pdf", PDF), title="Текст"
        )
    assert refused.value.code == REFUSED_LATER
    assert not attachments_for(consultation).exists()
    assert stored_files() == []
    attachment = services.consultation_attachment_add(
        actor=official, consultation=consultation, upload=SimpleUploadedFile("проєкт.pdf", PDF), title="Текст"
    )
    assert stored_files() == [f"media/{attachment.file.name}"]
