"""Residents' actions on projects through the API (issue 18): the author edits, submits, revises
and appeals; co-authors are invited, withdrawn and accept; residents support and follow projects;
staff keep a winner's milestones and spending — the services, permissions and audit of
``views.proposing`` and ``views.staff``.

The invitation's token travels in the request body, not in the address (addresses end up in logs).
An invitation is accepted or left to expire: the page offers no way to decline one, nor does this."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED
from uchast.budget import selectors, services
from uchast.budget.actions import BudgetAction
from uchast.budget.api import ProjectOut, _project_out, router
from uchast.budget.api_write import _MONEY, ProjectIn, _choice, _project, _staff_project, project_place, project_values
from uchast.budget.models import CoauthorInvitation, Milestone, MilestoneStatus, Project, ProjectStatus
from uchast.core.api.errors import require_permission
from uchast.core.api.operations import BUDGET_WRITE_ERRORS, SIGNED_IN_ITEM_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest


class BudgetAppealIn(Schema):
    text: str = Field(..., max_length=20_000, description="Why the decision should change.")


class BudgetSupportIn(Schema):
    support: bool = Field(True, description="True: support the project; false: withdraw the support.")


class BudgetSupportOut(Schema):
    project_id: int
    supports: int
    supporting: bool


class BudgetFollowIn(Schema):
    follow: bool = Field(True, description="True: get news of the project; false: stop.")


class BudgetFollowOut(Schema):
    project_id: int
    following: bool


class BudgetInviteIn(Schema):
    email: str = Field(..., max_length=254)


class BudgetInvitationOut(Schema):
    id: int
    project_id: int
    email: str
    expires_at: datetime
    revoked: bool


class BudgetAcceptIn(Schema):
    token: str = Field(..., min_length=1, max_length=200, description="The token of the invitation's link.")


class BudgetMilestoneIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    status: str = Field(..., max_length=20, description="planned, in_progress, done or blocked")
    progress: int = Field(..., ge=0, le=100, description="Percent done.")
    contracted_kopiykas: int = Field(..., ge=0, le=_MONEY)
    spent_kopiykas: int = Field(..., ge=0, le=_MONEY)
    update: str = Field("", max_length=20_000, description="News for the project's followers.")


class BudgetMilestoneOut(Schema):
    id: int
    project_id: int
    title: str
    status: str
    progress: int
    contracted_kopiykas: int
    spent_kopiykas: int
    update: str
    updated_at: datetime


def _own_project(request: UchastRequest, project_id: int, permission: str) -> Project:
    """The project (404 unless visible), then ``permission`` on it (403), as the pages check."""
    project = _project(request, project_id)
    require_permission(request, permission, project)
    return project


def _invitation_out(invitation: CoauthorInvitation) -> BudgetInvitationOut:
    return BudgetInvitationOut(
        id=invitation.pk,
        project_id=invitation.project_id,
        email=invitation.email,
        expires_at=invitation.expires_at,
        revoked=invitation.revoked_at is not None,
    )


def _milestone_out(milestone: Milestone) -> BudgetMilestoneOut:
    return BudgetMilestoneOut(
        id=milestone.pk,
        project_id=milestone.project_id,
        title=milestone.title,
        status=milestone.status,
        progress=milestone.progress,
        contracted_kopiykas=milestone.contracted,
        spent_kopiykas=milestone.spent,
        update=milestone.update,
        updated_at=milestone.updated_at,
    )


@router.put(
    "/projects/{project_id}",
    response={200: ProjectOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Change my project: a draft (and submit it), or a revision")),
)
def edit_project(request: UchastRequest, project_id: int, payload: ProjectIn) -> ProjectOut:
    """A draft is saved (``submit``: and submitted); a project that needs revision is revised and
    goes back to review (its category and district stay). A refused submission keeps the saved draft."""
    project = _own_project(request, project_id, "budget.change_project")
    values, costs = project_values(payload)
    if project.status == ProjectStatus.NEEDS_REVISION:
        return _project_out(services.project_revise(project=project, author=request.user, values=values, costs=costs))
    category, district = project_place(project.cycle, payload)
    saved = services.project_save_draft(
        cycle=project.cycle,
        author=request.user,
        category=category,
        district=district,
        values=values,
        costs=costs,
        project=project,
    )
    if payload.submit:
        saved = services.project_submit(project=saved, author=request.user, accept_rules=payload.accept_rules)
    return _project_out(saved)


@router.post(
    "/projects/{project_id}/appeal",
    response={200: ProjectOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Appeal the rejection of my project")),
)
def appeal_project(request: UchastRequest, project_id: int, payload: BudgetAppealIn) -> ProjectOut:
    project = _own_project(request, project_id, "budget.change_project")
    return _project_out(services.project_appeal(project=project, author=request.user, text=payload.text))


@router.post(
    "/projects/{project_id}/support",
    response={200: BudgetSupportOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Support a submitted project, or withdraw the support")),
)
def support_project(request: UchastRequest, project_id: int, payload: BudgetSupportIn) -> BudgetSupportOut:
    require_permission(request, BudgetAction.SUPPORT.permission)
    project = _project(request, project_id)
    action = services.project_support if payload.support else services.project_support_withdraw
    supported = action(project=project, user=request.user)
    return BudgetSupportOut(project_id=supported.pk, supports=supported.supports, supporting=payload.support)


@router.get(
    "/projects/{project_id}/coauthors",
    response={200: list[BudgetInvitationOut], **SIGNED_IN_ITEM_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("The invitations of my project still waiting")),
)
def coauthor_invitations(request: UchastRequest, project_id: int) -> list[BudgetInvitationOut]:
    project = _own_project(request, project_id, "budget.invite_coauthor")
    return [_invitation_out(i) for i in selectors.pending_invitations(project)]


@router.post(
    "/projects/{project_id}/coauthors",
    response={201: BudgetInvitationOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Invite a co-author by e-mail")),
)
def invite_coauthor(request: UchastRequest, project_id: int, payload: BudgetInviteIn) -> Status[BudgetInvitationOut]:
    """The invitation goes by e-mail (the token in its link is never in the answer)."""
    project = _own_project(request, project_id, "budget.invite_coauthor")
    invitation, _token = services.coauthor_invite(project=project, author=request.user, email=payload.email)
    return Status(201, _invitation_out(invitation))


@router.post(
    "/projects/{project_id}/coauthors/{invitation_id}/revoke",
    response={200: BudgetInvitationOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Withdraw a waiting invitation")),
)
def revoke_coauthor_invitation(request: UchastRequest, project_id: int, invitation_id: int) -> BudgetInvitationOut:
    project = _own_project(request, project_id, "budget.invite_coauthor")
    pending = CoauthorInvitation.objects.filter(project=project, pk=invitation_id).first()
    if pending is None:
        raise ActionRefused("not_found", _("This invitation link is not valid."), status=404)
    return _invitation_out(services.coauthor_revoke(invitation=pending, author=request.user))


@router.post(
    "/invitations/accept",
    response={200: ProjectOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Accept an invitation to co-author a project")),
)
def accept_invitation(request: UchastRequest, payload: BudgetAcceptIn) -> ProjectOut:
    require_permission(request, "budget.accept_invitation")
    found = services.invitation_by_token(payload.token)
    if request.community is None or found.project.cycle.community_id != request.community.pk:
        raise ActionRefused("not_found", _("This invitation link is not valid."), status=404)
    return _project_out(services.coauthor_accept(token=payload.token, user=request.user))


@router.post(
    "/projects/{project_id}/follow",
    response={200: BudgetFollowOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Follow a winning project's implementation, or stop")),
)
def follow_project(request: UchastRequest, project_id: int, payload: BudgetFollowIn) -> BudgetFollowOut:
    project = _own_project(request, project_id, "budget.follow")
    services.project_follow(project=project, user=request.user, follow=payload.follow)
    return BudgetFollowOut(project_id=project.pk, following=payload.follow)


def _milestone_values(payload: BudgetMilestoneIn) -> dict[str, object]:
    return {
        "title": payload.title,
        "status": _choice(payload.status, MilestoneStatus.values, "status"),
        "progress": payload.progress,
        "contracted": payload.contracted_kopiykas,
        "spent": payload.spent_kopiykas,
        "update": payload.update,
    }


@router.post(
    "/projects/{project_id}/milestones",
    response={201: BudgetMilestoneOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Add a milestone to a winning project: progress and money (staff)")),
)
def add_milestone(request: UchastRequest, project_id: int, payload: BudgetMilestoneIn) -> Status[BudgetMilestoneOut]:
    project = _staff_project(request, project_id, "budget.manage")
    saved = services.milestone_save(project=project, actor=request.user, values=_milestone_values(payload))
    return Status(201, _milestone_out(saved))


@router.put(
    "/projects/{project_id}/milestones/{milestone_id}",
    response={200: BudgetMilestoneOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Update a milestone of a winning project (staff)")),
)
def change_milestone(
    request: UchastRequest, project_id: int, milestone_id: int, payload: BudgetMilestoneIn
) -> BudgetMilestoneOut:
    project = _staff_project(request, project_id, "budget.manage")
    existing = Milestone.objects.filter(project=project, pk=milestone_id).first()
    if existing is None:
        raise ActionRefused("not_found", _("No such milestone."), status=404)
    saved = services.milestone_save(
        project=project, actor=request.user, values=_milestone_values(payload), milestone=existing
    )
    return _milestone_out(saved)
