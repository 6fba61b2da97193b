"""Append-only, hash-chained audit log.

Services call :func:`record` inside their own ``transaction.atomic()`` block, so an entry exists
exactly when the change it describes was committed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from uchast.core.models import AuditChainHead, AuditEntry, Community

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
class ChainReport:
    entries_checked: int
    first_broken_sequence: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_broken_sequence is None


def verify_chain() -> ChainReport:
    """Recompute every hash in sequence order; report the first entry that does not match."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return ChainReport(checked, entry.sequence, f"sequence gap: expected {expected_sequence}")
        if entry.previous_hash != previous_hash:
            return ChainReport(checked, entry.sequence, "previous_hash does not match the entry before")
        recomputed = compute_entry_hash(
            previous_hash=entry.previous_hash,
            sequence=entry.sequence,
            created_at=entry.created_at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            community_id=entry.community_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            summary=entry.summary,
        )
        if recomputed != entry.entry_hash:
            return ChainReport(checked, entry.sequence, "content does not match its hash")
        previous_hash = entry.entry_hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(name="main").first()
    if head is not None and head.sequence != checked:
        return ChainReport(checked, checked + 1, f"entries missing after #{checked} (head says #{head.sequence})")
    return ChainReport(checked, None, "")
