"""The sweep for files no row names: what ``core.files.atomic_with_files`` cannot see (a worker
killed between writing a file and COMMIT, a replaced file whose deletion after commit never ran, a
file the admin's forms wrote in a transaction that rolled back).

Only the upload folders are walked: the fixed start of every file field's ``upload_to`` in its
storage (``verification/``, ``appeals/``, ``budget/``, ...), never the rest of the media roots (the
withdrawn attachments wait under ``withdrawn/`` of the private root, the open data elsewhere). A
file is an orphan when no row of any file field on the same storage names it and it is older than
``min_age`` (a younger one may belong to a transaction still running)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

#: A file younger than this may still be waiting for its transaction's COMMIT.
MIN_AGE = timedelta(hours=1)


@dataclass
class Orphan:
    storage: Storage
    name: str
    modified: datetime
    size: int
    deleted: bool = False


@dataclass
class _Place:
    storage: Storage
    folders: set[str]
    fields: list[tuple[type[models.Model], str]]


def _folder(upload_to: Any) -> str:
    """The fixed folder an ``upload_to`` starts with ("appeals/%Y/%m/" -> "appeals/"), or "" when
    it has none (a callable, a bare pattern): such a field's files are not swept."""
    if not isinstance(upload_to, str):
        return ""
    fixed = upload_to.split("%", 1)[0]
    return fixed[: fixed.rfind("/") + 1]


def _storage_key(storage: Storage) -> Any:
    # Each private field gets its own PrivateStorage instance: the same place when the folder is.
    return (type(storage), getattr(storage, "location", None) or id(storage))


def places() -> list[_Place]:
    """Every storage that file fields write to, with their upload folders and the fields naming files there."""
    found: dict[Any, _Place] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            place = found.setdefault(_storage_key(field.storage), _Place(field.storage, set(), []))
            place.fields.append((model, field.attname))
            folder = _folder(field.upload_to)
            if folder:
                place.folders.add(folder)
    return list(found.values())


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    if not storage.exists(folder):
        return
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}{directory}/")


def _named(place: _Place) -> set[str]:
    named: set[str] = set()
    for model, field in place.fields:
        names = model._base_manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True})
        named.update(str(name) for name in names.values_list(field, flat=True).iterator())
    return named


def find_orphans(*, min_age: timedelta = MIN_AGE) -> list[Orphan]:
    """Files under the upload folders that no row names and that are older than ``min_age``."""
    cutoff = timezone.now() - min_age
    orphans = []
    for place in places():
        folders = sorted(place.folders)
        # A folder inside another is walked once, with its parent.
        tops = [f for f in folders if not any(f != other and f.startswith(other) for other in folders)]
        listed = [name for folder in tops for name in _walk(place.storage, folder)]
        named = _named(place)  # read after listing: a file listed before its row committed is young anyway
        for name in listed:
            if name in named:
                continue
            modified = place.storage.get_modified_time(name)
            if modified < cutoff:
                orphans.append(Orphan(place.storage, name, modified, place.storage.size(name)))
    return orphans


def sweep(*, delete: bool, min_age: timedelta = MIN_AGE) -> list[Orphan]:
    """The orphans found; deleted too when ``delete``."""
    orphans = find_orphans(min_age=min_age)
    if delete:
        for orphan in orphans:
            try:
                orphan.storage.delete(orphan.name)
            except OSError as error:
                logger.warning("Could not delete the orphaned file %s: %s", orphan.name, error)
                continue
            orphan.deleted = True
    return orphans
