"""The audit log in public: the whole log as JSON Lines (recomputable by anyone), daily signed
checkpoints (stored append-only, published as a list, a file and a feed), and a local verification
that catches a tail rewritten with recomputed hashes or cut back with the head stepped back."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from uchast.core import audit, checkpoints
from uchast.core.models import AuditChainHead, AuditCheckpoint

from .test_core_audit import _tamper


@pytest.fixture
def signing(settings):  # type: ignore[no-untyped-def]
    secret, public = checkpoints.new_key_pair()
    settings.AUDIT_SIGNING_KEY = secret
    return public


def _entries(community, official, n=5):  # type: ignore[no-untyped-def]
    for i in range(n):
        audit.record(action=f"test.{i}", actor=official, community=community, summary={"i": i})


def test_checkpoints_are_signed_at_most_daily_and_append_only(community, official, signing) -> None:
    _entries(community, official)
    first = audit.checkpoint_sign()
    assert first is not None and first.sequence == 5 and first.public_key == signing
    assert audit.checkpoint_sign() is None  # less than a day later
    later = audit.checkpoint_sign(now=timezone.now() + timedelta(days=1))
    assert later is not None and AuditCheckpoint.objects.count() == 2
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        AuditCheckpoint.objects.all().delete()
    assert audit.verify_chain().ok


def test_without_a_key_nothing_is_signed(community, official, settings) -> None:
    settings.AUDIT_SIGNING_KEY = ""
    _entries(community, official, 1)
    assert audit.checkpoint_sign() is None


def test_a_rewritten_tail_is_caught_by_the_stored_checkpoint(community, official, signing) -> None:
    _entries(community, official)
    audit.checkpoint_sign()
    last = audit.AuditEntry.objects.get(sequence=5)
    forged = audit.compute_entry_hash(
        previous_hash=last.previous_hash,
        sequence=5,
        created_at=last.created_at,
        actor_id=last.actor_id,
        actor_label=last.actor_label,
        community_id=last.community_id,
        action="test.forged",
        object_type="",
        object_id="",
        summary={"i": 99},
    )
    _tamper(
        "UPDATE core_auditentry SET action = %s, summary = %s, entry_hash = %s WHERE sequence = 5",
        ["test.forged", json.dumps({"i": 99}), forged],
    )
    AuditChainHead.objects.filter(name="main").update(entry_hash=forged)
    report = audit.verify_chain()
    assert not report.ok and "rewritten" in report.reason and report.first_broken_sequence == 5


def test_a_tail_cut_back_with_the_head_stepped_back_is_caught(community, official, signing) -> None:
    _entries(community, official)
    audit.checkpoint_sign()
    _tamper("DELETE FROM core_auditentry WHERE sequence = 5", [])
    previous = audit.AuditEntry.objects.get(sequence=4).entry_hash
    AuditChainHead.objects.filter(name="main").update(sequence=4, entry_hash=previous)
    report = audit.verify_chain()
    assert not report.ok and "cut back" in report.reason
    with pytest.raises(CommandError, match="cut back"):
        call_command("audit", "verify", stdout=io.StringIO())


def test_the_published_log_and_checkpoint_verify_with_the_command(
    client, community, official, signing, tmp_path
) -> None:
    _entries(community, official)
    audit.checkpoint_sign()
    log = client.get("/audit/log.jsonl")
    assert log.status_code == 200 and log["Content-Type"].startswith("application/x-ndjson")
    body = b"".join(log.streaming_content).decode()
    records = [json.loads(line) for line in body.splitlines()]
    assert [r["sequence"] for r in records] == [1, 2, 3, 4, 5] and "email" not in body
    (tmp_path / "log.jsonl").write_text(body, encoding="utf-8")
    latest = client.get("/audit/checkpoints/latest.json")
    assert latest.status_code == 200 and latest.json()["sequence"] == 5
    (tmp_path / "cp.json").write_text(latest.content.decode(), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "audit",
        "verify",
        "--against",
        str(tmp_path / "log.jsonl"),
        "--checkpoint",
        str(tmp_path / "cp.json"),
        "--public-key",
        signing,
        stdout=out,
    )
    assert "matches" in out.getvalue()
    assert client.get("/audit/checkpoints.json").json()["checkpoints"][0]["hash"] == records[-1]["entry_hash"]
    feed = client.get("/audit/checkpoints.atom")
    assert feed.status_code == 200 and records[-1]["entry_hash"][:16] in feed.content.decode()


def test_the_page_shows_the_latest_checkpoint_and_how_to_verify(client, community, official, signing) -> None:
    _entries(community, official, 2)
    assert client.get("/audit/checkpoints/latest.json").status_code == 404
    audit.checkpoint_sign()
    page = client.get("/audit/").content.decode()
    assert signing in page and "uchast audit verify --against" in page and "/audit/log.jsonl" in page
