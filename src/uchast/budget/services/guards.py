"""Refusals several topics share: a suspended cycle, a phase that does not allow the action."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from uchast.budget.errors import BudgetError
from uchast.budget.models import BudgetCycle, Phase


def refuse_if_suspended(cycle: BudgetCycle) -> None:
    """Nothing is proposed, supported, revised, appealed or voted while the cycle is suspended; the
    refusal repeats the public reason."""
    if cycle.status == Phase.SUSPENDED:
        raise BudgetError("suspended", _("The budget is suspended: %(reason)s") % {"reason": cycle.suspension_reason})


def require_phase(cycle: BudgetCycle, allowed: Sequence[Phase], message: str) -> None:
    """Refuse unless the cycle is in one of the ``allowed`` phases (``message`` says which)."""
    refuse_if_suspended(cycle)
    if cycle.status not in allowed:
        raise BudgetError("phase_closed", message)


def lock_cycle(cycle: BudgetCycle) -> BudgetCycle:
    """The cycle's row, locked until the caller's transaction ends (phase changes serialise)."""
    return BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
