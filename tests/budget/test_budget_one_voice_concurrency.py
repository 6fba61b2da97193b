"""Real parallel requests on PostgreSQL (at least 16 at once) for every race of issue 12: exactly
one counted voice per person every time."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from uchast.accounts.models import ApiToken
from uchast.budget import services
from uchast.budget.models import Ballot, BallotStatus, BudgetCycle, DuplicateRule, Project, ProjectSupport
from uchast.budget.tokens import person_token
from uchast.core.errors import ActionRefused
from uchast.testing.factories import make_verified_resident
from uchast.verification.demo import demo_rnokpp
from uchast.verification.identity import person_key_for
from uchast.verification.models import Participation

from .conftest import projects_by_title
from .test_budget_concurrency import _run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL = 16


def _number(serial: int) -> str:
    from datetime import date

    return demo_rnokpp(date(1988, 8, 8), serial)


def _accounts_of_one_person(community: Any, number: str, how_many: int) -> list[Any]:
    key = person_key_for("rnokpp", number)
    return [
        make_verified_resident(community, email=f"{number}-{i}@example.org", person_key=key) for i in range(how_many)
    ]


def _token(user: Any) -> str:
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name="t", key_hash=ApiToken.hash_key(key))
    return key


def _api_cast(cycle_pk: int, key: str, projects: list[int]) -> int:
    response = Client().post(
        f"/api/budget/cycles/{cycle_pk}/ballot",
        json.dumps({"projects": projects}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code in (200, 409), response.content
    if response.status_code == 409:
        assert response.json()["error"]["code"] == "already_participated"
    return response.status_code


def _outcome(call: Any) -> str:
    try:
        call()
    except ActionRefused as refused:
        return refused.code
    return "ok"


def test_parallel_online_casts_of_two_accounts_of_one_person(voting_cycle: BudgetCycle, community: Any) -> None:
    p = projects_by_title(voting_cycle)
    for round_number in range(3):
        one, two = _accounts_of_one_person(community, _number(round_number), 2)
        keys = [_token(one), _token(two)]
        calls = [
            lambda i=i, key=keys[i % 2]: (i % 2, _api_cast(voting_cycle.pk, key, [p["A1"].pk])) for i in range(PARALLEL)
        ]
        results = _run_parallel(calls)
        winners = {account for account, status in results if status == 200}
        assert len(winners) == 1, results  # every accepted request is of one account (a replacement)
        assert {status for account, status in results if account not in winners} == {409}
    assert Ballot.objects.filter(cycle=voting_cycle, status=BallotStatus.COUNTED).count() == 3
    assert Ballot.objects.filter(cycle=voting_cycle).count() == 3 == Participation.objects.count()


def test_parallel_paper_entries_of_one_identity_in_one_batch(voting_cycle: BudgetCycle, official: Any) -> None:
    p = projects_by_title(voting_cycle)
    batch = services.paper_batch_create(cycle=voting_cycle, actor=official, number="B-1", place="ЦНАП")
    calls = [
        lambda position=position: (
            services.paper_ballot_enter(
                batch=batch,
                actor=official,
                position=position,
                identity_kind="rnokpp",
                identity_number=_number(9),
                project_ids=[p["A2"].pk],
            ).status
        )
        for position in range(1, PARALLEL + 1)
    ]
    statuses = _run_parallel(calls)
    assert sorted(statuses) == [BallotStatus.COUNTED] + [BallotStatus.FLAGGED] * (PARALLEL - 1)
    assert Ballot.objects.filter(status=BallotStatus.COUNTED).count() == 1
    assert Ballot.objects.filter(status=BallotStatus.FLAGGED).count() == PARALLEL - 1  # kept, not dropped


@pytest.mark.parametrize("rule", list(DuplicateRule))
def test_online_and_paper_of_one_person_at_the_same_moment(
    voting_cycle: BudgetCycle, community: Any, official: Any, rule: str
) -> None:
    """Online-then-paper and paper-then-online at once: two accounts of the person cast online while
    staff enter the person's paper ballot in several positions; whichever wins, one voice counts."""
    BudgetCycle.objects.filter(pk=voting_cycle.pk).update(duplicate_rule=rule)
    cycle = BudgetCycle.objects.get(pk=voting_cycle.pk)
    p = projects_by_title(cycle)
    batch = services.paper_batch_create(cycle=cycle, actor=official, number="M-1", place="Хаб")
    for round_number in range(3):
        number = _number(20 + round_number)
        accounts = _accounts_of_one_person(community, number, 2)
        online = [
            lambda u=accounts[i % 2]: _outcome(
                lambda: services.ballot_cast(cycle=cycle, user=u, project_ids=[p["A1"].pk])
            )
            for i in range(PARALLEL // 2)
        ]
        paper = [
            lambda position=position, number=number: _outcome(
                lambda: services.paper_ballot_enter(
                    batch=batch,
                    actor=official,
                    position=position,
                    identity_kind="rnokpp",
                    identity_number=number,
                    project_ids=[p["A3"].pk],
                )
            )
            for position in range(round_number * 100 + 1, round_number * 100 + 1 + PARALLEL // 2)
        ]
        calls = [call for pair in zip(online, paper, strict=True) for call in pair]
        outcomes = _run_parallel(calls)
        assert set(outcomes) <= {"ok", "already_participated"}, outcomes
        assert outcomes[1::2] == ["ok"] * (PARALLEL // 2)  # every paper ballot is kept
        key = person_key_for("rnokpp", number)
        theirs = Ballot.objects.filter(cycle=cycle, person_token=person_token(cycle, key))
        assert theirs.filter(status=BallotStatus.COUNTED).count() == 1, list(theirs.values_list("is_paper", "status"))
        counted = theirs.get(status=BallotStatus.COUNTED)
        assert Participation.objects.get(person_key=key).channel == ("paper" if counted.is_paper else "online")
        assert theirs.filter(is_paper=True).count() == PARALLEL // 2
    assert Ballot.objects.filter(cycle=cycle, status=BallotStatus.COUNTED).count() == 3


def test_parallel_supports_of_one_person(community: Any, administrator: Any, author: Any) -> None:
    from django.utils import timezone

    from .conftest import dates_around, make_category, submitted_project

    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="Підтримки",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
        support_threshold=50,
    )
    services.cycle_advance(cycle=cycle)
    project = submitted_project(cycle, author, make_category(cycle, administrator), "Сквер", 50_000)
    accounts = _accounts_of_one_person(community, _number(40), PARALLEL)
    calls = [
        lambda u=u: _outcome(lambda: services.project_support(project=Project.objects.get(pk=project.pk), user=u))
        for u in accounts
    ]
    outcomes = _run_parallel(calls)
    assert sorted(outcomes) == ["already_participated"] * (PARALLEL - 1) + ["ok"]
    assert Project.objects.get(pk=project.pk).supports == 1 == ProjectSupport.objects.filter(project=project).count()


def test_parallel_signatures_of_one_person(community: Any, moderator: Any) -> None:
    from uchast.petitions import services as petitions
    from uchast.petitions.models import Petition, Signature

    community.statute = {"petition_threshold": 1000, "petition_collection_days": 30}
    community.save()
    author = make_verified_resident(community, email="author-p@example.org")
    petition = petitions.petition_publish(
        petition=petitions.petition_submit(
            petition=petitions.petition_create(
                author=author, community=community, title="Паралельні підписи", text="т" * 40
            ),
            actor=author,
        ),
        actor=moderator,
    )
    accounts = _accounts_of_one_person(community, _number(50), PARALLEL)
    calls = [
        lambda u=u: _outcome(lambda: petitions.signature_create(petition=Petition(pk=petition.pk), signer=u))
        for u in accounts
    ]
    outcomes = _run_parallel(calls)
    assert sorted(outcomes) == ["already_participated"] * (PARALLEL - 1) + ["ok"]
    assert Petition.objects.get(pk=petition.pk).signature_count == 1 == Signature.objects.count()
