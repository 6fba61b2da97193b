"""Residents' side of projects: the project form (draft, submission, revision), appeal, co-authors,
supports and following."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from uchast.budget import selectors, services
from uchast.budget.actions import BudgetAction
from uchast.budget.forms import AppealForm, CostTableForm, InviteForm, ProjectForm, SubmitForm
from uchast.budget.models import BudgetCycle, CoauthorInvitation, Project, ProjectStatus
from uchast.budget.views.common import cost_rows, cycle_for, project_for
from uchast.core.errors import ActionRefused
from uchast.core.permissions import permission_required
from uchast.core.web import UchastRequest, form_action, post_action
from uchast.organisations.selectors import acting_as_choices
from uchast.verification.selectors import participation_decision


def _project_url(project: Project) -> str:
    return reverse("budget:project", args=[project.pk])


@require_http_methods(["GET", "POST"])
@permission_required(BudgetAction.PROPOSE.permission)
def project_new(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    return _project_form(request, cycle_for(request, cycle_pk), None)


@require_http_methods(["GET", "POST"])
@permission_required("budget.change_project", fn=project_for)
def project_edit(request: UchastRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    return _project_form(request, project.cycle, project)


def _project_form(request: UchastRequest, cycle: BudgetCycle, project: Project | None) -> HttpResponse:
    """One form for a draft (saved, or saved and submitted) and for a revision; three Django forms
    (fields, cost table, consent), so it does not fit ``form_action``'s one form."""
    revising = project is not None and project.status == ProjectStatus.NEEDS_REVISION
    organisations = [] if revising else acting_as_choices(request.user, cycle.community)
    if request.method == "POST":
        form = ProjectForm(request.POST, request.FILES, cycle=cycle, organisations=organisations)
        costs = CostTableForm(request.POST)
        submit = SubmitForm(request.POST)
        if form.is_valid() and costs.is_valid() and submit.is_valid():
            try:
                return _save_project(request, cycle, project, form, costs, submit, revising=revising)
            except ActionRefused as refusal:
                form.add_error(None, refusal.message)
    else:
        initial: dict[str, Any] = {}
        cost_initial: dict[str, Any] = {}
        if project is not None:
            initial = {k: getattr(project, k) for k in services.PROJECT_FIELDS}
            initial.update(
                category=project.category_id,
                district=project.district.code if project.district else "",
                on_behalf_of=project.on_behalf_of_id or "",
            )
            cost_initial = CostTableForm.initial_from(project.cost_items.filter(corrected=False))
        form = ProjectForm(initial=initial, cycle=cycle, organisations=organisations)
        costs = CostTableForm(initial=cost_initial)
        submit = SubmitForm()
    return render(
        request,
        "budget/project_form.html",
        {
            "cycle": cycle,
            "project": project,
            "form": form,
            "costs": costs,
            "cost_rows": cost_rows(costs),
            "submit_form": submit,
            "decision": participation_decision(request.user, cycle.community, BudgetAction.PROPOSE),
            "revising": revising,
        },
    )


def _save_project(
    request: UchastRequest,
    cycle: BudgetCycle,
    project: Project | None,
    form: ProjectForm,
    costs: CostTableForm,
    submit: SubmitForm,
    *,
    revising: bool,
) -> HttpResponse:
    """Revise, or save the draft and (asked to) submit it. A refused save raises (the form shows it);
    a refused submission keeps the saved draft and says why."""
    values = {k: form.cleaned_data[k] for k in services.PROJECT_FIELDS}
    if revising and project is not None:
        services.project_revise(project=project, author=request.user, values=values, costs=costs.lines())
        messages.success(request, _("The revised project is sent for review again."))
        return redirect(_project_url(project))
    code = form.cleaned_data["district"]
    saved = services.project_save_draft(
        cycle=cycle,
        author=request.user,
        category=form.cleaned_data["category"],
        district=cycle.community.districts.filter(code=code).first() if code else None,
        values=values,
        costs=costs.lines(),
        project=project,
        image=form.cleaned_data.get("image"),
        # Only someone who may act for an organisation sees the choice; others leave it as it is.
        on_behalf_of=form.cleaned_data["on_behalf_of"] if "on_behalf_of" in form.fields else services.KEEP,
    )
    if "submit" not in request.POST:
        messages.success(request, _("The draft is saved."))
        return redirect(_project_url(saved))
    try:
        services.project_submit(project=saved, author=request.user, accept_rules=submit.cleaned_data["accept_rules"])
    except ActionRefused as refusal:
        messages.error(request, _("The draft is saved but not submitted: %(reason)s") % {"reason": refusal.message})
        return redirect("budget:project_edit", saved.pk)
    messages.success(request, _("Your project is submitted. Officials will review it."))
    return redirect(_project_url(saved))


@require_http_methods(["GET", "POST"])
@permission_required("budget.change_project", fn=project_for)
def project_appeal(request: UchastRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    form = AppealForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.project_appeal(project=project, author=request.user, text=form.cleaned_data["text"]),
        template="budget/appeal.html",
        context={"project": project},
        success=_("Your appeal is filed."),
        to=_project_url(project),
    )


@require_http_methods(["GET", "POST"])
@permission_required("budget.invite_coauthor", fn=project_for)
def coauthor_invite(request: UchastRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    form = InviteForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.coauthor_invite(project=project, author=request.user, email=form.cleaned_data["email"]),
        template="budget/coauthors.html",
        context={"project": project, "invitations": selectors.pending_invitations(project)},
        success=_("The invitation is sent."),
        to=_project_url(project),
        error_field="email",
    )


@require_POST
@permission_required("budget.invite_coauthor", fn=project_for)
def coauthor_revoke(request: UchastRequest, pk: int, invitation_pk: int) -> HttpResponse:
    project = project_for(request, pk)
    pending = get_object_or_404(CoauthorInvitation, project=project, pk=invitation_pk)
    back = request.POST.get("back") == "coauthors"
    return post_action(
        request,
        lambda: services.coauthor_revoke(invitation=pending, author=request.user),
        success=_("The invitation is withdrawn: its link no longer works."),
        to=reverse("budget:coauthor_invite", args=[project.pk]) if back else _project_url(project),
    )


@require_http_methods(["GET", "POST"])
@permission_required("budget.accept_invitation")
def invitation(request: UchastRequest, token: str) -> HttpResponse:
    """The invitation link: says at once whether it can still be accepted; POST accepts it."""
    error = ""
    found = None
    try:
        found = services.invitation_by_token(token)
        if found.project.cycle.community_id != request.community.pk:
            raise Http404
        services.check_invitation_open(found)
        if request.method == "POST":
            project = services.coauthor_accept(token=token, user=request.user)
            messages.success(request, _("You are now a co-author of this project."))
            return redirect(_project_url(project))
    except ActionRefused as refusal:
        error = refusal.message
    return render(request, "budget/invitation.html", {"invitation": found, "error": error})


@require_POST
@permission_required(BudgetAction.SUPPORT.permission)
def project_support(request: UchastRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    if request.POST.get("support") == "1":
        action, success = services.project_support, _("Your support is counted.")
    else:
        action, success = services.project_support_withdraw, _("Your support is withdrawn.")
    return post_action(
        request, lambda: action(project=project, user=request.user), success=success, to=_project_url(project)
    )


@require_POST
@permission_required("budget.follow", fn=project_for)
def project_follow(request: UchastRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    follow = request.POST.get("follow") == "1"
    return post_action(
        request,
        lambda: services.project_follow(project=project, user=request.user, follow=follow),
        success=_("You will get news of this project.") if follow else _("You no longer follow this project."),
        to=_project_url(project),
    )
