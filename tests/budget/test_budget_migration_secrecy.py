"""The secrecy migration keeps every ballot: from the old schema (sequential ids, cast time, voter
tokens under IDENTITY_HASH_KEY, paper identity keys) to random ids, the day, voter tokens under their
own key, person tokens and the participation register."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# On PostgreSQL only, the production database: unapplying the later migrations of every app and
# applying them again rebuilds tables one by one on SQLite (a minute of the SQLite suite, two fifths
# of that on PostgreSQL), and the migration's data code is the same on both.
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("budget", "0005_paper_identity_index"), ("verification", "0002_verbose_names")]
AFTER = [("budget", "0006_ballot_secrecy"), ("verification", "0004_code_number_required")]


def _hmac(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _old_state(apps: Any) -> dict[str, Any]:
    """A community with a cycle still voting and a published one, as the old schema held them."""
    community = apps.get_model("core", "Community").objects.create(
        slug="m", name_uk="Громада", name_en="Community", katottg="UA00000000000000001"
    )
    users = [
        apps.get_model("accounts", "User").objects.create(email=f"m{i}@example.org", password="!") for i in range(3)
    ]
    identity = {u.pk: _hmac(settings.IDENTITY_HASH_KEY, f"rnokpp:{3000000000 + u.pk}") for u in users}
    Verification = apps.get_model("verification", "Verification")
    for user in users[:2]:  # the third account was deleted (no verification, no identity any more)
        Verification.objects.create(
            user=user,
            community=community,
            method="census",
            basis="census",
            status="active",
            identity_key=identity[user.pk],
        )
    now = timezone.now()
    dates = {
        name: now - timedelta(days=30 - i)
        for i, name in enumerate(["submission_opens", "review_opens", "revision_opens", "voting_opens"])
    }
    Cycle = apps.get_model("budget", "BudgetCycle")
    voting = Cycle.objects.create(
        community=community, title="Open", year=2026, status="voting", voting_closes=now + timedelta(days=5), **dates
    )
    published = Cycle.objects.create(
        community=community,
        title="Past",
        year=2025,
        status="implementation",
        voting_closes=now - timedelta(days=1),
        results_published_at=now,
        **dates,
    )
    Category = apps.get_model("budget", "Category")
    Project = apps.get_model("budget", "Project")
    Ballot = apps.get_model("budget", "Ballot")
    Choice = apps.get_model("budget", "BallotChoice")
    batch = apps.get_model("budget", "PaperBatch").objects.create(
        cycle=voting, number="1", place="ЦНАП", entered_by=users[0]
    )
    made: dict[str, Any] = {
        "community": community,
        "users": users,
        "identity": identity,
        "voting": voting,
        "published": published,
    }
    for cycle in (voting, published):
        category = Category.objects.create(
            cycle=cycle, name="C", budget=100, max_cost=100, ballot_rule="up_to_n", counting_rule="greedy"
        )
        project = Project.objects.create(
            cycle=cycle, category=category, author=users[0], title="P", status="admitted", total_cost=10
        )
        for i, user in enumerate(users):
            ballot = Ballot.objects.create(
                cycle=cycle,
                voter_token=_hmac(settings.IDENTITY_HASH_KEY, f"budget-voter:{cycle.pk}:{user.pk}"),
                receipt_code=f"ONLN-{cycle.pk:04d}-{i:04d}",
                cast_at=now - timedelta(hours=i),
                status="counted",
            )
            Choice.objects.create(ballot=ballot, project=project)
        made[f"project_{cycle.title}"] = project
    paper = Ballot.objects.create(
        cycle=voting,
        identity_key=_hmac(settings.IDENTITY_HASH_KEY, "id_card:123456789"),
        receipt_code="PAPR-0001-0001",
        is_paper=True,
        batch=batch,
        batch_position=1,
        cast_at=now,
        status="counted",
    )
    Choice.objects.create(ballot=paper, project=made["project_Open"])
    return made


def test_every_ballot_survives_and_loses_its_links() -> None:
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = _old_state(executor.loader.project_state(BEFORE).apps)
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        Ballot = apps.get_model("budget", "Ballot")
        Participation = apps.get_model("verification", "Participation")
        Verification = apps.get_model("verification", "Verification")
        ballots = {b.receipt_code: b for b in Ballot.objects.all()}
        assert len(ballots) == 7
        assert all(len(str(b.pk)) == 36 and b.cast_on <= date.today() for b in ballots.values())  # noqa: DTZ011
        choices = apps.get_model("budget", "BallotChoice").objects.values_list("ballot__receipt_code", flat=True)
        assert sorted(choices) == sorted(ballots)  # every choice followed its ballot to the new id

        voting, published, users = old["voting"], old["published"], old["users"]
        person_keys = dict(Verification.objects.values_list("user_id", "person_key"))
        expected_person = {pk: _hmac(settings.PERSON_KEY_SECRET, f"person:{old['identity'][pk]}") for pk in person_keys}
        assert person_keys == expected_person
        # The open cycle: voter tokens under their own key for the accounts that still exist, person
        # tokens, register rows for every known person; the deleted account's token is gone.
        for i, user in enumerate(users):
            ballot = ballots[f"ONLN-{voting.pk:04d}-{i:04d}"]
            if user.pk in person_keys:
                assert ballot.voter_token == _hmac(settings.VOTER_TOKEN_KEY, f"budget-voter:{voting.pk}:{user.pk}")
                assert ballot.person_token == _hmac(
                    settings.VOTER_TOKEN_KEY, f"budget-person:{voting.pk}:{person_keys[user.pk]}"
                )
            else:
                assert ballot.voter_token is None and ballot.person_token == ""
        paper_key = _hmac(
            settings.PERSON_KEY_SECRET, "person:" + _hmac(settings.IDENTITY_HASH_KEY, "id_card:123456789")
        )
        assert ballots["PAPR-0001-0001"].person_token == _hmac(
            settings.VOTER_TOKEN_KEY, f"budget-person:{voting.pk}:{paper_key}"
        )
        register = set(Participation.objects.values_list("process", "person_key", "channel"))
        assert register == {(f"budget.vote:{voting.pk}", key, "online") for key in person_keys.values()} | {
            (f"budget.vote:{voting.pk}", paper_key, "paper")
        }
        # The published cycle: no link left at all.
        past = [b for b in ballots.values() if b.cycle_id == published.pk]
        assert len(past) == 3 and all(b.voter_token is None and b.person_token == "" for b in past)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
