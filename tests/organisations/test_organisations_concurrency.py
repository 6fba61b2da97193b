"""Commission members scoring at the same time (PostgreSQL, real threads): no score is lost, and a
conflict declared while the same member scores leaves no score of theirs behind."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from tests.organisations.conftest import announce, apply, close_applications, register
from uchast.core.errors import ActionRefused
from uchast.organisations import services
from uchast.organisations.models import Application, ConflictDeclaration, Score
from uchast.testing.factories import CommunityFactory, make_user, make_verified_resident

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(jobs: list[Callable[[], None]]) -> tuple[list[str], list[BaseException]]:
    barrier = threading.Barrier(len(jobs))
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait()
            job()
        except ActionRefused as error:
            with lock:
                refused.append(error.code)
        except BaseException as error:  # noqa: BLE001 - reported below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return refused, errors


@pytest.fixture
def setting() -> tuple[Any, Application, list[Any]]:
    community = CommunityFactory()
    official = make_user("official")
    members = [official] + [make_user(email=f"member{i}@example.org") for i in range(7)]
    competition = announce(community, official, members)
    head = make_verified_resident(community, email="head@example.org")
    organisation = services.organisation_confirm(organisation=register(community, head), actor=official)
    application = apply(competition, organisation, head)
    competition = close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    return competition, application, members


def test_eight_members_scoring_in_parallel_lose_no_score(setting: tuple[Any, Application, list[Any]]) -> None:
    competition, application, members = setting
    criteria = list(competition.criteria.all())

    def scorer(user: Any, value: int) -> Callable[[], None]:
        return lambda: services.scores_submit(
            application=Application(pk=application.pk, competition=competition),
            member_user=user,
            values={c.pk: value for c in criteria},
        )

    refused, errors = _run_together([scorer(u, i + 1) for i, u in enumerate(members)])
    assert errors == [] and refused == []
    assert Score.objects.filter(application=application).count() == len(members) * len(criteria)
    totals = sorted(
        sum(s.value for s in Score.objects.filter(application=application, member__user=u)) for u in members
    )
    assert totals == [2 * (i + 1) for i in range(len(members))]


def test_conflict_and_score_at_once_leave_no_score(setting: tuple[Any, Application, list[Any]]) -> None:
    competition, application, members = setting
    criteria = list(competition.criteria.all())
    member = members[1]
    for _round in range(5):
        ConflictDeclaration.objects.all().delete()
        Score.objects.all().delete()
        refused, errors = _run_together(
            [
                lambda: services.scores_submit(
                    application=Application(pk=application.pk, competition=competition),
                    member_user=member,
                    values={c.pk: 5 for c in criteria},
                ),
                lambda: services.conflict_declare(
                    application=Application(pk=application.pk, competition=competition),
                    member_user=member,
                    note="Я член правління",
                ),
            ]
        )
        assert errors == []
        assert ConflictDeclaration.objects.filter(member__user=member).count() == 1
        # Either the score came first and the declaration removed it, or it was refused.
        assert not Score.objects.filter(member__user=member).exists()
        assert refused in ([], ["conflict_of_interest"])


def test_one_vote_per_organisation_under_parallel_votes() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from uchast.organisations import bodies
    from uchast.organisations.models import MemberRole, Membership

    community = CommunityFactory()
    official = make_user("official")
    head = make_verified_resident(community, email="head@example.org")
    organisation = services.organisation_confirm(organisation=register(community, head), actor=official)
    co_heads = [make_user(email=f"cohead{i}@example.org") for i in range(5)]
    Membership.objects.bulk_create(
        Membership(organisation=organisation, user=u, role=MemberRole.HEAD) for u in co_heads
    )
    body = bodies.body_create(actor=official, community=community, name="Рада ВПО", kind="idp_council")
    election = bodies.election_open(
        body=body,
        actor=official,
        title="Вибори",
        seats=1,
        closes_at=timezone.now() + timedelta(days=1),
        candidates=[make_user(email="a@example.org"), make_user(email="b@example.org")],
    )
    candidate = election.candidates.first()
    refused, errors = _run_together(
        [
            (
                lambda u=u: bodies.election_vote(
                    election=election, delegate=u, organisation=organisation, candidate=candidate
                )
            )  # fmt: skip
            for u in [head, *co_heads]
        ]
    )
    assert errors == []
    assert sorted(refused) == ["already_voted"] * 5
    assert bodies.ElectionVote.objects.filter(election=election).count() == 1
    candidate.refresh_from_db()
    assert candidate.votes == 1
