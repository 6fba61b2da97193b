"""Categories: pots of money with their own ballot and counting rules, frozen once voting opens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from uchast.budget.errors import BudgetError
from uchast.budget.models import BudgetCycle, Category
from uchast.budget.services.guards import lock_cycle
from uchast.core import audit
from uchast.core.models import District


def _check_limits(values: Mapping[str, Any]) -> None:
    if values["min_cost"] > values["max_cost"]:
        raise BudgetError("cost_limits", _("The minimum cost is above the maximum cost."))
    if values["max_cost"] > values["budget"]:
        raise BudgetError("cost_limits", _("The maximum project cost is above the category's money."))
    if values.get("min_selected", 1) > values.get("max_selected", 1):
        raise BudgetError("selection_limits", _("The minimum number of projects is above the maximum."))


def category_save(
    *,
    cycle: BudgetCycle,
    actor: Any,
    values: Mapping[str, Any],
    districts: Iterable[District] = (),
    category: Category | None = None,
) -> Category:
    """Create or change a category. Refused once voting has opened (rules are frozen)."""
    _check_limits(values)
    with transaction.atomic():
        locked = lock_cycle(cycle)
        if locked.rules_frozen_at is not None:
            raise BudgetError(
                "rules_frozen", _("Voting has opened: the categories and their rules can no longer change.")
            )
        if category is None:
            category = Category.objects.create(cycle=locked, **dict(values))
            action = "budget.category_created"
        else:
            for key, value in values.items():
                setattr(category, key, value)
            category.save()
            action = "budget.category_changed"
        category.districts.set(list(districts))
        audit.record(
            action=action,
            actor=actor,
            obj=category,
            community=locked.community,
            summary={k: (v if isinstance(v, int | str) else str(v)) for k, v in values.items()},
        )
    return category
