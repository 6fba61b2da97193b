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


@pytest.mark.parametrize(
    ("groups", "k", "shown", "combined"),
    [
        ({"a": 12, "b": 30}, 10, [("a", 12), ("b", 30)], 0),  # nothing small
        ({"a": 12, "b": 30, "c": 3, "d": 4, "e": 5}, 10, [("a", 12), ("b", 30)], 12),  # small ones together
        # One small group alone would be given back by subtracting from the total: the next joins it.
        ({"a": 12, "b": 30, "c": 3}, 10, [("b", 30)], 15),
        ({"a": 3, "b": 4}, 10, [], 7),  # everything small: only the (public) total
        ({"a": 3}, 10, [], 3),
        ({"a": 3, "b": 1}, 1, [("a", 3), ("b", 1)], 0),  # k = 1 turns it off
        ({}, 10, [], 0),
    ],
)
def test_small_turnout_groups_are_combined(
    groups: dict[str, int], k: int, shown: list[tuple[str, int]], combined: int
) -> None:
    from collections import Counter

    from uchast.budget.selectors import combine_small_groups

    result_shown, result_combined = combine_small_groups(Counter(groups), k)
    assert (result_shown, result_combined) == (shown, combined)
    # Whatever is combined holds at least k ballots of two groups or more, unless it is everything.
    if result_combined and result_shown:
        assert result_combined >= k


def test_results_page_turnout_hides_small_groups(
    voting_cycle: BudgetCycle, community: Any, administrator: Any, settings: Any
) -> None:
    from datetime import date

    from django.test import Client
    from django.urls import reverse

    from uchast.budget.selectors import turnout

    settings.UCHAST_TURNOUT_MIN_GROUP = 5
    centre, stepove = community.districts.get(code="center"), community.districts.get(code="stepove")
    p = projects_by_title(voting_cycle)
    voters = [(date(1990, 5, 17), centre)] * 6 + [(date(1950, 1, 2), stepove)] * 2 + [(date(2010, 3, 3), centre)]
    for index, (born, district) in enumerate(voters):
        voter = make_verified_resident(community, email=f"t{index}@example.org", birth_date=born, district=district)
        services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk])
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    services.cycle_count(cycle=voting_cycle, actor=administrator)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)

    result = turnout(voting_cycle)
    assert result.online == 9 and result.combined and result.min_group == 5
    # Age: 35-59 has 6; 60+ (2) and 14-17 (1) together are still under 5, so 35-59 joins them and
    # only the public total is left.
    assert [(b.label, b.value) for b in result.by_age] == [("усі групи разом", 9)]
    # District: Centre has 7; Stepove's 2 alone would be exact after subtraction, so Centre joins.
    assert [(b.label, b.value) for b in result.by_district] == [("усі групи разом", 9)]

    settings.UCHAST_TURNOUT_MIN_GROUP = 2
    result = turnout(voting_cycle)
    assert [(b.label, b.value) for b in result.by_district] == [("Центр", 7), ("Степове", 2)]
    assert [(b.label, b.value) for b in result.by_age] == [("35-59", 6), ("менші групи разом", 3)]

    page = Client().get(reverse("budget:results", args=[voting_cycle.pk])).content.decode()
    charts = page.split('<figure class="budget-chart">', 1)[1]
    # Neither the SVG (with its <title>) nor the table alternative shows the group of one.
    assert "14-17" not in charts and "60+" not in charts
    assert "35-59 — 6" in charts and "менші групи разом — 3" in charts
    assert '<th scope="row">менші групи разом</th><td>3</td>' in charts
    assert "Групи, у яких менше ніж 2 онлайн-бюлетені, показано разом з іншими" in page
