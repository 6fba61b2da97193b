"""Migration 0007 (sealed ballots): second entries of paper ballots become keyed digests; agreeing
positions are marked matched with no digest left, disagreeing or missing ones keep theirs, so the
count waits for them as it does for new ballots. Ballots cast before keep their choice rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from uchast.budget.sealing import paper_digest

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BEFORE = [("budget", "0006_ballot_secrecy")]
AFTER = [("budget", "0007_sealed_ballots")]


def _old_state(apps: Any) -> dict[str, Any]:
    community = apps.get_model("core", "Community").objects.create(
        slug="m", name_uk="Громада", name_en="Community", katottg="UA00000000000000001"
    )
    staff = apps.get_model("accounts", "User").objects.create(email="staff@example.org", password="!")
    now = timezone.now()
    dates = {
        name: now - timedelta(days=30 - i)
        for i, name in enumerate(["submission_opens", "review_opens", "revision_opens", "voting_opens"])
    }
    cycle = apps.get_model("budget", "BudgetCycle").objects.create(
        community=community, title="Open", year=2026, status="voting", voting_closes=now + timedelta(days=5), **dates
    )
    category = apps.get_model("budget", "Category").objects.create(
        cycle=cycle, name="C", budget=100, max_cost=100, ballot_rule="up_to_n", counting_rule="greedy"
    )
    Project = apps.get_model("budget", "Project")
    a, b = (
        Project.objects.create(cycle=cycle, category=category, author=staff, title=t, status="admitted", total_cost=10)
        for t in ("A", "B")
    )
    batch = apps.get_model("budget", "PaperBatch").objects.create(
        cycle=cycle, number="1", place="ЦНАП", entered_by=staff
    )
    Ballot = apps.get_model("budget", "Ballot")
    Choice = apps.get_model("budget", "BallotChoice")
    Check = apps.get_model("budget", "PaperCheckEntry")
    for position, first, second in ((1, [a, b], [b.pk, a.pk]), (2, [a], [b.pk]), (3, [b], None)):
        ballot = Ballot.objects.create(
            cycle=cycle,
            receipt_code=f"PAPR-0000-000{position}",
            is_paper=True,
            batch=batch,
            batch_position=position,
            cast_on=now.date(),
        )
        for project in first:
            Choice.objects.create(ballot=ballot, project=project)
        if second is not None:
            Check.objects.create(batch=batch, batch_position=position, project_ids=second, entered_by=staff)
    return {"batch": batch, "a": a, "b": b}


def test_second_entries_become_digests() -> None:
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = _old_state(executor.loader.project_state(BEFORE).apps)
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        ballots = {b.batch_position: b for b in apps.get_model("budget", "Ballot").objects.all()}
        checks = {c.batch_position: c for c in apps.get_model("budget", "PaperCheckEntry").objects.all()}
        batch, a, b = old["batch"].pk, old["a"].pk, old["b"].pk
        assert (ballots[1].check_digest, checks[1].digest, checks[1].matched) == ("", "", True)
        assert ballots[2].check_digest == paper_digest(batch, 2, [a]) and not checks[2].matched
        assert checks[2].digest == paper_digest(batch, 2, [b])
        assert ballots[3].check_digest == paper_digest(batch, 3, [b]) and 3 not in checks
        assert all(x.sealed is None for x in ballots.values())  # read from their choice rows at the count
        assert apps.get_model("budget", "BallotChoice").objects.count() == 4
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
