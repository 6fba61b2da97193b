"""Predicates of the participatory budget (django-rules)."""

from __future__ import annotations

from typing import Any

import rules

from uchast.accounts.predicates import is_administrator, is_official
from uchast.budget.actions import BudgetAction
from uchast.budget.models import PUBLIC_STATUSES, Phase, Project, ProjectStatus

is_budget_staff = is_official | is_administrator


@rules.predicate
def is_project_author(user: Any, project: Project | None) -> bool:
    return project is not None and getattr(user, "pk", None) is not None and project.author_id == user.pk


@rules.predicate
def is_project_coauthor(user: Any, project: Project | None) -> bool:
    if project is None or getattr(user, "pk", None) is None:
        return False
    return project.coauthors.filter(pk=user.pk).exists()


@rules.predicate
def is_public_project(user: Any, project: Project | None) -> bool:
    return project is not None and project.status in PUBLIC_STATUSES


@rules.predicate
def can_comment_project(user: Any, project: Project | None) -> bool:
    if project is None or not getattr(user, "is_authenticated", False):
        return False
    if project.status not in PUBLIC_STATUSES or project.cycle.status == Phase.SUSPENDED:
        return False
    from uchast.verification.selectors import participation_decision

    return participation_decision(user, project.cycle.community, BudgetAction.COMMENT).allowed


@rules.predicate
def is_winner(user: Any, project: Project | None) -> bool:
    return project is not None and project.status == ProjectStatus.WINNER
