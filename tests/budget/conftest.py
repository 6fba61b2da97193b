from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import BallotRule, BudgetCycle, Category, CountingRule, Phase, Project
from uchast.budget.services import CostLine

UAH = 100


def dates_around(now: Any, phase: str = "voting") -> dict[str, Any]:
    """Dates that put ``now`` inside ``phase``."""
    offset = {"draft": -1, "submission": 1, "review": 31, "revision": 51, "voting": 61, "results": 80}[phase]
    start = now - timedelta(days=offset)
    return {
        "submission_opens": start,
        "review_opens": start + timedelta(days=30),
        "revision_opens": start + timedelta(days=50),
        "voting_opens": start + timedelta(days=60),
        "voting_closes": start + timedelta(days=75),
    }


def make_category(cycle: BudgetCycle, actor: Any, **overrides: Any) -> Category:
    values: dict[str, Any] = {
        "name": "Загальні",
        "budget": 1_000_000 * UAH,
        "min_cost": 10_000 * UAH,
        "max_cost": 600_000 * UAH,
        "ballot_rule": BallotRule.UP_TO_N,
        "max_selected": 2,
        "min_selected": 1,
        "counting_rule": CountingRule.GREEDY,
    }
    values.update(overrides)
    return services.category_save(cycle=cycle, actor=actor, values=values)


def project_values(title: str = "Укриття для школи") -> dict[str, Any]:
    return {
        "title": title,
        "summary": "Коротко про проєкт",
        "description": "Повний опис",
        "expected_result": "Безпечне укриття",
        "beneficiaries": "Учні та вчителі",
        "address": "вул. Центральна, 1",
    }


def submitted_project(cycle: BudgetCycle, author: Any, category: Category, title: str, cost_uah: int) -> Project:
    project = services.project_save_draft(
        cycle=cycle,
        author=author,
        category=category,
        district=None,
        values=project_values(title),
        costs=[CostLine("Роботи", 1, cost_uah * UAH)],
    )
    return services.project_submit(project=project, author=author, accept_rules=True)


CHECKS = {"within_powers": True, "community_property": True, "realistic_cost": True, "no_duplicate": True}


@pytest.fixture
def author(community: Any) -> Any:
    from uchast.testing.factories import make_verified_resident

    return make_verified_resident(community, email="author@example.org")


def admitted_cycle(community: Any, administrator: Any, official: Any, author: Any) -> BudgetCycle:
    """A cycle in review with two categories, A (up to 2, greedy) and B (knapsack, MES), and six
    admitted projects: ready for voting."""
    now = timezone.now()
    cycle = services.cycle_create(
        community=community, actor=administrator, title="ГБ 2026", year=2026, dates=dates_around(now, "submission")
    )
    services.cycle_advance(cycle=cycle)
    a = make_category(cycle, administrator, name="A", position=1)
    b = make_category(
        cycle,
        administrator,
        name="B",
        position=2,
        budget=3_000 * UAH,
        min_cost=500 * UAH,
        max_cost=2_000 * UAH,
        ballot_rule=BallotRule.KNAPSACK,
        min_selected=0,
        max_selected=10,
        counting_rule=CountingRule.MES,
    )
    projects = [
        submitted_project(cycle, author, a, "A1", 500_000),
        submitted_project(cycle, author, a, "A2", 400_000),
        submitted_project(cycle, author, a, "A3", 300_000),
        submitted_project(cycle, author, b, "B1", 2_000),
        submitted_project(cycle, author, b, "B2", 1_500),
        submitted_project(cycle, author, b, "B3", 1_000),
    ]
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    for project in projects:
        services.review_record(
            project=project,
            reviewer=official,
            conclusion="admitted",
            public_reason="Відповідає вимогам",
            checklist=CHECKS,
        )
    return cycle


def open_voting(cycle: BudgetCycle) -> BudgetCycle:
    for name, value in dates_around(timezone.now(), "voting").items():
        setattr(cycle, name, value)
    cycle.save()
    services.cycle_advance(cycle=cycle)
    assert cycle.status == Phase.VOTING
    return cycle


@pytest.fixture
def voting_cycle(community: Any, administrator: Any, official: Any, author: Any) -> BudgetCycle:
    """A cycle in voting (server key) with two categories: A (up to 2, greedy), B (knapsack, MES)."""
    return open_voting(admitted_cycle(community, administrator, official, author))


COMMISSION = ["Олена Ковальчук", "Ігор Савченко", "Наталія Бондар", "Віктор Ткаченко", "Марія Лисенко"]


@pytest.fixture
def commission_cycle(community: Any, administrator: Any, official: Any, author: Any) -> tuple[BudgetCycle, list[str]]:
    """The voting cycle on a 3-of-5 commission key, and the five members' shares (texts)."""
    cycle = admitted_cycle(community, administrator, official, author)
    key = services.cycle_commission_key(cycle=cycle, actor=administrator, threshold=3, members=COMMISSION)
    return open_voting(cycle), [share.text for share in key.shares]


def projects_by_title(cycle: BudgetCycle) -> dict[str, Project]:
    return {p.title: p for p in cycle.projects.all()}


def opened(ballot: Any) -> set[int]:
    """What a sealed ballot of a server-key cycle chose, opened with the key the count uses."""
    from uchast.budget.sealing import open_choices, server_private_key

    assert ballot.sealed is not None, "the ballot is not sealed"
    return set(open_choices(server_private_key(ballot.cycle_id), ballot.sealed))


def bearer(user: Any, *, staff: bool = False) -> dict[str, str]:
    """Headers of a personal API token of ``user``: a resident's (read, participate) or, for staff,
    one with the ``staff`` scope (created right after the second factor, as the profile page does)."""
    from uchast.accounts.services import api_token_create

    scopes = ("read", "staff") if staff else ("read", "participate")
    _token, key = api_token_create(user=user, name="test", scopes=scopes, second_factor_recent=staff)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def last_audit(action: str) -> Any:
    """The latest audit entry of ``action`` (the test asserts who and what)."""
    from uchast.core.models import AuditEntry

    return AuditEntry.objects.filter(action=action).order_by("-sequence").first()


def refusal(response: Any) -> tuple[int, str]:
    """(status, error code) of an API refusal."""
    return response.status_code, response.json()["error"]["code"]
