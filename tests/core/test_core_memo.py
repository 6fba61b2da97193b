"""The worker's memo: bounded by its time to live, forgotten at once when a community is saved;
and the hot cursor the voting peak uses."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from uchast.core import memo
from uchast.core.db import hot_cursor
from uchast.core.models import Community
from uchast.core.selectors import current_community


def test_remember_keeps_a_value_until_its_time_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert memo.remember(("k", 1), 5, load) == 1
    assert memo.remember(("k", 1), 5, load) == 1
    clock[0] += 6
    assert memo.remember(("k", 1), 5, load) == 2
    memo.forget("k")
    assert memo.remember(("k", 1), 5, load) == 3
    memo.forget_key(("k", 1))
    assert memo.remember(("k", 1), 5, load) == 4
    memo.clear()
    assert memo.remember(("k", 1), 5, load) == 5


def test_forget_takes_only_its_namespace() -> None:
    memo.remember(("a", 1), 60, lambda: "a")
    memo.remember(("b", 1), 60, lambda: "b")
    memo.forget("a")
    assert memo.remember(("a", 1), 60, lambda: "a2") == "a2"
    assert memo.remember(("b", 1), 60, lambda: "b2") == "b"


@pytest.mark.django_db
def test_current_community_is_memoised_and_forgotten_on_save(community: Community) -> None:
    assert current_community() == community
    with CaptureQueriesContext(connection) as queries:
        assert current_community() == community
    assert not queries.captured_queries
    community.name_uk = "Нова назва"
    community.save()
    assert current_community().name_uk == "Нова назва"  # type: ignore[union-attr]
    community.is_active = False
    community.save()
    assert current_community() is None


@pytest.mark.django_db
def test_hot_cursor_runs_bound_statements_and_is_counted(community: Community) -> None:
    with CaptureQueriesContext(connection) as queries:
        for _ in range(7):  # past the prepare threshold on PostgreSQL: the same answer when prepared
            with hot_cursor() as cursor:
                cursor.execute("SELECT slug FROM core_community WHERE id = %s", [community.pk])
                assert cursor.fetchone() == (community.slug,)
    assert len(queries.captured_queries) == 7


@pytest.mark.django_db
def test_hot_cursor_errors_are_djangos(community: Any) -> None:
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), hot_cursor() as cursor:
        cursor.execute("SELECT nothing FROM core_community")
