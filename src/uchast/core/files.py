"""Uploads: validation with clear messages, image processing, public attachments.

Images are decoded and re-encoded by Pillow: that drops every metadata block (EXIF, GPS, XMP)
and anything hidden after the image data, and proves the file really is an image.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import Any
from weakref import WeakKeyDictionary

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, Error, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from uchast.core.errors import ActionRefused
from uchast.core.models import Attachment

MAX_IMAGE_SIDE = 1600
# Pillow's own guard (it raises DecompressionBombError past twice this) follows our limit, for any
# decoding that does not come through _check_image.
Image.MAX_IMAGE_PIXELS = settings.UCHAST_MAX_IMAGE_PIXELS
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

logger = logging.getLogger(__name__)

# kind -> (extensions, leading bytes that prove the format)
_KINDS: dict[str, tuple[frozenset[str], tuple[bytes, ...]]] = {
    "image": (frozenset({".jpg", ".jpeg", ".png", ".webp"}), (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")),
    "pdf": (frozenset({".pdf"}), (b"%PDF-",)),
    "document": (frozenset({".docx", ".odt", ".xlsx", ".ods"}), (b"PK\x03\x04",)),
}


def detect_kind(name: str, head: bytes) -> str | None:
    suffix = PurePath(name).suffix.lower()
    for kind, (suffixes, signatures) in _KINDS.items():
        if suffix in suffixes and head.startswith(signatures):
            return kind
    return None


def validate_upload(upload: Any, *, kinds: set[str], max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Returns the detected kind, or raises ValidationError with a message for the person."""
    if upload is None:
        raise ValidationError(_("Choose a file."), code="required")
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(max_bytes / 1024 / 1024, 1)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = detect_kind(getattr(upload, "name", "") or "", head)
    if kind is None or kind not in kinds:
        allowed = ", ".join(sorted(ext for k in kinds for ext in _KINDS[k][0]))
        raise ValidationError(
            _("This type of file is not accepted. Accepted: %(allowed)s.") % {"allowed": allowed}, code="bad_type"
        )
    if kind == "image":
        _check_image(upload)
    return kind


def _check_image(upload: Any) -> None:
    """Refuse an image whose header announces more pixels than ``UCHAST_MAX_IMAGE_PIXELS`` before a
    single pixel is decoded (a 0.5 MB PNG can announce 13,000 x 13,000 pixels: 1.5 GB decoded), then
    check the file's structure. ``Image.open`` reads the header only."""
    limit = settings.UCHAST_MAX_IMAGE_PIXELS
    too_large = ValidationError(
        _("The image has too many pixels; the limit is %(limit)s megapixels. Send a smaller copy.")
        % {"limit": limit // 1_000_000},
        code="too_many_pixels",
    )
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > limit:
                raise too_large
            image.verify()
    except Image.DecompressionBombError:  # Pillow's own check, on the header too
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The image is damaged or not an image."), code="bad_image") from None
    finally:
        upload.seek(0)


def process_image(upload: Any, *, max_side: int = MAX_IMAGE_SIDE) -> ContentFile[bytes]:
    """A cleaned copy: oriented, at most ``max_side`` pixels, without any metadata.

    Precondition: ``validate_upload`` accepted it (the pixel count is checked there, from the header)."""
    _check_image(upload)  # again: a caller that skipped validation must not decode a bomb
    upload.seek(0)
    try:
        with Image.open(upload) as original:
            image = ImageOps.exif_transpose(original)
            image.thumbnail((max_side, max_side))
            output = io.BytesIO()
            if image.mode in {"RGBA", "LA", "P"}:
                image = image.convert("RGBA")
                image.save(output, format="PNG", optimize=True)
                extension = "png"
            else:
                image.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
                extension = "jpg"
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("The image is damaged or not an image."), code="bad_image") from None
    stem = PurePath(getattr(upload, "name", "image") or "image").stem[:80] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}.{extension}")


def check_uploads(
    uploads: Sequence[Any],
    *,
    kinds: set[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_count: int | None = None,
    already: int = 0,
) -> list[tuple[Any, str]]:
    """Validate every upload before anything is written: the first bad file refuses the whole action.

    Returns ``(upload, kind)`` pairs. Refusals (stable codes): ``too_many_files`` (more than
    ``max_count`` together with the ``already`` stored ones), ``file_too_large``, ``bad_file`` (empty,
    a type not accepted, a damaged image); ``details`` names the file and the problem."""
    uploads = [u for u in uploads if u is not None]
    if max_count is not None and already + len(uploads) > max_count:
        raise ActionRefused(
            "too_many_files",
            _("Attach at most %(limit)d files.") % {"limit": max_count},
            details={"limit": str(max_count), "stored": str(already), "sent": str(len(uploads))},
        )
    checked = []
    for upload in uploads:
        try:
            kind = validate_upload(upload, kinds=kinds, max_bytes=max_bytes)
        except ValidationError as error:
            code = "file_too_large" if error.code == "too_large" else "bad_file"
            name = str(getattr(upload, "name", "") or "")[:200]
            raise ActionRefused(
                code, " ".join(error.messages), details={"file": name, "problem": str(error.code)}
            ) from None
        checked.append((upload, kind))
    return checked


def stored_copy(upload: Any, kind: str, *, max_side: int = MAX_IMAGE_SIDE) -> File[Any]:
    """What is stored of a validated upload, under a random name (keeping the extension): images
    re-encoded without metadata, other files as sent. The name a person gave a file may say more
    than it should (a name, an address) and a public one must not be guessable; keep it as a title."""
    stored: File[Any] = process_image(upload, max_side=max_side) if kind == "image" else File(upload)
    suffix = PurePath(str(stored.name or "")).suffix.lower()[:8]
    stored.name = f"{secrets.token_urlsafe(12)}{suffix}"
    return stored


def upload_title(upload: Any) -> str:
    """The name a person gave a file, to show it (never a path on disk)."""
    return PurePath(str(getattr(upload, "name", "") or "file")).name[:200] or "file"


class MultipleFileField(forms.FileField):
    """Several files in one input (``<input type=file multiple>``); the services check each one's
    type and size and their number, so the form only collects them."""

    class _Input(forms.ClearableFileInput):
        allow_multiple_selected = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", self._Input(attrs={"multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        items = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [item for item in items if item]


def private_file_response(
    file: FieldFile, *, filename: str, inline: bool = False, public: bool = False, content_type: str | None = None
) -> FileResponse:
    """Streams a private file to a person a view has checked. ``inline`` shows it in the page (an
    image); else it downloads. ``public``: the same for everyone from now on (an accepted report's
    photo), so caches may keep it; otherwise no cache keeps a copy. ``content_type``: else guessed
    from ``filename``."""
    try:
        opened = file.open("rb")
    except FileNotFoundError:  # the record outlived its file (a restore without the private root)
        raise Http404 from None
    response = FileResponse(opened, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400" if public else "no-store, private"
    return response


def private_storage() -> FileSystemStorage:
    """The storage of private files (a callable, so migrations name it and settings can move it)."""
    return PrivateStorage()


def attachment_add(
    *,
    target: models.Model,
    upload: Any,
    title: str,
    uploaded_by: Any,
    kinds: set[str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Attachment:
    kind = validate_upload(upload, kinds=kinds or {"image", "pdf", "document"}, max_bytes=max_bytes)
    stored = stored_copy(upload, kind)  # a random name: the person's own file name stays the title only
    with atomic_with_files():
        attachment = Attachment(
            community=target.community,  # type: ignore[attr-defined]
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
            title=(title or PurePath(upload.name).stem)[:200],
            kind=kind,
            size=stored.size,
            uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
        )
        store_file(attachment.file, stored)
        attachment.save()
        return attachment


def attachments_for(target: models.Model) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).order_by("created_at", "pk")


class PrivateStorage(FileSystemStorage):
    """Files that no URL may reach: under PRIVATE_MEDIA_ROOT (read on every use, so overriding the
    setting moves it), with no base URL (``url()`` raises)."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property  # type: ignore[override]
    def base_url(self) -> None:  # type: ignore[override]
        return None


#: Where the attachments of a hidden contribution wait, under the private root.
WITHDRAWN_PREFIX = "withdrawn"


def attachments_follow_visibility(target: models.Model) -> None:
    """Take the public attachments of a hidden contribution out of every URL's reach, and bring them
    back when it is shown again.

    Pages stop linking a hidden contribution's photos, but the web server serves MEDIA_ROOT directly
    (docs/deploy.md), so a copied link would still open them: the files themselves must leave. They
    wait under ``PRIVATE_MEDIA_ROOT/withdrawn/`` with the same relative name. Idempotent and driven by
    the contribution's current ``is_hidden``: each file is moved to where that state says it belongs,
    so a run that failed half-way is repaired by running it again (the moderation services call it
    after their transaction commits)."""
    hidden = bool(getattr(target, "is_hidden", False))
    private = PrivateStorage()
    for attachment in attachments_for(target):
        public_name = str(attachment.file.name)
        withdrawn_name = f"{WITHDRAWN_PREFIX}/{public_name}"
        source, source_name, destination, wanted = (
            (default_storage, public_name, private, withdrawn_name)
            if hidden
            else (private, withdrawn_name, default_storage, public_name)
        )
        if not source.exists(source_name):
            continue  # already where it belongs
        if hidden and private.exists(wanted):
            private.delete(wanted)  # a copy left by a run that stopped before deleting its source
        with source.open(source_name, "rb") as content:
            saved = destination.save(wanted, content)
        if saved != wanted:  # back in public, but a new upload took the name meanwhile: follow the file
            Attachment.objects.filter(pk=attachment.pk).update(file=saved)
        source.delete(source_name)


# ---- files written inside a transaction ---------------------------------------------------------
#
# A service writes a file to storage before the row that names it, inside its transaction. Storage
# is not transactional: when the transaction rolls back (a refusal raised later, a constraint, a
# lost race, any error) the row disappears and the file would stay for ever, a personal document
# kept without any record. Django calls nothing on rollback, so every file written through
# ``store_file`` waits on a per-connection list until the transaction that wrote it commits
# (``on_commit`` takes it off); what is still waiting once its transaction is over did not commit.


@dataclass(eq=False)  # compared by identity: the same name may be written twice
class _Written:
    storage: Storage
    name: str
    model: type[models.Model]
    field: str
    alias: str


_waiting: WeakKeyDictionary[BaseDatabaseWrapper, list[_Written]] = WeakKeyDictionary()


def store_file(file: FieldFile, content: File[Any], name: str | None = None) -> str:
    """Write ``content`` into ``file`` (a model instance's file field, the row not saved yet) and
    keep track of it until its transaction commits; returns the stored name. Call it inside
    ``atomic_with_files`` (or any transaction, see there) and save the row afterwards; never pass a
    new file to ``objects.create``, which writes it behind this record's back."""
    file.save(name or str(content.name or file.field.name), content, save=False)
    model = type(file.instance)
    alias = router.db_for_write(model) or DEFAULT_DB_ALIAS
    written = _Written(file.storage, str(file.name), model, file.field.name, alias)
    connection = connections[alias]
    _waiting.setdefault(connection, []).append(written)
    # Registered inside the current savepoint: Django drops it when that savepoint or the whole
    # transaction rolls back, so the file stays on the list exactly when its row did not commit.
    transaction.on_commit(partial(_forget, connection, written), using=alias, robust=True)
    return written.name


def delete_after_commit(file: FieldFile) -> None:
    """The file of a replaced or removed record leaves storage once the change commits (a rolled-back
    change keeps it; a worker stopped before the deletion leaves it to ``uchast files_sweep``)."""
    name, storage = str(file.name or ""), file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def _forget(connection: BaseDatabaseWrapper, written: _Written) -> None:
    waiting = _waiting.get(connection, [])
    if any(item is written for item in waiting):
        waiting.remove(written)


def _discard(connection: BaseDatabaseWrapper, candidates: list[_Written]) -> None:
    """Delete each file no row names (as this connection sees the database now). The question is
    asked even on the rollback path, so a transaction whose COMMIT failed with an unknown outcome
    loses no file that a row names; when the database cannot answer, the file stays on the list
    (the next look, or ``uchast files_sweep``, decides)."""
    for written in candidates:
        try:
            manager = written.model._base_manager.using(written.alias)
            named = manager.filter(**{written.field: written.name}).exists()
        except Error:  # a broken connection, a transaction that must roll back first
            logger.warning("Could not check whether a row names %s; kept for later", written.name)
            continue
        _forget(connection, written)
        if named:
            continue
        try:
            written.storage.delete(written.name)
        except OSError:
            logger.warning("Could not delete %s, written by a transaction that rolled back", written.name)


def discard_uncommitted_files(**_signal: Any) -> None:
    """Delete the files whose transaction is over without committing, on every connection of this
    thread that is outside a transaction. Run at the end of every request and task (connected in
    ``core.apps``) and when ``atomic_with_files`` starts a new transaction."""
    for connection in connections.all(initialized_only=True):
        waiting = _waiting.get(connection)
        if waiting and not connection.in_atomic_block:
            _discard(connection, list(waiting))


@contextmanager
def atomic_with_files(using: str | None = None) -> Iterator[None]:
    """``transaction.atomic()`` for a service that writes files (through ``store_file``): a file
    whose transaction does not commit is deleted.

    Covered, at once:
      - the block raises (a refusal, an ``IntegrityError``, any error, also one raised by COMMIT):
        the files written inside it are deleted on the way out (its savepoint or transaction rolled
        back), unless a row names them (a COMMIT whose outcome is unknown);
      - the block succeeds inside an outer ``atomic_with_files`` that later raises: the outer block
        deletes them with its own;
      - a savepoint inside the block rolls back (a nested ``atomic()`` whose error was caught) and the
        block commits: the files written in that savepoint are deleted when the block ends.
    Covered later: the block succeeds inside an outer plain ``atomic()`` that rolls back (a caller's,
    a test's): the files wait on the connection's list until it is outside a transaction again, and
    go at the end of the request or task, or when the next ``atomic_with_files`` starts on it.
    Not covered: a process killed between writing a file and COMMIT, or a file written by code that
    bypasses ``store_file`` (the admin's forms): ``uchast files_sweep`` removes those after an hour."""
    alias = using or DEFAULT_DB_ALIAS
    connection = connections[alias]
    if not connection.in_atomic_block:
        discard_uncommitted_files()
    before = list(_waiting.get(connection, []))
    try:
        with transaction.atomic(using=alias):
            yield
    except BaseException:
        waiting = _waiting.get(connection, [])
        _discard(connection, [w for w in waiting if not any(w is old for old in before)])
        raise
    if not connection.in_atomic_block:  # committed: what is still waiting was rolled back inside
        _discard(connection, list(_waiting.get(connection, [])))
