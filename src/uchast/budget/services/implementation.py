"""Implementation of winning projects: milestones, and residents following the news."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.budget.errors import BudgetError
from uchast.budget.models import Milestone, Project, ProjectStatus
from uchast.core import audit, notifications


def milestone_save(
    *, project: Project, actor: Any, values: Mapping[str, Any], milestone: Milestone | None = None
) -> Milestone:
    if project.status != ProjectStatus.WINNER:
        raise BudgetError("not_winner", _("Milestones are kept for winning projects only."))
    if not 0 <= int(values.get("progress", 0)) <= 100:
        raise BudgetError("progress", _("Progress is a percentage from 0 to 100."))
    with transaction.atomic():
        if milestone is None:
            milestone = Milestone.objects.create(project=project, **dict(values))
        else:
            for key, value in values.items():
                setattr(milestone, key, value)
            milestone.save()
        audit.record(
            action="budget.milestone_saved",
            actor=actor,
            obj=project,
            community=project.cycle.community,
            summary={"milestone": milestone.title, "status": milestone.status, "progress": milestone.progress},
        )
        notifications.notify(
            recipients=notifications.followers(project),
            topic="followed",
            subject=gettext_noop("Project update: %(title)s"),
            template="budget/email/milestone.txt",
            context={"title": project.title, "milestone": milestone.title, "progress": milestone.progress},
            url=f"/budget/projects/{project.pk}/",
        )
    return milestone


def project_follow(*, project: Project, user: Any, follow: bool) -> None:
    """Subscribe to (or leave) a winning project's implementation news."""
    if follow:
        notifications.follow(user, project)
    else:
        notifications.unfollow(user, project)
