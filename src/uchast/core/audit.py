"""Append-only, hash-chained audit log.

Services call :func:`record` inside their own ``transaction.atomic()`` block, so an entry exists
exactly when the change it describes was committed.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from django.conf import settings
from django.db import connection, connections, models, transaction
from django.utils import timezone

from uchast.core import checkpoints
from uchast.core.models import AuditChainHead, AuditCheckpoint, AuditEntry, Community

GENESIS_HASH = "0" * 64


#: The canonical form every hash covers: compact JSON, keys sorted, text as it is (not escaped).
#: One encoder for the process: ``json.dumps`` with these options builds a new one per call, which
#: is a tenth of what verifying an entry costs.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode
#: A string as that encoder writes it (the standard library's C function behind it).
_quote = encode_basestring


def utc_text(moment: datetime) -> str:
    """An entry's time as hashed and published: UTC, with microseconds."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


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
    return _hash_of(
        previous_hash, sequence, utc_text(created_at), actor_id, actor_label, community_id, action, object_type,
        object_id, summary,
    )  # fmt: skip


def _hash_of(*fields: Any) -> str:
    """The hash of [previous hash, sequence, time (UTC text), actor id, actor label, community id,
    action, object type, object id, summary], in that order."""
    return hashlib.sha256(_canonical(*fields).encode("utf-8")).hexdigest()


def _json_number(value: int | None) -> str:
    return "null" if value is None else int.__repr__(value)


def _canonical(*fields: Any) -> str:
    """``_CANONICAL(list(fields))``, written out for the shape every entry has (two ids, text fields,
    a summary object): about four times faster, which is most of verifying a million entries. Any
    other shape (a copy with an id given as text, say) takes the general encoder, so the result is
    always the general encoder's; tests/core/test_core_audit.py compares the two on awkward values."""
    previous_hash, sequence, created_at, actor_id, label, community_id, action, object_type, object_id, summary = fields
    if (
        type(sequence) is int
        and (actor_id is None or type(actor_id) is int)
        and (community_id is None or type(community_id) is int)
        and type(summary) is dict
        and type(previous_hash) is str
        and type(created_at) is str
        and type(label) is str
        and type(action) is str
        and type(object_type) is str
        and type(object_id) is str
    ):
        return (
            f"[{_quote(previous_hash)},{int.__repr__(sequence)},{_quote(created_at)},{_json_number(actor_id)},"
            f"{_quote(label)},{_json_number(community_id)},{_quote(action)},{_quote(object_type)},"
            f"{_quote(object_id)},{_CANONICAL(summary) if summary else '{}'}]"
        )
    return _CANONICAL(list(fields))


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
    record = {name: getattr(entry, name) for name in RECORD_FIELDS}
    record["created_at"] = utc_text(entry.created_at)
    return record


@dataclass(frozen=True)
class ChainReport:
    entries_checked: int
    first_broken_sequence: int | None
    reason: str
    last_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.first_broken_sequence is None


#: A row as the chain is checked: RECORD_FIELDS in order, the time already as UTC text.
Row = tuple[Any, ...]


def _verify_rows(
    rows: Iterable[Row | None], *, first: int = 1, previous_hash: str | None = GENESIS_HASH
) -> ChainReport:
    """The one loop that checks a chain, from this database or from anyone's copy: entries in
    sequence order from ``first``, each following the one before (its stored previous hash is the
    hash recomputed for the entry before) and its stored hash being what its content hashes to.
    ``previous_hash=None`` takes the first entry's stored previous hash as given (a slice of the
    chain checked on its own; the caller joins the slices). A ``None`` row is a malformed record."""
    checked = 0
    expected = first
    for row in rows:
        if row is None:
            return ChainReport(checked, expected, "malformed entry", previous_hash or GENESIS_HASH)
        (
            sequence,
            created_at,
            actor_id,
            label,
            community_id,
            action,
            object_type,
            object_id,
            summary,
            stored_previous,
            stored,
        ) = row
        if sequence != expected:
            return ChainReport(checked, sequence, f"sequence gap: expected {expected}", previous_hash or GENESIS_HASH)
        if previous_hash is None:
            previous_hash = stored_previous
        elif stored_previous != previous_hash:
            return ChainReport(checked, sequence, "previous_hash does not match the entry before", previous_hash)
        recomputed = _hash_of(
            previous_hash, sequence, created_at, actor_id, label, community_id, action, object_type, object_id, summary
        )
        if recomputed != stored:
            return ChainReport(checked, sequence, "content does not match its hash", previous_hash)
        previous_hash = recomputed
        checked += 1
        expected += 1
    return ChainReport(checked, None, "", previous_hash or GENESIS_HASH)


def _rows_of_records(records: Iterable[Mapping[str, Any]]) -> Iterator[Row | None]:
    """Published records as rows; a record that is not well formed becomes None."""
    for record in records:
        try:
            yield (
                int(record["sequence"]),
                utc_text(datetime.fromisoformat(str(record["created_at"]))),
                *(record[name] for name in _CONTENT_FIELDS),
                record["previous_hash"],
                record["entry_hash"],
            )
        except (KeyError, TypeError, ValueError):
            yield None


def verify_records(records: Iterable[Mapping[str, Any]]) -> ChainReport:
    """Recompute the chain over published records (from this database or anyone's copy), in order;
    report the first record that does not follow from the one before. Malformed records are breaks."""
    return _verify_rows(_rows_of_records(records))


#: PostgreSQL writes the time as the chain hashes it and hands the summary over as text: no datetime
#: or JSON objects are built for a row only to be turned back into text (half the reading time).
_ROWS_SQL = (
    "SELECT sequence, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'),"
    " actor_id, actor_label, community_id, action, object_type, object_id, summary::text, previous_hash, entry_hash"
    " FROM core_auditentry WHERE sequence >= %s AND sequence <= %s ORDER BY sequence LIMIT %s"
)
_ROWS_PER_READ = 10_000


def _local_rows(first: int = 1, last: int | None = None) -> Iterator[Row]:
    """This database's entries ``first``..``last`` as rows, the time as UTC text, read in keyset
    pages of plain tuples (no model instances: at a million entries building them is most of the
    time). On PostgreSQL the rows come from one statement per page that skips Django's converters."""
    if connection.vendor != "postgresql":
        entries = AuditEntry.objects.filter(sequence__gte=first).order_by("sequence")
        if last is not None:
            entries = entries.filter(sequence__lte=last)
        for row in entries.values_list(*RECORD_FIELDS).iterator(chunk_size=5000):
            yield (row[0], utc_text(row[1]), *row[2:])
        return
    upper = last if last is not None else 2**62
    while True:
        with connection.cursor() as cursor:
            cursor.execute(_ROWS_SQL, [first, upper, _ROWS_PER_READ])
            page = cursor.fetchall()
        for sequence, at, actor_id, label, community_id, action, object_type, object_id, summary, prev, stored in page:
            decoded = {} if summary == "{}" else json.loads(summary)
            yield (sequence, at, actor_id, label, community_id, action, object_type, object_id, decoded, prev, stored)
        if len(page) < _ROWS_PER_READ:
            return
        first = page[-1][0] + 1


def local_records() -> Iterator[dict[str, Any]]:
    """This database's log as published (JSON Lines at /audit/log.jsonl, the open-data archive)."""
    for row in _local_rows():
        yield dict(zip(RECORD_FIELDS, row, strict=True))


#: Below this many entries one process checks the whole chain: starting workers costs more.
PARALLEL_FROM = 200_000


def _verify_slice(bounds: tuple[int, int]) -> tuple[ChainReport, str | None]:
    """One slice of the chain checked on its own, in a worker process: its report and the stored
    previous hash of its first entry (None when the slice is empty), for the parent to join."""
    first, last = bounds
    start = AuditEntry.objects.filter(sequence=first).values_list("previous_hash", flat=True).first()
    report = _verify_rows(_local_rows(first, last), first=first, previous_hash=None)
    connections.close_all()
    return report, start


def _verify_local(last: int, workers: int) -> ChainReport:
    """The chain 1..``last`` of this database, in ``workers`` slices checked side by side when the
    log is large and the database can serve other processes (PostgreSQL, outside a transaction:
    a worker sees only committed rows). Each slice trusts its first entry's stored previous hash;
    joining the slices checks that hash against the one recomputed at the end of the slice before,
    so the result is the one a single pass gives: the same first break, the same last hash."""
    if workers < 2 or last < PARALLEL_FROM or connection.vendor != "postgresql" or connection.in_atomic_block:
        return _verify_rows(_local_rows())
    size = -(-last // workers)
    slices = [(first, min(first + size - 1, last)) for first in range(1, last + 1, size)]
    connections.close_all()  # the workers are forked: none may share this process's connection
    with multiprocessing.get_context("fork").Pool(len(slices)) as pool:
        results = pool.map(_verify_slice, slices)
    checked, previous_hash = 0, GENESIS_HASH
    for (first, last_of_slice), (report, start) in zip(slices, results, strict=True):
        if start is not None and start != previous_hash:
            return ChainReport(checked, first, "previous_hash does not match the entry before", previous_hash)
        checked += report.entries_checked
        if report.entries_checked:
            previous_hash = report.last_hash
        if not report.ok or report.entries_checked != last_of_slice - first + 1:
            broken = report.first_broken_sequence or first + report.entries_checked
            return ChainReport(checked, broken, report.reason or f"sequence gap: expected {broken}", previous_hash)
    return ChainReport(checked, None, "", previous_hash)


def verify_chain(*, workers: int | None = None) -> ChainReport:
    """Recompute every hash of this database's log in sequence order, compare with the head, and
    check every stored checkpoint: its signature, and that the entry it names still has its hash
    (a tail rewritten with recomputed hashes, or cut back with the head stepped back, is caught).
    A large log is checked in slices by ``workers`` processes (default: one per core)."""
    last = AuditEntry.objects.aggregate(last=models.Max("sequence"))["last"] or 0
    report = _verify_local(last, workers if workers is not None else (os.cpu_count() or 1))
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
