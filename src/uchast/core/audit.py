"""Append-only, hash-chained audit log.

Services call :func:`record` inside their own ``transaction.atomic()`` block, so an entry exists
exactly when the change it describes was committed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from uchast.core import checkpoints
from uchast.core.models import AuditChainHead, AuditCheckpoint, AuditEntry, Community

GENESIS_HASH = "0" * 64


def compute_entry_hash(
    *,
    previous_hash: str,
    sequence: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    community_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    summary: dict[str, Any],
) -> str:
    """SHA-256 over a canonical JSON form, so anyone can recompute it from an export of the log."""
    canonical = json.dumps(
        [
            previous_hash,
            sequence,
            created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_label,
            community_id,
            action,
            object_type,
            object_id,
            summary,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _normalise_summary(summary: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so the hash is computed on exactly what the database will return.
    return json.loads(json.dumps(summary or {}, ensure_ascii=False, default=str))


def record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    community: Community | None = None,
    summary: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. Must be called inside the caller's transaction (it joins it)."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.get_or_create(name="main")
        head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
        actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
        # No names in the chain: the actor is referenced by id, so anonymising an account keeps it valid.
        label = actor_label or ("" if actor_id else "system")
        sequence = head.sequence + 1
        created_at = timezone.now()
        object_type = obj._meta.label_lower if obj is not None else ""
        object_id = str(obj.pk) if obj is not None else ""
        community_id = community.pk if community is not None else None
        normalised = _normalise_summary(summary)
        entry_hash = compute_entry_hash(
            previous_hash=head.entry_hash,
            sequence=sequence,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=label,
            community_id=community_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=normalised,
        )
        entry = AuditEntry.objects.create(
            sequence=sequence,
            created_at=created_at,
            community_id=community_id,
            actor_id=actor_id,
            actor_label=label[:200],
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=normalised,
            previous_hash=head.entry_hash,
            entry_hash=entry_hash,
        )
        AuditChainHead.objects.filter(pk=head.pk).update(sequence=sequence, entry_hash=entry_hash)
        return entry


@dataclass(frozen=True)
class PendingEntry:
    """One entry for :func:`record_many`: what :func:`record` takes, with the object given by type
    and id (bulk writers have ids, not instances) and the actor by id."""

    action: str
    community_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    actor_id: int | None = None
    actor_label: str = ""
    summary: dict[str, Any] | None = None


def record_many(entries: Iterable[PendingEntry], *, batch_size: int = 5000) -> int:
    """Append many entries at once (bulk loads such as ``uchast demo --scale``), chained exactly as
    :func:`record` chains them: the head is locked once, each hash is computed from the one before,
    rows are inserted in batches and the head moves to the last. Must run inside the caller's
    transaction (it joins it), like :func:`record`. Returns how many entries were appended."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.get_or_create(name="main")
        head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
        sequence, previous_hash = head.sequence, head.entry_hash
        batch: list[AuditEntry] = []
        appended = 0
        for pending in entries:
            sequence += 1
            created_at = timezone.now()
            label = pending.actor_label or ("" if pending.actor_id else "system")
            normalised = _normalise_summary(pending.summary)
            entry_hash = compute_entry_hash(
                previous_hash=previous_hash,
                sequence=sequence,
                created_at=created_at,
                actor_id=pending.actor_id,
                actor_label=label,
                community_id=pending.community_id,
                action=pending.action,
                object_type=pending.object_type,
                object_id=pending.object_id,
                summary=normalised,
            )
            batch.append(
                AuditEntry(
                    sequence=sequence,
                    created_at=created_at,
                    community_id=pending.community_id,
                    actor_id=pending.actor_id,
                    actor_label=label[:200],
                    action=pending.action,
                    object_type=pending.object_type,
                    object_id=pending.object_id,
                    summary=normalised,
                    previous_hash=previous_hash,
                    entry_hash=entry_hash,
                )
            )
            previous_hash = entry_hash
            if len(batch) >= batch_size:
                appended += len(AuditEntry.objects.bulk_create(batch))
                batch = []
        appended += len(AuditEntry.objects.bulk_create(batch))
        AuditChainHead.objects.filter(pk=head.pk).update(sequence=sequence, entry_hash=previous_hash)
        return appended


#: The fields of an entry as published (JSON Lines) and hashed, in this order.
RECORD_FIELDS = (
    "sequence",
    "created_at",
    "actor_id",
    "actor_label",
    "community_id",
    "action",
    "object_type",
    "object_id",
    "summary",
    "previous_hash",
    "entry_hash",
)


#: The fields hashed as they are published (the sequence, time and previous hash are handled apart).
_CONTENT_FIELDS = ("actor_id", "actor_label", "community_id", "action", "object_type", "object_id", "summary")


def entry_as_record(entry: AuditEntry) -> dict[str, Any]:
    """An entry as published: every field the hash covers, the time in UTC with microseconds.

    No personal data: the actor is an id (never a name), summaries hold no identity numbers."""
    return {
        "sequence": entry.sequence,
        "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "community_id": entry.community_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
        "previous_hash": entry.previous_hash,
        "entry_hash": entry.entry_hash,
    }


@dataclass(frozen=True)
class ChainReport:
    entries_checked: int
    first_broken_sequence: int | None
    reason: str
    last_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.first_broken_sequence is None


def verify_records(records: Iterable[Mapping[str, Any]]) -> ChainReport:
    """Recompute the chain over published records (from this database or anyone's copy), in order;
    report the first record that does not follow from the one before. Malformed records are breaks."""
    previous_hash = GENESIS_HASH
    checked = 0
    for record in records:
        expected = checked + 1
        try:
            sequence = int(record["sequence"])
            if sequence != expected:
                return ChainReport(checked, sequence, f"sequence gap: expected {expected}", previous_hash)
            if record["previous_hash"] != previous_hash:
                return ChainReport(checked, sequence, "previous_hash does not match the entry before", previous_hash)
            recomputed = compute_entry_hash(
                previous_hash=previous_hash,
                sequence=sequence,
                created_at=datetime.fromisoformat(str(record["created_at"])),
                **{name: record[name] for name in _CONTENT_FIELDS},
            )
        except (KeyError, TypeError, ValueError):
            return ChainReport(checked, expected, "malformed entry", previous_hash)
        if recomputed != record["entry_hash"]:
            return ChainReport(checked, sequence, "content does not match its hash", previous_hash)
        previous_hash = recomputed
        checked += 1
    return ChainReport(checked, None, "", previous_hash)


def local_records() -> Iterator[dict[str, Any]]:
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        yield entry_as_record(entry)


def verify_chain() -> ChainReport:
    """Recompute every hash of this database's log in sequence order, compare with the head, and
    check every stored checkpoint: its signature, and that the entry it names still has its hash
    (a tail rewritten with recomputed hashes, or cut back with the head stepped back, is caught)."""
    report = verify_records(local_records())
    if not report.ok:
        return report
    head = AuditChainHead.objects.filter(name="main").first()
    checked = report.entries_checked
    if head is not None and head.sequence != checked:
        return ChainReport(checked, checked + 1, f"entries missing after #{checked} (head says #{head.sequence})")
    for stored in AuditCheckpoint.objects.order_by("sequence"):
        problem = _checkpoint_problem(stored, checked)
        if problem:
            return ChainReport(checked, stored.sequence, problem, report.last_hash)
    return report


def _checkpoint_problem(stored: AuditCheckpoint, entries: int) -> str:
    checkpoint = _as_checkpoint(stored)
    if not checkpoints.signature_valid(checkpoint, _trusted_public_key()):
        return f"checkpoint of {stored.signed_at:%Y-%m-%d} has an invalid signature"
    if stored.sequence > entries:
        return f"checkpoint of {stored.signed_at:%Y-%m-%d} names entry #{stored.sequence}: history was cut back"
    entry_hash = AuditEntry.objects.filter(sequence=stored.sequence).values_list("entry_hash", flat=True).first()
    if stored.sequence and entry_hash != stored.entry_hash:
        return (
            f"entry #{stored.sequence} differs from the checkpoint of {stored.signed_at:%Y-%m-%d}: "
            "history was rewritten"
        )
    return ""


def _as_checkpoint(stored: AuditCheckpoint) -> checkpoints.Checkpoint:
    return checkpoints.Checkpoint(
        stored.sequence, stored.entry_hash, stored.signed_at, stored.signature, stored.public_key
    )


def _trusted_public_key() -> str | None:
    """The public key of the configured signing key (None when none is configured: then a stored
    checkpoint is checked against the key it names)."""
    secret = settings.AUDIT_SIGNING_KEY
    return checkpoints.public_key_of(checkpoints.load_signing_key(secret)) if secret else None


def published_checkpoint(stored: AuditCheckpoint) -> dict[str, Any]:
    """A stored checkpoint as published (the file observers keep)."""
    return _as_checkpoint(stored).as_record()


def checkpoint_sign(*, now: datetime | None = None, max_age: timedelta = timedelta(hours=23)) -> AuditCheckpoint | None:
    """Sign the chain's head unless a checkpoint younger than ``max_age`` exists (the periodic task
    runs hourly, so one is published at least daily). None when no ``AUDIT_SIGNING_KEY`` is set.

    The head is read under its row lock, so no entry is being appended while it is signed."""
    if not settings.AUDIT_SIGNING_KEY:
        return None
    key = checkpoints.load_signing_key(settings.AUDIT_SIGNING_KEY)
    now = now or timezone.now()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.get_or_create(name="main")
        head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
        latest = AuditCheckpoint.objects.order_by("-signed_at").first()
        if latest is not None and now - latest.signed_at < max_age:
            return None
        signed = checkpoints.sign(key, head.sequence, head.entry_hash, now)
        return AuditCheckpoint.objects.create(
            sequence=signed.sequence,
            entry_hash=signed.entry_hash,
            signed_at=signed.signed_at,
            signature=signed.signature,
            public_key=signed.public_key,
        )
