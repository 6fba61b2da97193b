from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from uchast.core import audit
from uchast.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list[object]) -> None:
    """Bypass the append-only triggers as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")
            cursor.execute(sql, params)


def test_entries_chain_to_each_other(community, official):
    first = audit.record(action="test.one", actor=official, obj=community, community=community, summary={"a": 1})
    second = audit.record(action="test.two", actor=official, community=community, summary={"b": "ґ"})
    assert first.sequence == 1 and second.sequence == 2
    assert second.previous_hash == first.entry_hash
    assert first.previous_hash == audit.GENESIS_HASH
    assert audit.verify_chain().ok
    assert audit.verify_chain().entries_checked == 2


def test_audit_entries_cannot_be_changed_through_the_orm(community):
    entry = audit.record(action="test.one", community=community)
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_database_refuses_update_and_delete(community):
    entry = audit.record(action="test.one", community=community)
    for sql in ("UPDATE core_auditentry SET action = 'x' WHERE id = %s", "DELETE FROM core_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.one"


def test_verify_reports_the_first_changed_entry(community, official):
    for i in range(5):
        audit.record(action=f"test.{i}", actor=official, community=community, summary={"i": i})
    _tamper("UPDATE core_auditentry SET summary = %s WHERE sequence = 3", ['{"i": 99}'])
    report = audit.verify_chain()
    assert not report.ok
    assert report.first_broken_sequence == 3
    assert report.entries_checked == 2
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify")


def test_verify_reports_a_deleted_entry(community):
    for i in range(4):
        audit.record(action=f"test.{i}", community=community)
    _tamper("DELETE FROM core_auditentry WHERE sequence = 2", [])
    report = audit.verify_chain()
    assert report.first_broken_sequence == 3
    assert "gap" in report.reason


def test_verify_detects_truncated_tail(community):
    for i in range(3):
        audit.record(action=f"test.{i}", community=community)
    _tamper("DELETE FROM core_auditentry WHERE sequence = 3", [])
    report = audit.verify_chain()
    assert not report.ok and report.first_broken_sequence == 3


def test_audit_record_rolls_back_with_the_change(community):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(action="test.rolled_back", community=community)
        raise RuntimeError
    assert not AuditEntry.objects.exists()
    assert audit.record(action="test.after", community=community).sequence == 1
    assert audit.verify_chain().ok


AWKWARD_TEXT = [
    "",
    "plain",
    'лапки "всередині"',
    "back\\slash",
    "tab\tnew\nline\x00\x1f",
    "😀 ґ є ї",
    "\u2028\u2029",
    "</script>",
]


@pytest.mark.parametrize("text", AWKWARD_TEXT)
@pytest.mark.parametrize(
    "ids", [(1, None, 2), (10**15, 7, None), ("12", 7, 3), (5, True, 3), (5, 7, "3")], ids=lambda ids: repr(ids)
)
@pytest.mark.parametrize(
    "summary", [{}, {"b": 1, "a": [1.5, None, True]}, {"назва": "сквер", "n": {"z": "x", "y": -3}}], ids=str
)
def test_the_written_out_canonical_form_is_the_json_encoders(text, ids, summary) -> None:
    """Hashes of entries already published must stay what they were: the fast form equals the general
    encoder's on every shape, and falls back to it for shapes it does not write out (ids as text or
    booleans)."""
    sequence, actor_id, community_id = ids
    fields = ("f" * 64, sequence, "2026-12-04T16:53:15.123456+00:00", actor_id, text, community_id, text, "a.b", text)
    assert audit._canonical(*fields, summary) == audit._CANONICAL([*fields, summary])
    assert json.loads(audit._canonical(*fields, summary)) == [*fields, summary]
