"""The participatory budget's words for the public audit page (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Any] = {
    "budget.cycle_created": _("Budget cycle created"),
    "budget.phase_changed": _("Budget cycle moved to its next phase"),
    "budget.cycle_suspended": _("Budget cycle suspended"),
    "budget.cycle_resumed": _("Budget cycle resumed"),
    "budget.category_created": _("Budget category created"),
    "budget.category_changed": _("Budget category changed"),
    "budget.project_submitted": _("Project submitted"),
    "budget.project_assigned": _("Project assigned to a reviewer"),
    "budget.project_reviewed": _("Project reviewed"),
    "budget.project_revised": _("Project revised"),
    "budget.project_appealed": _("Review decision appealed"),
    "budget.project_not_supported": _("Project did not collect enough supporters"),
    "budget.supports_set": _("Supporters needed set"),
    "budget.supports_closed": _("Collection of supporters closed"),
    "budget.coauthor_invited": _("Co-author invited"),
    "budget.coauthor_joined": _("Co-author joined"),
    "budget.coauthor_invitation_revoked": _("Co-author invitation withdrawn"),
    "budget.paper_batch_created": _("Batch of paper ballots opened"),
    "budget.paper_ballot_entered": _("Paper ballot entered"),
    "budget.ballot_resolved": _("Duplicate ballot resolved"),
    "budget.paper_mismatch_resolved": _("Disagreeing paper entries settled"),
    "budget.commission_key_made": _("Commission key made for sealed ballots"),
    "budget.counted": _("Votes counted"),
    "budget.results_published": _("Results published"),
    "budget.milestone_saved": _("Implementation milestone saved"),
}


def public_cycles(ids: list[str]) -> dict[str, tuple[str, str]]:
    from uchast.budget.models import BudgetCycle, Phase

    found = BudgetCycle.objects.filter(pk__in=[i for i in ids if i.isdigit()]).exclude(status=Phase.DRAFT)
    return {str(c.pk): (c.title, reverse("budget:cycle", args=[c.pk])) for c in found}


def public_projects(ids: list[str]) -> dict[str, tuple[str, str]]:
    from uchast.budget.models import PUBLIC_STATUSES, Project

    found = Project.objects.filter(pk__in=[i for i in ids if i.isdigit()], status__in=PUBLIC_STATUSES)
    return {str(p.pk): (p.title, reverse("budget:project", args=[p.pk])) for p in found}


OBJECTS = {"budget.budgetcycle": public_cycles, "budget.project": public_projects}
