"""An audit log outsiders can check: a published copy is recomputed by anyone, and checkpoints they
kept catch history rewritten or cut back after them, even when the rewrite recomputes every hash."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from uchast.core import audit, checkpoints


def _export(path, records) -> str:  # type: ignore[no-untyped-def]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return str(path)


def _rehash(records: list[dict]) -> list[dict]:
    """What a forger with the database does: recompute every hash after a change."""
    previous = audit.GENESIS_HASH
    for record in records:
        record["previous_hash"] = previous
        record["entry_hash"] = audit.compute_entry_hash(
            previous_hash=previous,
            sequence=record["sequence"],
            created_at=datetime.fromisoformat(record["created_at"]),
            **{name: record[name] for name in audit._CONTENT_FIELDS},
        )
        previous = record["entry_hash"]
    return records


@pytest.fixture
def published(community, official):  # type: ignore[no-untyped-def]
    for i in range(6):
        audit.record(action=f"test.{i}", actor=official, community=community, summary={"i": i, "назва": "сквер"})
    return [audit.entry_as_record(e) for e in audit.AuditEntry.objects.order_by("sequence")]


@pytest.fixture
def key():  # type: ignore[no-untyped-def]
    secret, public = checkpoints.new_key_pair()
    return checkpoints.load_signing_key(secret), public


def _keep(tmp_path, key, record) -> str:  # type: ignore[no-untyped-def]
    signing_key, _ = key
    checkpoint = checkpoints.sign(signing_key, record["sequence"], record["entry_hash"], datetime.now(UTC))
    path = tmp_path / f"checkpoint-{record['sequence']}.json"
    path.write_text(json.dumps(checkpoint.as_record()), encoding="utf-8")
    return str(path)


def test_a_faithful_copy_and_kept_checkpoints_verify(tmp_path, published, key) -> None:
    copy = _export(tmp_path / "log.jsonl", published)
    out = io.StringIO()
    kept = _keep(tmp_path, key, published[3])
    call_command("audit", "verify", "--against", copy, "--checkpoint", kept, "--public-key", key[1], stdout=out)
    assert "6 entries verified" in out.getvalue() and "#4" in out.getvalue() and "matches" in out.getvalue()
    assert (
        audit.verify_records(published).ok and audit.verify_records(published).last_hash == published[-1]["entry_hash"]
    )


def test_a_rewritten_tail_with_recomputed_hashes_is_caught_by_a_checkpoint(tmp_path, published, key) -> None:
    kept = _keep(tmp_path, key, published[-1])
    forged = _rehash([dict(r) for r in published])
    forged[-1]["summary"] = {"i": 99}
    forged = _rehash(forged)
    copy = _export(tmp_path / "forged.jsonl", forged)
    assert audit.verify_records(forged).ok  # the chain alone cannot tell
    with pytest.raises(CommandError, match="rewritten"):
        call_command("audit", "verify", "--against", copy, "--checkpoint", kept, stdout=io.StringIO())


def test_a_tail_cut_back_is_caught_by_a_checkpoint(tmp_path, published, key) -> None:
    kept = _keep(tmp_path, key, published[-1])
    copy = _export(tmp_path / "cut.jsonl", published[:-1])
    with pytest.raises(CommandError, match="cut back"):
        call_command("audit", "verify", "--against", copy, "--checkpoint", kept, stdout=io.StringIO())


def test_a_changed_entry_in_a_copy_is_reported_by_number(tmp_path, published) -> None:
    changed = [dict(r) for r in published]
    changed[2]["action"] = "test.changed"
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify", "--against", _export(tmp_path / "c.jsonl", changed), stdout=io.StringIO())
    (tmp_path / "junk.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        call_command("audit", "verify", "--against", str(tmp_path / "junk.jsonl"), stdout=io.StringIO())
    bad = [dict(r) for r in published]
    del bad[1]["summary"]
    assert audit.verify_records(bad).reason == "malformed entry"


def test_a_checkpoint_signed_by_another_key_is_refused(tmp_path, published, key) -> None:
    other = checkpoints.new_key_pair()
    forged = _keep(tmp_path, (checkpoints.load_signing_key(other[0]), other[1]), published[-1])
    copy = _export(tmp_path / "log.jsonl", published)
    with pytest.raises(CommandError, match="signature"):
        call_command("audit", "verify", "--against", copy, "--checkpoint", forged, "--public-key", key[1])
    record = json.loads((tmp_path / f"checkpoint-{published[-1]['sequence']}.json").read_text())
    record["hash"] = "f" * 64
    tampered = checkpoints.Checkpoint.from_record(record)
    assert not checkpoints.signature_valid(tampered)


def test_keygen_and_key_loading() -> None:
    out = io.StringIO()
    call_command("audit", "keygen", stdout=out)
    secret = out.getvalue().split("AUDIT_SIGNING_KEY=")[1].split()[0]
    checkpoints.load_signing_key(secret)
    for wrong in ("not base64!", "c2hvcnQ="):
        with pytest.raises(checkpoints.SigningKeyError):
            checkpoints.load_signing_key(wrong)
