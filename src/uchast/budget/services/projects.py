"""Projects: drafts with a cost table, submission by the author."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.budget.actions import BudgetAction
from uchast.budget.errors import BudgetError
from uchast.budget.formatting import money
from uchast.budget.models import BudgetCycle, Category, CostItem, Phase, Project, ProjectStatus
from uchast.budget.selectors import is_project_editor
from uchast.budget.services.guards import require_phase
from uchast.core import audit
from uchast.core.files import atomic_with_files, delete_after_commit, store_file
from uchast.core.models import District
from uchast.organisations.selectors import require_acting_as
from uchast.verification.selectors import require_eligible


class KeepOrganisation:
    """The type of ``KEEP``: leave a draft's organisation as it is."""


KEEP = KeepOrganisation()

PROJECT_FIELDS = (
    "title",
    "address",
    "latitude",
    "longitude",
    "summary",
    "description",
    "expected_result",
    "beneficiaries",
)


@dataclass(frozen=True)
class CostLine:
    description: str
    quantity: int
    unit_price: int


def write_costs(project: Project, lines: Sequence[CostLine], *, corrected: bool = False) -> int:
    """Replace the project's cost table (the author's, or the reviewer's ``corrected`` one); returns
    its total. Inside the caller's transaction."""
    project.cost_items.filter(corrected=corrected).delete()
    CostItem.objects.bulk_create(
        CostItem(
            project=project,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            corrected=corrected,
        )
        for line in lines
    )
    return sum(line.quantity * line.unit_price for line in lines)


def set_project_fields(project: Project, values: Mapping[str, Any]) -> None:
    for name in PROJECT_FIELDS:
        if name in values:
            setattr(project, name, values[name])


def project_save_draft(
    *,
    cycle: BudgetCycle,
    author: Any,
    category: Category,
    district: District | None,
    values: Mapping[str, Any],
    costs: Sequence[CostLine],
    project: Project | None = None,
    image: Any = None,
    on_behalf_of: int | None | KeepOrganisation = KEEP,
) -> Project:
    """Save a draft (new or existing, the author's own). Drafts need not be complete.
    ``on_behalf_of``: the id of the organisation the project is proposed for (None: personally;
    ``KEEP``: unchanged, e.g. a co-author who is not a member edits the draft)."""
    require_phase(cycle, [Phase.SUBMISSION], _("Projects can be proposed only during submission."))
    if category.cycle_id != cycle.pk:
        raise BudgetError("forged_category", _("This category does not belong to the cycle."))
    with atomic_with_files():
        if project is None:
            project = Project(cycle=cycle, author=author)
        elif project.status != ProjectStatus.DRAFT or not is_project_editor(project, author):
            raise BudgetError("not_editable", _("Only the author's own draft can be changed here."))
        project.category = category
        project.district = district
        if not isinstance(on_behalf_of, KeepOrganisation):
            project.on_behalf_of = require_acting_as(author, cycle.community, on_behalf_of)
        set_project_fields(project, values)
        if image is not None:
            from uchast.budget.images import clean_image

            if project.image:
                delete_after_commit(project.image)  # the replaced image has no other reader
            store_file(project.image, clean_image(image), f"project-{cycle.pk}.jpg")
        project.save()
        project.total_cost = write_costs(project, costs)
        project.save(update_fields=["total_cost"])
    return project


def check_complete(project: Project) -> None:
    """Refuse a project that cannot go to review: no cost line, a total outside the category's
    limits, a required field empty, or a district the category does not accept."""
    category = project.category
    items = list(project.cost_items.filter(corrected=False))
    if not items:
        raise BudgetError("no_costs", _("Add at least one line to the cost table."))
    total = sum(item.total for item in items)
    if total < category.min_cost or total > category.max_cost:
        raise BudgetError(
            "cost_out_of_limits",
            _("The total cost %(total)s UAH is outside the category's limits (%(min)s – %(max)s UAH).")
            % {"total": money(total), "min": money(category.min_cost), "max": money(category.max_cost)},
        )
    for name in ("title", "summary", "description", "expected_result", "beneficiaries"):
        if not str(getattr(project, name) or "").strip():
            raise BudgetError("incomplete", _("Fill in every required field before submitting."))
    eligible = list(category.districts.all())
    if eligible and project.district not in eligible:
        raise BudgetError("district_not_eligible", _("This category does not accept projects in that district."))


def project_submit(*, project: Project, author: Any, accept_rules: bool) -> Project:
    """Submit the author's draft after checking it is complete and within the category limits."""
    cycle = project.cycle
    require_phase(cycle, [Phase.SUBMISSION], _("Projects can be submitted only during submission."))
    if project.author_id != author.pk or project.status != ProjectStatus.DRAFT:
        raise BudgetError("not_editable", _("Only the author's own draft can be submitted."))
    if not accept_rules:
        raise BudgetError("rules_not_accepted", _("Confirm that you accept the rules of the participatory budget."))
    require_eligible(
        author, cycle.community, BudgetAction.PROPOSE, message=_("You do not meet the conditions to propose a project.")
    )
    check_complete(project)
    with transaction.atomic():
        project.status = ProjectStatus.SUBMITTED
        project.rules_accepted = True
        project.submitted_at = timezone.now()
        project.save(update_fields=["status", "rules_accepted", "submitted_at"])
        audit.record(
            action="budget.project_submitted",
            actor=author,
            obj=project,
            community=cycle.community,
            summary={"title": project.title, "total_cost": project.total_cost},
        )
    return project
