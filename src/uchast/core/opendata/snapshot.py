"""Snapshots of the open data: every dataset's files written once, with their SHA-256, and a zip of all.

A snapshot is a directory ``<UCHAST_OPEN_DATA_DIR>/<community>/<stamp>/`` with the files, a
``manifest.json`` (what each file is, its size and checksum; also inside the zip) and
``all-datasets.zip``; the file ``current`` names the newest complete one. It is written in a
temporary directory and renamed, so a reader never sees half a snapshot, and downloads are files
served from disk: a checksum in the catalogue is the checksum of what one downloads.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils import timezone

from uchast.core.exports import spreadsheet_safe
from uchast.core.models import Community
from uchast.core.registry import Dataset, DataTable, registry

ARCHIVE = "all-datasets.zip"
MANIFEST = "manifest.json"
_KEEP = 3  # snapshots kept: a download that started on an older one still finishes


@dataclass(frozen=True)
class Snapshot:
    path: Path
    manifest: dict[str, Any]

    def file(self, name: str) -> Path | None:
        """The file of the snapshot called ``name`` (a file listed in the manifest or the archive)."""
        names = {entry["file"] for entry in self.manifest["files"]} | {ARCHIVE}
        return self.path / name if name in names else None

    def files_of(self, slug: str) -> list[dict[str, Any]]:
        return [entry for entry in self.manifest["files"] if entry["dataset"] == slug]


def _root(community: Community) -> Path:
    return Path(settings.UCHAST_OPEN_DATA_DIR) / community.slug


def current(community: Community) -> Snapshot | None:
    root = _root(community)
    try:
        stamp = (root / "current").read_text(encoding="utf-8").strip()
        manifest = json.loads((root / stamp / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Snapshot(root / stamp, manifest)


def current_or_build(community: Community) -> Snapshot:
    """The newest snapshot; the first visit of a new installation builds one (the scheduler does it nightly)."""
    return current(community) or build(community)


def plain(value: Any) -> Any:
    """A cell as JSON and CSV show it: dates in ISO 8601, decimals as text (no binary rounding)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class _Hashing(io.RawIOBase):
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, target: BinaryIO) -> None:
        self.target, self.sha256, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.target.write(chunk)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return len(chunk)


def _table(dataset: Dataset, community: Community) -> DataTable:
    if dataset.table is None:
        raise ValueError(f"{dataset.slug} has no table")
    return dataset.table(community)


def write_csv(dataset: Dataset, community: Community, out: BinaryIO) -> None:
    table = _table(dataset, community)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")  # spreadsheets read the Cyrillic right only with the byte-order mark
    writer = csv.writer(text)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([spreadsheet_safe(plain(cell)) for cell in row])
    text.detach()


def write_json(dataset: Dataset, community: Community, out: BinaryIO) -> None:
    """A JSON array of objects, written row by row (a big dataset is never whole in memory)."""
    table = _table(dataset, community)
    out.write(b"[")
    for index, row in enumerate(table.rows):
        record = {column: plain(cell) for column, cell in zip(table.columns, row, strict=True)}
        out.write((b",\n" if index else b"\n") + json.dumps(record, ensure_ascii=False).encode())
    out.write(b"\n]\n")


@dataclass(frozen=True)
class _Output:
    key: str
    label: str
    media_type: str
    extension: str
    write: Any


def outputs(dataset: Dataset) -> Iterator[_Output]:
    """Every file a dataset is published as: CSV and JSON of its table, then its own formats."""
    if dataset.table is not None:
        yield _Output("csv", "CSV", "text/csv", "csv", lambda c, out: write_csv(dataset, c, out))
        yield _Output("json", "JSON", "application/json", "json", lambda c, out: write_json(dataset, c, out))
    for extra in dataset.formats:
        yield _Output(extra.key, extra.label, extra.media_type, extra.extension, extra.write)


def _write_files(community: Community, target: Path) -> list[dict[str, Any]]:
    files = []
    for slug in sorted(registry.datasets):
        dataset = registry.datasets[slug]
        for output in outputs(dataset):
            name = f"{slug}.{output.extension}"
            with (target / name).open("wb") as raw:
                hashing = _Hashing(raw)
                output.write(community, hashing)
            files.append(
                {
                    "dataset": slug,
                    "format": output.key,
                    "label": output.label,
                    "media_type": output.media_type,
                    "file": name,
                    "bytes": hashing.size,
                    "sha256": hashing.sha256.hexdigest(),
                }
            )
    return files


def _write_archive(target: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    archive = target / ARCHIVE
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        for entry in manifest["files"]:
            bundle.write(target / entry["file"], entry["file"])
    digest = hashlib.sha256()
    with archive.open("rb") as data:
        for chunk in iter(lambda: data.read(1 << 16), b""):
            digest.update(chunk)
    return {"file": ARCHIVE, "bytes": archive.stat().st_size, "sha256": digest.hexdigest()}


def build(community: Community) -> Snapshot:
    """Write a new snapshot of every registered dataset and make it the current one."""
    root = _root(community)
    root.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        manifest: dict[str, Any] = {
            "community": community.slug,
            "generated_at": now.isoformat(),
            "licence": settings.UCHAST_OPEN_DATA_LICENCE,
            "files": _write_files(community, work),
        }
        manifest["archive"] = _write_archive(work, {k: v for k, v in manifest.items() if k != "archive"})
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
        final = root / stamp
        os.replace(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    pointer = root / f".current-{stamp}"
    pointer.write_text(stamp, encoding="utf-8")
    os.replace(pointer, root / "current")
    _prune(root, keep=stamp)
    return Snapshot(final, manifest)


def _prune(root: Path, keep: str) -> None:
    stamps = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in stamps[:-_KEEP]:
        if old != keep:
            shutil.rmtree(root / old, ignore_errors=True)
