from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from uchast.budget import services
from uchast.budget.models import Ballot, BallotChoice, BudgetCycle
from uchast.budget.tokens import voter_token
from uchast.testing.factories import make_verified_resident

from .conftest import opened, projects_by_title

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_parallel(calls: list[Any], workers: int = 25) -> list[Any]:
    barrier = threading.Barrier(min(workers, len(calls)))
    errors: list[BaseException] = []

    def run(call: Any) -> Any:
        try:
            try:
                barrier.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
            return call()
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
            return None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(run, calls))
    assert not errors, errors[:3]
    return results


def test_parallel_submissions_one_ballot_each(voting_cycle: BudgetCycle, community: Any) -> None:
    p = projects_by_title(voting_cycle)
    same = make_verified_resident(community, email="same@example.org")
    others = [make_verified_resident(community, email=f"p{i}@example.org") for i in range(200)]
    choices = [p["A1"].pk, p["B3"].pk]
    cycle = BudgetCycle.objects.get(pk=voting_cycle.pk)
    calls = [lambda: services.ballot_cast(cycle=cycle, user=same, project_ids=choices) for _ in range(50)]
    calls += [lambda u=u: services.ballot_cast(cycle=cycle, user=u, project_ids=choices) for u in others]
    results = _run_parallel(calls)
    assert Ballot.objects.filter(voter_token=voter_token(cycle, same)).count() == 1
    assert Ballot.objects.count() == 201
    # Every acknowledged receipt of a distinct voter is present; the same voter ends with exactly one.
    acknowledged = {r.ballot.receipt_code for r in results[50:]}
    assert acknowledged <= set(Ballot.objects.values_list("receipt_code", flat=True))
    assert not BallotChoice.objects.exists()  # sealed, no plaintext rows
    assert {frozenset(opened(b)) for b in Ballot.objects.all()} == {frozenset(choices)}


def test_parallel_supports_exact_count(community: Any, administrator: Any, author: Any) -> None:
    from django.utils import timezone

    from uchast.budget.models import Project, ProjectSupport

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
    same = make_verified_resident(community, email="same-support@example.org")
    others = [make_verified_resident(community, email=f"s{i}@example.org") for i in range(60)]

    def support(user: Any) -> str:
        try:
            services.project_support(project=Project.objects.get(pk=project.pk), user=user)
        except services.BudgetError as error:
            return error.code
        return "ok"

    calls = [lambda: support(same) for _ in range(15)]
    calls += [lambda u=u: support(u) for u in others]
    results = _run_parallel(calls)
    assert results[:15].count("ok") == 1
    assert set(results[:15]) == {"ok", "already_supported"}
    assert results[15:] == ["ok"] * 60
    assert Project.objects.get(pk=project.pk).supports == 61 == ProjectSupport.objects.filter(project=project).count()
    # Withdrawals in parallel with new supports keep the count exact too.
    late = [make_verified_resident(community, email=f"l{i}@example.org") for i in range(20)]
    calls = [lambda u=u: services.project_support_withdraw(project=project, user=u) for u in others[:30]]
    calls += [lambda u=u: support(u) for u in late]
    _run_parallel(calls)
    assert Project.objects.get(pk=project.pk).supports == 51 == ProjectSupport.objects.filter(project=project).count()


def test_parallel_account_deletions_keep_the_support_count_exact(
    community: Any, administrator: Any, author: Any
) -> None:
    from django.utils import timezone

    from uchast.accounts.services import account_delete
    from uchast.budget.models import Project, ProjectSupport

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
    leaving = [make_verified_resident(community, email=f"d{i}@example.org") for i in range(20)]
    staying = [make_verified_resident(community, email=f"k{i}@example.org") for i in range(10)]
    late = [make_verified_resident(community, email=f"n{i}@example.org") for i in range(10)]
    for user in leaving + staying:
        services.project_support(project=project, user=user)

    def withdraw(user: Any) -> str:
        try:
            services.project_support_withdraw(project=Project.objects.get(pk=project.pk), user=user)
        except services.BudgetError as error:
            return error.code
        return "ok"

    # Each leaving person deletes the account while also withdrawing in another tab; others support.
    calls = [lambda u=u: account_delete(user=u) for u in leaving]
    calls += [lambda u=u: withdraw(u) for u in leaving]
    calls += [lambda u=u: services.project_support(project=Project.objects.get(pk=project.pk), user=u) for u in late]
    _run_parallel(calls)
    rows = ProjectSupport.objects.filter(project=project).count()
    assert rows == 20
    assert Project.objects.get(pk=project.pk).supports == rows
