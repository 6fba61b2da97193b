"""A large log is verified in slices by several processes (PostgreSQL): the verdict must be the one a
single pass gives, for a sound chain and for each way of breaking it, at a slice's edge too."""

from __future__ import annotations

import pytest
from django.db import connection

from uchast.core import audit
from uchast.core.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ENTRIES = 12  # three slices of four with three workers: entries 1-4, 5-8, 9-12


@pytest.fixture
def chain(community, official, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(audit, "PARALLEL_FROM", 1)
    for i in range(ENTRIES):
        audit.record(action=f"test.{i}", actor=official, community=community, summary={"i": i, "назва": "сквер"})
    return community


def _tamper(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")


def _both() -> tuple[audit.ChainReport, audit.ChainReport]:
    return audit.verify_chain(workers=3), audit.verify_chain(workers=1)


def test_a_sound_chain_gives_the_single_pass_verdict_and_last_hash(chain) -> None:  # type: ignore[no-untyped-def]
    parallel, single = _both()
    assert parallel == single
    assert parallel.ok and parallel.entries_checked == ENTRIES
    assert parallel.last_hash == AuditEntry.objects.get(sequence=ENTRIES).entry_hash


@pytest.mark.parametrize("sequence", [2, 5, 12])
def test_a_changed_entry_is_found_in_any_slice(chain, sequence) -> None:  # type: ignore[no-untyped-def]
    _tamper("UPDATE core_auditentry SET summary = %s WHERE sequence = %s", ['{"i": 99}', sequence])
    parallel, single = _both()
    assert parallel == single
    assert parallel.first_broken_sequence == sequence and parallel.entries_checked == sequence - 1
    assert parallel.reason == "content does not match its hash"


def test_a_rewrite_from_a_slice_start_is_caught_where_the_slices_join(chain) -> None:  # type: ignore[no-untyped-def]
    """A forger rewrites entry 5 and recomputes every hash after it: each slice alone looks sound;
    only joining slice 2's stored start to slice 1's last hash shows the break."""
    rows = list(AuditEntry.objects.filter(sequence__gte=5).order_by("sequence").values())
    previous = "f" * 64
    for row in rows:
        forged = audit.compute_entry_hash(
            previous_hash=previous,
            sequence=row["sequence"],
            created_at=row["created_at"],
            actor_id=row["actor_id"],
            actor_label=row["actor_label"],
            community_id=row["community_id"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            summary=row["summary"],
        )
        _tamper(
            "UPDATE core_auditentry SET previous_hash = %s, entry_hash = %s WHERE sequence = %s",
            [previous, forged, row["sequence"]],
        )
        previous = forged
    parallel, single = _both()
    assert parallel == single
    assert parallel.first_broken_sequence == 5 and parallel.entries_checked == 4
    assert parallel.reason == "previous_hash does not match the entry before"


@pytest.mark.parametrize("sequence", [4, 9])
def test_a_deleted_entry_at_a_slice_edge_is_a_gap(chain, sequence) -> None:  # type: ignore[no-untyped-def]
    _tamper("DELETE FROM core_auditentry WHERE sequence = %s", [sequence])
    parallel, single = _both()
    assert not parallel.ok and not single.ok
    assert parallel.entries_checked == single.entries_checked == sequence - 1
    assert "gap" in parallel.reason and "gap" in single.reason


def test_a_cut_tail_is_caught(chain) -> None:  # type: ignore[no-untyped-def]
    _tamper("DELETE FROM core_auditentry WHERE sequence > %s", [ENTRIES - 2])
    parallel, single = _both()
    assert parallel == single and not parallel.ok
    assert parallel.first_broken_sequence == ENTRIES - 1
