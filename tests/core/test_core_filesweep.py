"""The sweep (core.filesweep, `uchast files_sweep`, the hourly task core.sweep_files): a file no row
names and older than an hour goes; a file a row names and a young orphan stay; nothing outside the
upload folders is touched; without --delete it only lists."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command

from uchast.core.files import atomic_with_files, store_file
from uchast.core.models import Attachment
from uchast.core.registry import registry
from uchast.core.tasks import sweep_files
from uchast.testing.files import PDF, stored_files

pytestmark = pytest.mark.django_db

TWO_HOURS_AGO = time.time() - 2 * 3600


def _file(root: Path, name: str, *, old: bool) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    if old:
        os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    return name


@pytest.fixture
def files(community: Any) -> dict[str, str]:
    """An old referenced attachment, an old and a young orphan in public and private upload folders,
    and an old file outside every upload folder."""
    with atomic_with_files():
        attachment = Attachment(
            community=community,
            target_type=ContentType.objects.get_for_model(community),
            target_id=str(community.pk),
            title="plan",
            kind="pdf",
            size=len(PDF),
        )
        store_file(attachment.file, ContentFile(PDF, name="plan.pdf"))
        attachment.save()
    referenced = str(attachment.file.name)
    os.utime(Path(settings.MEDIA_ROOT) / referenced, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    return {
        "referenced": f"media/{referenced}",
        "old public": f"media/{_file(media, 'attachments/2020/01/left.pdf', old=True)}",
        "old private": f"private/{_file(private, 'verification/2020/01/scan.pdf', old=True)}",
        "young": f"private/{_file(private, 'appeals/2020/01/being-written.pdf', old=False)}",
        "elsewhere": f"private/{_file(private, 'withdrawn/attachments/2020/01/hidden.pdf', old=True)}",
    }


def test_listing_names_the_old_orphans_and_deletes_nothing(files: dict[str, str], capsys: Any) -> None:
    call_command("files_sweep")
    out = capsys.readouterr().out
    assert "attachments/2020/01/left.pdf" in out
    assert "verification/2020/01/scan.pdf" in out
    assert "being-written" not in out and "hidden" not in out and files["referenced"][6:] not in out
    assert "2 file(s) without a record" in out and "Nothing was deleted" in out
    assert len(stored_files()) == 5


def test_delete_removes_old_orphans_and_keeps_referenced_young_and_other_files(
    files: dict[str, str], capsys: Any
) -> None:
    call_command("files_sweep", "--delete")
    out = capsys.readouterr().out
    assert "Deleted 2 of 2 file(s)" in out
    assert stored_files() == sorted([files["referenced"], files["young"], files["elsewhere"]])
    call_command("files_sweep", "--delete")
    assert "nothing to do" in capsys.readouterr().out


def test_the_scheduler_runs_the_sweep_hourly(files: dict[str, str]) -> None:
    assert registry.periodic["core.sweep_files"].every_seconds == 3600
    assert sweep_files.call() == 2
    assert files["old private"] not in stored_files()
