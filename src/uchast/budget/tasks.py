"""Background work: phases move by dates; counting starts when voting closes."""

from __future__ import annotations

from django_tasks import task

from uchast.budget.models import BudgetCycle, Phase


@task()
def advance_cycles() -> int:
    """Periodic: move every cycle to the phase its dates say; count cycles whose voting just closed.

    Returns the number of cycles that changed phase. Safe to run concurrently (row locks)."""
    from uchast.budget.errors import BudgetError
    from uchast.budget.services import cycle_advance, cycle_count

    changed = 0
    for cycle in BudgetCycle.objects.exclude(status__in=[Phase.SUSPENDED, Phase.IMPLEMENTATION]):
        if cycle_advance(cycle=cycle):
            changed += 1
            if cycle.status == Phase.RESULTS:
                try:
                    cycle_count(cycle=cycle)
                except BudgetError:
                    pass  # already counted or published meanwhile
    return changed
