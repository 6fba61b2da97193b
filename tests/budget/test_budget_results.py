from __future__ import annotations

import hashlib
from typing import Any

import pytest

from uchast import tally
from uchast.budget import services
from uchast.budget.models import BudgetCycle, Phase, ProjectStatus
from uchast.budget.services import BudgetError
from uchast.testing.factories import make_verified_resident

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db


def _vote_and_count(cycle: BudgetCycle, community: Any, administrator: Any) -> list[str]:
    p = projects_by_title(cycle)
    receipts = []
    plans = [["A1", "B1"], ["A1", "B2", "B3"], ["A2", "B2"], ["A3", "B3"], ["A1", "A3"]]
    for index, titles in enumerate(plans):
        voter = make_verified_resident(community, email=f"v{index}@example.org")
        receipts.append(
            services.ballot_cast(cycle=cycle, user=voter, project_ids=[p[t].pk for t in titles]).ballot.receipt_code
        )
    services.cycle_set_phase(cycle=cycle, phase=Phase.RESULTS, actor=administrator)
    services.cycle_count(cycle=cycle, actor=administrator)
    return receipts


def test_count_publish_and_recount_from_published_file(
    voting_cycle: BudgetCycle, community: Any, administrator: Any, tmp_path: Any
) -> None:
    receipts = _vote_and_count(voting_cycle, community, administrator)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)
    p = projects_by_title(voting_cycle)
    # Category A, greedy, 1 000 000 UAH: A1 (3 votes, 500k) then A3 (2 votes, 300k); A2 does not fit.
    assert p["A1"].status == ProjectStatus.WINNER and p["A3"].status == ProjectStatus.WINNER
    assert p["A2"].status == ProjectStatus.NOT_SELECTED and p["A1"].votes == 3
    for category in voting_cycle.categories.all():
        result = category.result
        assert hashlib.sha256(result.pabulib.encode()).hexdigest() == result.sha256
        path = tmp_path / f"{category.pk}.pb"
        path.write_text(result.pabulib, encoding="utf-8")
        election = tally.read_pabulib(path)
        check = tally.check_official(election)
        assert check.agrees, (category.name, check)
        assert set(check.official) == {str(pk) for pk in result.outcome["selected"]}
        text = result.pabulib
        for receipt in receipts:
            assert receipt not in text  # receipts appear only hashed
    # The recount CLI agrees as well.
    from uchast.tally.cli import main

    assert main(["--check", str(tmp_path / f"{voting_cycle.categories.first().pk}.pb")]) == 0


def test_publish_needs_count_and_results_phase(voting_cycle: BudgetCycle, administrator: Any) -> None:
    with pytest.raises(BudgetError):
        services.cycle_count(cycle=voting_cycle)
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    with pytest.raises(BudgetError) as error:
        services.cycle_publish(cycle=voting_cycle, actor=administrator)
    assert error.value.code == "not_counted"


def test_milestones_for_winners_only(
    voting_cycle: BudgetCycle, community: Any, administrator: Any, official: Any
) -> None:
    _vote_and_count(voting_cycle, community, administrator)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)
    p = projects_by_title(voting_cycle)
    values = {
        "title": "Закупівля",
        "status": "in_progress",
        "progress": 40,
        "contracted": 100,
        "spent": 10,
        "update": "",
    }
    with pytest.raises(BudgetError):
        services.milestone_save(project=p["A2"], actor=official, values=values)
    follower = make_verified_resident(community, email="follower@example.org")
    services.project_follow(project=p["A1"], user=follower, follow=True)
    services.milestone_save(project=p["A1"], actor=official, values=values)
    from uchast.core.models import Notification

    assert Notification.objects.filter(user=follower).exists()
    with pytest.raises(BudgetError):
        services.milestone_save(project=p["A1"], actor=official, values={**values, "progress": 140})


def test_pabutools_reads_the_file_and_agrees_on_greedy(
    voting_cycle: BudgetCycle, community: Any, administrator: Any, tmp_path: Any
) -> None:
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare

    _vote_and_count(voting_cycle, community, administrator)
    category = voting_cycle.categories.get(name="A")  # greedy
    path = tmp_path / "a.pb"
    path.write_text(category.result.pabulib, encoding="utf-8")
    instance, profile = parse_pabulib(str(path))
    # Cost satisfaction divided by cost = approvals: pabutools' greedy by votes.
    chosen = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    assert {p.name for p in chosen} == set(category.result.outcome["selected"])
