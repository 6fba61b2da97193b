"""What the budget's views share: how a view reaches its cycle or project (through the selectors'
access checkpoints, so nothing hidden is revealed)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from uchast.budget import selectors
from uchast.budget.forms import MAX_COST_LINES, CostTableForm
from uchast.budget.models import BudgetCycle, Project
from uchast.core.web import UchastRequest


def cycle_for(request: UchastRequest, cycle_pk: int) -> BudgetCycle:
    return selectors.access_cycle(request.user, request.community, cycle_pk)


def project_for(request: UchastRequest, pk: int, *args: Any, **kwargs: Any) -> Project:
    """The project (or 404); also the object ``permission_required`` checks (hence ``*args``)."""
    return selectors.access_project(request.user, request.community, pk)


def published_cycle(request: UchastRequest, cycle_pk: int) -> BudgetCycle:
    """A cycle whose results are public (staff also see them before publication, to review)."""
    cycle = cycle_for(request, cycle_pk)
    if cycle.results_published_at is None and not request.user.has_perm("budget.manage"):
        raise Http404
    return cycle


def cost_rows(costs: CostTableForm, shown: int = MAX_COST_LINES) -> list[tuple[Any, Any, Any]]:
    """The cost table's fields line by line (item, quantity, unit price), as the templates lay them
    out: the first ``shown`` lines, and any later line that was filled in or has an error."""

    def used(i: int) -> bool:
        return any(
            costs[f"{name}_{i}"].value() not in (None, "") or costs[f"{name}_{i}"].errors
            for name in ("item", "quantity", "price")
        )

    return [
        (costs[f"item_{i}"], costs[f"quantity_{i}"], costs[f"price_{i}"])
        for i in range(MAX_COST_LINES)
        if i < shown or used(i)
    ]
