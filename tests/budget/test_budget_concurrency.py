from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from uchast.budget import services
from uchast.budget.models import Ballot, BallotChoice, BudgetCycle
from uchast.testing.factories import make_verified_resident

from .conftest import projects_by_title

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
    assert Ballot.objects.filter(voter_token=services.voter_token(cycle, same)).count() == 1
    assert Ballot.objects.count() == 201
    # Every acknowledged receipt of a distinct voter is present; the same voter ends with exactly one.
    acknowledged = {r.ballot.receipt_code for r in results[50:]}
    assert acknowledged <= set(Ballot.objects.values_list("receipt_code", flat=True))
    assert BallotChoice.objects.count() == 201 * 2
