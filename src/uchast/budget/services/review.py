"""Review by officials, the author's revision and the one appeal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from uchast.budget.errors import BudgetError
from uchast.budget.models import Conclusion, Phase, Project, ProjectStatus, Review
from uchast.budget.services.guards import require_phase
from uchast.budget.services.projects import CostLine, check_complete, set_project_fields, write_costs
from uchast.core import audit

_STATUS_AFTER = {
    Conclusion.ADMITTED: ProjectStatus.ADMITTED,
    Conclusion.NEEDS_REVISION: ProjectStatus.NEEDS_REVISION,
    Conclusion.REJECTED: ProjectStatus.REJECTED,
}


def project_assign(*, project: Project, actor: Any, reviewer: Any, department: str) -> Project:
    with transaction.atomic():
        project.reviewer = reviewer
        project.department = department
        project.save(update_fields=["reviewer", "department"])
        audit.record(
            action="budget.project_assigned",
            actor=actor,
            obj=project,
            community=project.cycle.community,
            summary={"reviewer": reviewer.pk, "department": department},
        )
    return project


def _check_reviewable(project: Project, conclusion: str, public_reason: str, checklist: Mapping[str, bool]) -> bool:
    """Refuse a review that cannot be recorded; returns whether it decides an appeal."""
    appeal = project.status == ProjectStatus.APPEALED
    if not (appeal or project.status == ProjectStatus.SUBMITTED):
        raise BudgetError("not_reviewable", _("This project is not waiting for a review."))
    phases = [Phase.REVIEW, Phase.REVISION]
    require_phase(project.cycle, phases, _("Reviews are recorded during the review and revision phases."))
    if not public_reason.strip():
        raise BudgetError("reason_required", _("Give the public reason for the conclusion."))
    if conclusion == Conclusion.ADMITTED and not all(checklist.values()):
        raise BudgetError("checklist_incomplete", _("A project can be admitted only when every check is met."))
    if appeal and conclusion == Conclusion.NEEDS_REVISION:
        raise BudgetError("appeal_final", _("An appeal is decided finally: admit or reject."))
    return appeal


def review_record(
    *,
    project: Project,
    reviewer: Any,
    conclusion: str,
    public_reason: str,
    checklist: Mapping[str, bool],
    corrected_costs: Sequence[CostLine] = (),
) -> Review:
    """Record an official review. Admitted needs a full checklist; every conclusion needs a public reason.

    Reviews happen in the review phase; appeal decisions also in the revision phase.
    """
    appeal = _check_reviewable(project, conclusion, public_reason, checklist)
    with transaction.atomic():
        corrected_total = write_costs(project, corrected_costs, corrected=True) if corrected_costs else None
        review = Review.objects.create(
            project=project,
            reviewer=reviewer,
            conclusion=conclusion,
            public_reason=public_reason,
            corrected_cost=corrected_total,
            is_appeal_decision=appeal,
            **{k: bool(v) for k, v in checklist.items()},
        )
        project.status = _STATUS_AFTER[Conclusion(conclusion)]
        if corrected_total is not None and conclusion == Conclusion.ADMITTED:
            project.total_cost = corrected_total
        project.save(update_fields=["status", "total_cost"])
        audit.record(
            action="budget.project_reviewed",
            actor=reviewer,
            obj=project,
            community=project.cycle.community,
            summary={"conclusion": conclusion, "appeal": appeal, "corrected_cost": corrected_total},
        )
    return review


def project_revise(*, project: Project, author: Any, values: Mapping[str, Any], costs: Sequence[CostLine]) -> Project:
    """The author answers "needs revision" during the revision phase; the project goes back to review."""
    require_phase(project.cycle, [Phase.REVISION], _("Revisions are accepted only in the revision phase."))
    if project.author_id != author.pk or project.status != ProjectStatus.NEEDS_REVISION:
        raise BudgetError("not_revisable", _("Only a project that needs revision can be revised, by its author."))
    with transaction.atomic():
        set_project_fields(project, values)
        project.save()
        project.total_cost = write_costs(project, costs)
        check_complete(project)
        project.status = ProjectStatus.SUBMITTED
        project.save(update_fields=["total_cost", "status"])
        audit.record(
            action="budget.project_revised",
            actor=author,
            obj=project,
            community=project.cycle.community,
            summary={"total_cost": project.total_cost},
        )
    return project


def project_appeal(*, project: Project, author: Any, text: str) -> Project:
    """The author appeals a rejection once, during the revision phase."""
    require_phase(project.cycle, [Phase.REVISION], _("Appeals are accepted only in the revision phase."))
    if project.author_id != author.pk or project.status != ProjectStatus.REJECTED:
        raise BudgetError("not_appealable", _("Only the author of a rejected project can appeal."))
    if project.appeal_used:
        raise BudgetError("appeal_used", _("A project can be appealed only once."))
    if not text.strip():
        raise BudgetError("reason_required", _("Explain why the decision should change."))
    with transaction.atomic():
        project.status = ProjectStatus.APPEALED
        project.appeal_used = True
        project.appeal_text = text
        project.save(update_fields=["status", "appeal_used", "appeal_text"])
        audit.record(action="budget.project_appealed", actor=author, obj=project, community=project.cycle.community)
    return project
