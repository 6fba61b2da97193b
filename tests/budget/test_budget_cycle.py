from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import BudgetCycle, Phase
from uchast.budget.services import BudgetError
from uchast.core.models import AuditEntry

from .conftest import dates_around, make_category, project_values

pytestmark = pytest.mark.django_db


def _cycle(community: Any, actor: Any, phase: str = "submission") -> BudgetCycle:
    cycle = services.cycle_create(
        community=community, actor=actor, title="ГБ", year=2026, dates=dates_around(timezone.now(), phase)
    )
    services.cycle_advance(cycle=cycle)
    return cycle


def test_dates_must_be_in_order(community: Any, administrator: Any) -> None:
    dates = dates_around(timezone.now())
    dates["voting_closes"] = dates["voting_opens"] - timedelta(hours=1)
    with pytest.raises(BudgetError) as error:
        services.cycle_create(community=community, actor=administrator, title="x", year=2026, dates=dates)
    assert error.value.code == "dates_out_of_order"
    assert not BudgetCycle.objects.exists()


@pytest.mark.parametrize("phase", ["draft", "submission", "review", "revision", "voting", "results"])
def test_phase_follows_dates_and_is_audited(community: Any, administrator: Any, phase: str) -> None:
    cycle = _cycle(community, administrator, phase)
    assert cycle.status == phase
    if phase != "draft":
        assert AuditEntry.objects.filter(action="budget.phase_changed", object_id=str(cycle.pk)).exists()
    # Dates never move a cycle backward.
    assert services.cycle_advance(cycle=cycle) is False


def test_voting_freezes_rules(community: Any, administrator: Any) -> None:
    cycle = _cycle(community, administrator, "revision")
    category = make_category(cycle, administrator)
    services.cycle_set_phase(cycle=cycle, phase=Phase.VOTING, actor=administrator)
    assert cycle.rules_frozen_at is not None
    with pytest.raises(BudgetError) as error:
        services.category_save(
            cycle=cycle,
            actor=administrator,
            category=category,
            values={"name": "x", "budget": 1, "min_cost": 0, "max_cost": 1, "max_selected": 5},
        )
    assert error.value.code == "rules_frozen"
    category.refresh_from_db()
    assert category.max_selected == 2
    with pytest.raises(BudgetError):
        services.cycle_set_phase(cycle=cycle, phase=Phase.REVISION, actor=administrator)


def test_category_limits_are_checked(community: Any, administrator: Any) -> None:
    cycle = _cycle(community, administrator)
    with pytest.raises(BudgetError) as error:
        make_category(cycle, administrator, min_cost=700_000_00, max_cost=600_000_00)
    assert error.value.code == "cost_limits"
    with pytest.raises(BudgetError):
        make_category(cycle, administrator, max_cost=2_000_000_00)


def test_suspend_blocks_everything_and_resume_sets_new_dates(community: Any, administrator: Any, author: Any) -> None:
    cycle = _cycle(community, administrator, "submission")
    category = make_category(cycle, administrator)
    with pytest.raises(BudgetError):
        services.cycle_suspend(cycle=cycle, actor=administrator, reason="  ")
    services.cycle_suspend(cycle=cycle, actor=administrator, reason="У зв'язку з введенням воєнного стану")
    assert cycle.status == Phase.SUSPENDED and cycle.suspended_from == Phase.SUBMISSION
    with pytest.raises(BudgetError) as error:
        services.project_save_draft(
            cycle=cycle, author=author, category=category, district=None, values=project_values(), costs=[]
        )
    assert error.value.code == "suspended"
    assert "воєнного стану" in error.value.message
    assert services.cycle_advance(cycle=cycle) is False  # dates do not move a suspended cycle
    with pytest.raises(BudgetError):
        services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    new_dates = dates_around(timezone.now() + timedelta(days=400), "submission")
    new_dates = {k: v - timedelta(days=399) for k, v in new_dates.items()}
    services.cycle_resume(cycle=cycle, actor=administrator, dates=new_dates)
    assert cycle.status == Phase.SUBMISSION
    assert cycle.voting_opens == new_dates["voting_opens"]
    actions = list(AuditEntry.objects.filter(object_id=str(cycle.pk)).values_list("action", flat=True))
    assert "budget.cycle_suspended" in actions and "budget.cycle_resumed" in actions
    with pytest.raises(BudgetError):
        services.cycle_resume(cycle=cycle, actor=administrator, dates=new_dates)


def test_periodic_task_advances_and_counts(voting_cycle: BudgetCycle) -> None:
    from uchast.budget.tasks import advance_cycles

    now = timezone.now()
    BudgetCycle.objects.filter(pk=voting_cycle.pk).update(voting_closes=now - timedelta(minutes=1))
    advance_cycles.call()
    voting_cycle.refresh_from_db()
    assert voting_cycle.status == Phase.RESULTS
    assert voting_cycle.categories.filter(result__isnull=False).count() == 2


def test_staff_closing_voting_early_moves_the_date(voting_cycle: BudgetCycle, administrator: Any, author: Any) -> None:
    from .conftest import projects_by_title

    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    assert voting_cycle.voting_closes <= timezone.now()
    assert voting_cycle.voting_opens < voting_cycle.voting_closes
    with pytest.raises(BudgetError) as error:
        services.ballot_cast(cycle=voting_cycle, user=author, project_ids=[projects_by_title(voting_cycle)["A1"].pk])
    assert error.value.code == "voting_closed"
    with pytest.raises(BudgetError):
        services.cycle_set_phase(cycle=voting_cycle, phase=Phase.IMPLEMENTATION, actor=administrator)
