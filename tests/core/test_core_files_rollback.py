"""A file written inside a transaction that does not commit leaves storage (core.files.store_file and
atomic_with_files): at once when the guarded block or an outer guarded block fails, or a savepoint
inside it rolls back; at the end of the request for an outer plain atomic(); a committed file stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import IntegrityError, transaction

from uchast.core.errors import ActionRefused
from uchast.core.files import atomic_with_files, attachment_add, store_file
from uchast.core.models import Attachment, District
from uchast.testing.files import PDF, stored_files


def _attach(community: Any, name: str = "note.pdf") -> Attachment:
    attachment = Attachment(
        community=community,
        target_type=ContentType.objects.get_for_model(community),
        target_id=str(community.pk),
        title=name,
        kind="pdf",
        size=len(PDF),
    )
    store_file(attachment.file, ContentFile(PDF, name=name))
    attachment.save()
    return attachment


@pytest.mark.django_db
def test_a_refusal_after_the_file_is_written_deletes_it(community: Any) -> None:
    district = District.objects.filter(community=community).first()
    with pytest.raises(ActionRefused), atomic_with_files():
        attachment_add(target=district, upload=SimpleUploadedFile("plan.pdf", PDF), title="", uploaded_by=None)
        assert len(stored_files()) == 1  # written before the refusal
        raise ActionRefused("refused_later", "refused after the file was written")
    assert stored_files() == []
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_constraint_failing_after_the_file_is_written_deletes_it(community: Any) -> None:
    with pytest.raises(IntegrityError), atomic_with_files():
        _attach(community)
        District.objects.create(community=community, code="center", name_uk="Центр", name_en="Centre")
    assert stored_files() == []
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_the_happy_path_keeps_its_file(community: Any) -> None:
    district = District.objects.filter(community=community).first()
    attachment = attachment_add(target=district, upload=SimpleUploadedFile("plan.pdf", PDF), title="", uploaded_by=None)
    assert stored_files() == [f"media/{attachment.file.name}"]
    assert attachment.file.read() == PDF


@pytest.mark.django_db(transaction=True)
def test_an_outer_guarded_block_that_fails_deletes_the_inner_blocks_files(community: Any) -> None:
    with pytest.raises(ActionRefused), atomic_with_files():
        with atomic_with_files():
            _attach(community)  # the inner block succeeds ...
        raise ActionRefused("refused_later", "... and the outer one is refused")
    assert stored_files() == []
    assert not Attachment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_outer_plain_atomic_that_rolls_back_deletes_them_when_the_request_ends(community: Any) -> None:
    kept = None
    with atomic_with_files():
        kept = _attach(community, "kept.pdf")
    with pytest.raises(RuntimeError), transaction.atomic():
        with atomic_with_files():
            _attach(community, "lost.pdf")
        raise RuntimeError("the caller's transaction fails")
    assert len(stored_files()) == 2  # Django says nothing on rollback: it waits ...
    request_finished.send(sender=None)  # ... until the request (or task) ends
    assert stored_files() == [f"media/{kept.file.name}"]
    assert list(Attachment.objects.all()) == [kept]


@pytest.mark.django_db(transaction=True)
def test_the_next_guarded_transaction_also_clears_what_an_outer_rollback_left(community: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        with atomic_with_files():
            _attach(community, "lost.pdf")
        raise RuntimeError("the caller's transaction fails")
    with atomic_with_files():
        kept = _attach(community, "kept.pdf")
    assert stored_files() == [f"media/{kept.file.name}"]


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_inside_a_committed_block_loses_only_its_file(community: Any) -> None:
    with atomic_with_files():
        kept = _attach(community, "kept.pdf")
        try:
            with transaction.atomic():
                _attach(community, "lost.pdf")
                raise RuntimeError("one part fails and is caught")
        except RuntimeError:
            pass
    assert stored_files() == [f"media/{kept.file.name}"]
    assert list(Attachment.objects.all()) == [kept]


@pytest.mark.django_db(transaction=True)
def test_a_committed_file_is_kept_even_if_its_commit_hook_never_ran(community: Any) -> None:
    """Another on_commit callback that raises stops the ones after it (ours among them): the row
    decides, so a committed file is never deleted."""

    def fails() -> None:
        raise RuntimeError("an earlier commit hook fails")

    with pytest.raises(RuntimeError), atomic_with_files():
        transaction.on_commit(fails)
        kept = _attach(community)
    request_finished.send(sender=None)
    assert stored_files() == [f"media/{kept.file.name}"]
