"""A hidden problem report's photo leaves the public media folder (the web server serves it directly,
so a copied link would still open it) and comes back when the report is shown again
(``core.files.attachments_follow_visibility``, called by core moderation after commit)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from uchast.appeals.models import ProblemReport
from uchast.core import moderation
from uchast.core.files import WITHDRAWN_PREFIX, attachments_follow_visibility, attachments_for

pytestmark = pytest.mark.django_db


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, format="JPEG")
    return SimpleUploadedFile("yama.jpg", buffer.getvalue(), content_type="image/jpeg")


def _reported_with_a_photo(resident: Any) -> tuple[ProblemReport, str, bytes]:
    client = Client()
    client.force_login(resident)
    response = client.post(
        reverse("appeals:report_create"),
        {"title": "Яма на дорозі до ЦНАП", "topic": "roads", "address": "вул. Миру, 3", "photo": _jpeg()},
    )
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    (attachment,) = attachments_for(report)
    public = Path(settings.MEDIA_ROOT, attachment.file.name)
    assert public.exists()
    return report, attachment.file.name, public.read_bytes()


def _public(name: str) -> Path:
    return Path(settings.MEDIA_ROOT, name)


def _withdrawn(name: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT, WITHDRAWN_PREFIX, name)


def test_hiding_takes_the_photo_out_of_public_reach_and_showing_brings_it_back(
    resident: Any, moderator: Any, community: Any, departments: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report, name, content = _reported_with_a_photo(resident)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_hide(moderator=moderator, target=report, reason="Чуже фото з адресою людини")
    assert not _public(name).exists()
    assert _withdrawn(name).read_bytes() == content
    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_restore(moderator=moderator, target=ProblemReport.objects.get(pk=report.pk))
    assert _public(name).read_bytes() == content
    assert not _withdrawn(name).exists()
    (attachment,) = attachments_for(report)
    assert attachment.file.name == name


def test_nothing_moves_before_the_hiding_commits(
    resident: Any, moderator: Any, community: Any, departments: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report, name, _ = _reported_with_a_photo(resident)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.contribution_hide(moderator=moderator, target=report, reason="Образливий підпис")
        assert _public(name).exists()  # the transaction may still roll back: the file stays put
    assert len(callbacks) == 1


def test_running_again_changes_nothing_and_a_taken_name_is_followed(
    resident: Any, moderator: Any, community: Any, departments: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report, name, content = _reported_with_a_photo(resident)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_hide(moderator=moderator, target=report, reason="Чуже фото")
    hidden = ProblemReport.objects.get(pk=report.pk)
    attachments_follow_visibility(hidden)  # a repeated run: the file is already withdrawn
    assert not _public(name).exists() and _withdrawn(name).read_bytes() == content
    _public(name).write_bytes(b"another upload that took the free name")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_restore(moderator=moderator, target=hidden)
    (attachment,) = attachments_for(report)
    assert attachment.file.name != name
    assert _public(attachment.file.name).read_bytes() == content
    assert _public(name).read_bytes() == b"another upload that took the free name"
    assert not _withdrawn(name).exists()
