"""HTML views: thin — parse, check permission, call one service, render. POST-redirect-GET."""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.accounts.models import Role, User
from uchast.budget import selectors, services
from uchast.budget.forms import (
    AppealForm,
    AssignForm,
    CategoryForm,
    CostTableForm,
    CycleForm,
    DatesForm,
    InviteForm,
    MilestoneForm,
    PaperBallotForm,
    PaperBatchForm,
    PaperCheckForm,
    ProjectForm,
    ReceiptForm,
    ReviewForm,
    SubmitForm,
    SupportsForm,
    SuspendForm,
)
from uchast.budget.models import (
    PHASE_ORDER,
    Ballot,
    BallotRule,
    BudgetCycle,
    Category,
    CoauthorInvitation,
    Milestone,
    PaperBatch,
    Phase,
    Project,
    ProjectStatus,
)
from uchast.budget.services import BudgetError
from uchast.core.notifications import is_following
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.verification.selectors import participation_decision


def _community(request: HttpRequest) -> Any:
    return request.community  # type: ignore[attr-defined]


def _cycle(request: HttpRequest, cycle_pk: int) -> BudgetCycle:
    return selectors.access_cycle(_community(request), cycle_pk, request.user)


def _project_obj(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> Project:
    return selectors.access_project(request.user, _community(request), pk)


@require_safe
@public_view
def index(request: HttpRequest) -> HttpResponse:
    manage = request.user.has_perm("budget.manage")
    community = _community(request)
    cycles = list(selectors.cycles_of(community, include_drafts=manage)) if community else []
    return render(request, "budget/index.html", {"cycles": cycles, "manage": manage})


@require_safe
@public_view
def cycle_detail(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    steps = [
        (Phase.SUBMISSION, cycle.submission_opens),
        (Phase.REVIEW, cycle.review_opens),
        (Phase.REVISION, cycle.revision_opens),
        (Phase.VOTING, cycle.voting_opens),
        (Phase.RESULTS, cycle.voting_closes),
    ]
    current = cycle.suspended_from if cycle.is_suspended else cycle.status
    categories = list(cycle.categories.annotate(project_count=Count("projects")))
    return render(
        request,
        "budget/cycle.html",
        {
            "cycle": cycle,
            "steps": [(phase.label, when, phase == current) for phase, when in steps],
            "categories": categories,
            "mine": list(selectors.my_projects(cycle, request.user)),
            "manage": request.user.has_perm("budget.manage"),
        },
    )


@require_safe
@public_view
def project_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    get = request.GET
    try:
        category = int(get.get("category") or 0) or None
        max_cost = int(float(get["max_cost"]) * 100) if get.get("max_cost") else None
    except ValueError:
        category, max_cost = None, None
    filters = selectors.ProjectFilters(
        category=category,
        district=get.get("district", "")[:40],
        status=get.get("status", "") if get.get("status", "") in ProjectStatus.values else "",
        max_cost=max_cost,
        search=get.get("q", "")[:100],
    )
    projects = list(selectors.public_projects(cycle, filters))
    if cycle.status == Phase.VOTING:
        seed = request.session.get("budget_order_seed")
        if not seed:
            seed = secrets.token_hex(8)
            request.session["budget_order_seed"] = seed
        projects = selectors.order_for_visitor(projects, seed)
    return render(
        request,
        "budget/project_list.html",
        {
            "cycle": cycle,
            "projects": projects,
            "filters": filters,
            "categories": list(cycle.categories.all()),
            "districts": list(cycle.community.districts.all()),
            "statuses": [(s.value, s.label) for s in ProjectStatus if s != ProjectStatus.DRAFT],
            "max_cost_text": get.get("max_cost", ""),
        },
    )


@require_safe
@permission_required("budget.view_project", fn=_project_obj)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    items = list(project.cost_items.all())
    share_url = request.build_absolute_uri(reverse("budget:project", args=[project.pk]))
    timeline: list[tuple[str, Any, str]] = []
    if project.submitted_at:
        timeline.append((_("Submitted"), project.submitted_at, ""))
    reviews = list(project.reviews.all())
    for review in reviews:
        timeline.append((review.get_conclusion_display(), review.created_at, review.public_reason))
    return render(
        request,
        "budget/project_detail.html",
        {
            "project": project,
            "cycle": project.cycle,
            "items": [i for i in items if not i.corrected],
            "corrected_items": [i for i in items if i.corrected],
            "reviews": reviews,
            "timeline": timeline,
            "milestones": list(project.milestones.all()),
            "share_url": share_url,
            "is_author": project.author_id == request.user.pk,
            "is_editor": services.is_project_editor(project, request.user),
            "coauthors": list(project.coauthors.all()),
            "invitations": selectors.pending_invitations(project) if project.author_id == request.user.pk else [],
            "following": is_following(request.user, project),
            "can_follow": request.user.has_perm("budget.follow", project),
            "manage": request.user.has_perm("budget.manage"),
            "comments_ready": project.status != ProjectStatus.DRAFT,
            "support": _support_context(request, project),
        },
    )


def _support_context(request: HttpRequest, project: Project) -> dict[str, Any] | None:
    """What the project page shows about support collection (None when the cycle does not collect)."""
    cycle = project.cycle
    if cycle.support_threshold <= 0 or project.status == ProjectStatus.DRAFT:
        return None
    collecting = project.status == ProjectStatus.SUBMITTED and services.supports_open(cycle)
    user = request.user
    context: dict[str, Any] = {
        "count": project.supports,
        "threshold": cycle.support_threshold,
        "collecting": collecting,
        "supported": False,
        "can_act": False,
        "decision": None,
        "reason": "",
    }
    if project.status == ProjectStatus.NOT_SUPPORTED:
        context["reason"] = services.support_shortfall_reason(project.supports, cycle.support_threshold)
    if collecting and user.is_authenticated and project.author_id != user.pk:
        context["supported"] = project.support_rows.filter(supporter=user).exists()
        decision = participation_decision(user, cycle.community, "budget.support")
        context["decision"] = decision
        context["can_act"] = decision.allowed or context["supported"]
    return context


@require_safe
@permission_required("budget.view_project", fn=_project_obj)
def project_qr(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    url = request.build_absolute_uri(reverse("budget:project", args=[project.pk]))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


# ---- proposing ------------------------------------------------------------------------------


def _project_values(form: ProjectForm) -> dict[str, Any]:
    return {k: form.cleaned_data[k] for k in services.PROJECT_FIELDS}


def _district(cycle: BudgetCycle, code: str) -> Any:
    return cycle.community.districts.filter(code=code).first() if code else None


@require_http_methods(["GET", "POST"])
@permission_required("budget.propose")
def project_new(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    return _project_form(request, cycle, None)


@require_http_methods(["GET", "POST"])
@permission_required("budget.change_project", fn=_project_obj)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    return _project_form(request, project.cycle, project)


def _project_form(request: HttpRequest, cycle: BudgetCycle, project: Project | None) -> HttpResponse:
    decision = participation_decision(request.user, cycle.community, "budget.propose")
    revising = project is not None and project.status == ProjectStatus.NEEDS_REVISION
    if request.method == "POST":
        form = ProjectForm(request.POST, request.FILES, cycle=cycle)
        costs = CostTableForm(request.POST)
        submit = SubmitForm(request.POST)
        if form.is_valid() and costs.is_valid() and submit.is_valid():
            try:
                if revising and project is not None:
                    services.project_revise(
                        project=project, author=request.user, values=_project_values(form), costs=costs.lines()
                    )
                    messages.success(request, _("The revised project is sent for review again."))
                    return redirect("budget:project", project.pk)
                saved = services.project_save_draft(
                    cycle=cycle,
                    author=request.user,
                    category=form.cleaned_data["category"],
                    district=_district(cycle, form.cleaned_data["district"]),
                    values=_project_values(form),
                    costs=costs.lines(),
                    project=project,
                    image=form.cleaned_data.get("image"),
                )
                if "submit" in request.POST:
                    try:
                        services.project_submit(
                            project=saved, author=request.user, accept_rules=submit.cleaned_data["accept_rules"]
                        )
                    except BudgetError as error:
                        messages.error(
                            request, _("The draft is saved but not submitted: %(reason)s") % {"reason": error.message}
                        )
                        return redirect("budget:project_edit", saved.pk)
                    messages.success(request, _("Your project is submitted. Officials will review it."))
                else:
                    messages.success(request, _("The draft is saved."))
                return redirect("budget:project", saved.pk)
            except BudgetError as error:
                form.add_error(None, error.message)
    else:
        initial: dict[str, Any] = {}
        cost_initial: dict[str, Any] = {}
        if project is not None:
            initial = {k: getattr(project, k) for k in services.PROJECT_FIELDS}
            initial.update(category=project.category_id, district=project.district.code if project.district else "")
            cost_initial = CostTableForm.initial_from(project.cost_items.filter(corrected=False))
        form = ProjectForm(initial=initial, cycle=cycle)
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
            "cost_rows": [(costs[f"item_{i}"], costs[f"quantity_{i}"], costs[f"price_{i}"]) for i in range(8)],
            "submit_form": submit,
            "decision": decision,
            "revising": revising,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("budget.change_project", fn=_project_obj)
def project_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_appeal(project=project, author=request.user, text=form.cleaned_data["text"])
        except BudgetError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your appeal is filed."))
            return redirect("budget:project", project.pk)
    return render(request, "budget/appeal.html", {"project": project, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("budget.invite_coauthor", fn=_project_obj)
def coauthor_invite(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.coauthor_invite(project=project, author=request.user, email=form.cleaned_data["email"])
        except BudgetError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("The invitation is sent."))
            return redirect("budget:project", project.pk)
    return render(
        request,
        "budget/coauthors.html",
        {"form": form, "project": project, "invitations": selectors.pending_invitations(project)},
    )


@require_POST
@permission_required("budget.invite_coauthor", fn=_project_obj)
def coauthor_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    pending = get_object_or_404(CoauthorInvitation, project=project, pk=invitation_pk)
    try:
        services.coauthor_revoke(invitation=pending, author=request.user)
    except BudgetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation is withdrawn: its link no longer works."))
    if request.POST.get("back") == "coauthors":
        return redirect("budget:coauthor_invite", project.pk)
    return redirect("budget:project", project.pk)


@require_http_methods(["GET", "POST"])
@permission_required("budget.accept_invitation")
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    error = ""
    invitation = None
    try:
        invitation = services.invitation_by_token(token)
        if invitation.project.cycle.community_id != _community(request).pk:
            raise Http404
        services.check_invitation_open(invitation)
        if request.method == "POST":
            project = services.coauthor_accept(token=token, user=request.user)
            messages.success(request, _("You are now a co-author of this project."))
            return redirect("budget:project", project.pk)
    except BudgetError as refusal:
        error = refusal.message
    return render(request, "budget/invitation.html", {"invitation": invitation, "error": error})


@require_POST
@permission_required("budget.support")
def project_support(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    give = request.POST.get("support") == "1"
    try:
        if give:
            services.project_support(project=project, user=request.user)
        else:
            services.project_support_withdraw(project=project, user=request.user)
    except BudgetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your support is counted.") if give else _("Your support is withdrawn."))
    return redirect("budget:project", project.pk)


@require_POST
@permission_required("budget.follow", fn=_project_obj)
def project_follow(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    follow = request.POST.get("follow") == "1"
    services.project_follow(project=project, user=request.user, follow=follow)
    messages.success(
        request, _("You will get news of this project.") if follow else _("You no longer follow this project.")
    )
    return redirect("budget:project", project.pk)


# ---- voting ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("budget.vote")
def vote(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    decision = participation_decision(
        request.user, cycle.community, "budget.vote", conditions=cycle.conditions_override
    )
    token = services.voter_token(cycle, request.user)
    ballot = selectors.current_ballot(cycle, token)
    chosen = {c.project_id for c in ballot.choices.all()} if ballot else set()
    error = ""
    if request.method == "POST":
        raw = request.POST.getlist("project")
        try:
            ids = [int(v) for v in raw]
        except ValueError:
            ids = []
            error = _("The ballot names a project that is not on this vote.")
        if not error:
            try:
                result = services.ballot_cast(
                    cycle=cycle, user=request.user, project_ids=ids, expected_receipt=request.POST.get("current", "")
                )
            except BudgetError as refusal:
                error = refusal.message
                chosen = set(ids)
            else:
                request.session["budget_receipt"] = result.ballot.receipt_code
                return redirect("budget:vote_done", cycle.pk)
    seed = request.session.get("budget_order_seed") or secrets.token_hex(8)
    request.session["budget_order_seed"] = seed
    categories = selectors.ballot_categories(cycle)
    for category in categories:
        category.ordered = selectors.order_for_visitor(category.admitted, seed)  # type: ignore[attr-defined]
        picked = [p for p in category.admitted if p.pk in chosen]  # type: ignore[attr-defined]
        category.money_left = category.budget - sum(p.total_cost for p in picked)  # type: ignore[attr-defined]
        category.slots_left = category.max_selected - len(picked)  # type: ignore[attr-defined]
        category.is_knapsack = category.ballot_rule == BallotRule.KNAPSACK  # type: ignore[attr-defined]
    return render(
        request,
        "budget/vote.html",
        {
            "cycle": cycle,
            "decision": decision,
            "categories": categories,
            "chosen": chosen,
            "ballot": ballot,
            "error": error,
            "open": cycle.status == Phase.VOTING,
        },
        status=400 if error else 200,
    )


@require_safe
@permission_required("budget.vote")
def vote_done(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    receipt = request.session.get("budget_receipt", "")
    return render(request, "budget/vote_done.html", {"cycle": cycle, "receipt": receipt})


# ---- results --------------------------------------------------------------------------------


def _published(request: HttpRequest, cycle_pk: int) -> BudgetCycle:
    cycle = _cycle(request, cycle_pk)
    if cycle.results_published_at is None and not request.user.has_perm("budget.manage"):
        raise Http404
    return cycle


@require_safe
@public_view
def results(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _published(request, cycle_pk)
    rows = []
    for result in selectors.results_of(cycle):
        winners = [p for p in result.outcome["projects"] if p["selected"]]
        others = [p for p in result.outcome["projects"] if not p["selected"]]
        rows.append({"result": result, "winners": winners, "others": others})
    return render(
        request,
        "budget/results.html",
        {"cycle": cycle, "rows": rows, "turnout": selectors.turnout(cycle)},
    )


@require_safe
@public_view
def pabulib_file(request: HttpRequest, cycle_pk: int, category_pk: int) -> HttpResponse:
    cycle = _published(request, cycle_pk)
    result = next((r for r in selectors.results_of(cycle) if r.category_id == category_pk), None)
    if result is None:
        raise Http404
    response = HttpResponse(result.pabulib, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{cycle.year}-{category_pk}.pb"'
    return response


@require_safe
@public_view
def results_csv(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _published(request, cycle_pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["project_id", "title", "category", "district", "cost_uah", "votes", "selected"])
    for project in selectors.public_projects(cycle).order_by("pk"):
        writer.writerow(
            [
                project.pk,
                project.title,
                project.category.name,
                project.district.code if project.district else "",
                services.money(project.total_cost).replace("\u202f", ""),
                project.votes,
                1 if project.status == ProjectStatus.WINNER else 0,
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{cycle.year}-projects.csv"'
    return response


@require_http_methods(["GET", "POST"])
@public_view
def receipt_check(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _published(request, cycle_pk)
    form = ReceiptForm(request.POST or None)
    found: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        code = services.normalise_receipt(form.cleaned_data["receipt"])
        ballot = selectors.ballot_by_receipt(cycle, code)
        if ballot is None:
            form.add_error("receipt", _("No ballot with this receipt code is in this vote."))
        else:
            voter_id = services.receipt_voter_id(code)
            lines = []
            for result in selectors.results_of(cycle):
                for line in result.pabulib.splitlines():
                    if line.startswith(voter_id + ";"):
                        lines.append((result.category.name, line))
            found = {
                "ballot": ballot,
                "voter_id": voter_id,
                "lines": lines,
                "projects": [c.project for c in ballot.choices.all()],
            }
    return render(request, "budget/receipt.html", {"cycle": cycle, "form": form, "found": found})


# ---- staff ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def manage(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    suspend_form = SuspendForm(prefix="s")
    dates_form = DatesForm(prefix="d")
    batch_form = PaperBatchForm(prefix="b")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "phase":
                phase = request.POST.get("phase", "")
                if phase not in Phase.values:
                    raise BudgetError("bad_phase", _("Unknown phase."))
                services.cycle_set_phase(cycle=cycle, phase=Phase(phase), actor=request.user)
                messages.success(request, _("The phase is changed."))
            elif action == "suspend":
                suspend_form = SuspendForm(request.POST, prefix="s")
                if suspend_form.is_valid():
                    services.cycle_suspend(cycle=cycle, actor=request.user, reason=suspend_form.cleaned_data["reason"])
                    messages.success(request, _("The cycle is suspended."))
                else:
                    raise BudgetError("invalid", _("Correct the errors below."))
            elif action == "resume":
                dates_form = DatesForm(request.POST, prefix="d")
                if dates_form.is_valid():
                    services.cycle_resume(cycle=cycle, actor=request.user, dates=dates_form.cleaned_data)
                    messages.success(request, _("The cycle is resumed with the new dates."))
                else:
                    raise BudgetError("invalid", _("Correct the errors below."))
            elif action == "count":
                services.cycle_count(cycle=cycle, actor=request.user)
                messages.success(request, _("The ballots are counted. Review the results, then publish them."))
            elif action == "publish":
                services.cycle_publish(cycle=cycle, actor=request.user)
                messages.success(request, _("The results are published."))
            elif action == "batch":
                batch_form = PaperBatchForm(request.POST, prefix="b")
                if batch_form.is_valid():
                    batch = services.paper_batch_create(cycle=cycle, actor=request.user, **batch_form.cleaned_data)
                    return redirect("budget:batch", batch.pk)
                raise BudgetError("invalid", _("Correct the errors below."))
            elif action == "resolve":
                ballot = get_object_or_404(Ballot, cycle=cycle, pk=int(request.POST.get("ballot", "0") or 0))
                services.ballot_resolve(
                    ballot=ballot,
                    actor=request.user,
                    count_it=request.POST.get("decision") == "count",
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The decision on the ballot is recorded."))
            else:
                raise BudgetError("bad_action", _("Unknown action."))
            return redirect("budget:manage", cycle.pk)
        except BudgetError as error:
            messages.error(request, error.message)
    projects = list(cycle.projects.exclude(status=ProjectStatus.DRAFT).select_related("category", "reviewer"))
    return render(
        request,
        "budget/manage.html",
        {
            "cycle": cycle,
            "projects": projects,
            "phases": [(p.value, p.label) for p in PHASE_ORDER if p != cycle.status],
            "suspend_form": suspend_form,
            "dates_form": dates_form,
            "batch_form": batch_form,
            "batches": list(cycle.paper_batches.all()),
            "flagged": list(selectors.flagged_ballots(cycle)),
            "results": selectors.results_of(cycle),
            "categories": list(cycle.categories.all()),
            "supports_editable": services.support_rules_editable(cycle),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("budget.review")
def review(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    reviewers = list(User.objects.filter(groups__name=Role.OFFICIAL, is_active=True).order_by("pk"))
    form = ReviewForm(prefix="r")
    costs = CostTableForm(prefix="c")
    assign = AssignForm(prefix="a", reviewers=reviewers)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "assign":
                assign = AssignForm(request.POST, prefix="a", reviewers=reviewers)
                if not assign.is_valid():
                    raise BudgetError("invalid", _("Correct the errors below."))
                reviewer = next(u for u in reviewers if str(u.pk) == assign.cleaned_data["reviewer"])
                services.project_assign(
                    project=project, actor=request.user, reviewer=reviewer, department=assign.cleaned_data["department"]
                )
                messages.success(request, _("The reviewer is assigned."))
                return redirect("budget:review", project.pk)
            form = ReviewForm(request.POST, prefix="r")
            costs = CostTableForm(request.POST, prefix="c")
            if not (form.is_valid() and costs.is_valid()):
                raise BudgetError("invalid", _("Correct the errors below."))
            services.review_record(
                project=project,
                reviewer=request.user,
                conclusion=form.cleaned_data["conclusion"],
                public_reason=form.cleaned_data["public_reason"],
                checklist=form.checklist(),
                corrected_costs=costs.lines(),
            )
            messages.success(request, _("The review is recorded and published."))
            return redirect("budget:manage", project.cycle_id)
        except BudgetError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "budget/review.html",
        {
            "project": project,
            "form": form,
            "assign": assign,
            "costs": costs,
            "cost_rows": [(costs[f"item_{i}"], costs[f"quantity_{i}"], costs[f"price_{i}"]) for i in range(8)],
            "items": list(project.cost_items.filter(corrected=False)),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("budget.enter_paper")
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(PaperBatch.objects.select_related("cycle"), pk=pk, cycle__community=_community(request))
    cycle = paper.cycle
    entry = PaperBallotForm(prefix="e")
    check = PaperCheckForm(prefix="k")
    if request.method == "POST":
        ids = []
        try:
            ids = [int(v) for v in request.POST.getlist("project")]
            if request.POST.get("action") == "check":
                check = PaperCheckForm(request.POST, prefix="k")
                if not check.is_valid():
                    raise BudgetError("invalid", _("Correct the errors below."))
                services.paper_check_enter(
                    batch=paper, actor=request.user, position=check.cleaned_data["position"], project_ids=ids
                )
                messages.success(request, _("The second entry is saved."))
            else:
                entry = PaperBallotForm(request.POST, prefix="e")
                if not entry.is_valid():
                    raise BudgetError("invalid", _("Correct the errors below."))
                ballot = services.paper_ballot_enter(
                    batch=paper, actor=request.user, project_ids=ids, **entry.cleaned_data
                )
                if ballot.status == "flagged":
                    messages.warning(request, _("This person has already voted: the ballot is flagged for a decision."))
                else:
                    messages.success(request, _("The paper ballot is entered."))
            return redirect("budget:batch", paper.pk)
        except (BudgetError, ValueError) as error:
            messages.error(
                request, getattr(error, "message", _("The ballot names a project that is not on this vote."))
            )
    return render(
        request,
        "budget/batch.html",
        {
            "batch": paper,
            "cycle": cycle,
            "entry": entry,
            "check": check,
            "categories": selectors.ballot_categories(cycle),
            "entered": paper.ballots.count(),
            "mismatches": services.paper_mismatches(paper),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def milestones(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_obj(request, pk)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        existing = None
        if request.POST.get("milestone"):
            existing = get_object_or_404(Milestone, project=project, pk=int(request.POST["milestone"]))
        try:
            services.milestone_save(project=project, actor=request.user, values=form.values(), milestone=existing)
        except BudgetError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The milestone is saved."))
            return redirect("budget:project", project.pk)
    return render(request, "budget/milestones.html", {"project": project, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def cycle_new(request: HttpRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.cycle_create(
                community=_community(request),
                actor=request.user,
                title=data["title"],
                year=data["year"],
                description=data["description"],
                dates={name: data[name] for name in services.DATE_FIELDS},
                support_threshold=data["support_threshold"] or 0,
                support_opens=data["support_opens"],
                support_closes=data["support_closes"],
            )
        except BudgetError as error:
            form.add_error(None, error.message)
        else:
            services.cycle_advance(cycle=cycle)
            messages.success(request, _("The cycle is created. Add its categories."))
            return redirect("budget:category_new", cycle.pk)
    return render(request, "budget/simple_form.html", {"form": form, "heading": _("New budget cycle")})


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def category_new(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    return _category_form(request, _cycle(request, cycle_pk), None)


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def category_edit(request: HttpRequest, cycle_pk: int, pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    return _category_form(request, cycle, get_object_or_404(Category, cycle=cycle, pk=pk))


def _category_form(request: HttpRequest, cycle: BudgetCycle, category: Category | None) -> HttpResponse:
    initial = CategoryForm.initial_from(category) if category else None
    form = CategoryForm(request.POST or None, cycle=cycle, initial=initial)
    if request.method == "POST" and form.is_valid():
        codes = form.cleaned_data["districts"]
        try:
            services.category_save(
                cycle=cycle,
                actor=request.user,
                values=form.values(),
                districts=list(cycle.community.districts.filter(code__in=codes)),
                category=category,
            )
        except BudgetError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The category is saved."))
            return redirect("budget:manage" if category else "budget:cycle", cycle.pk)
    notice = ""
    if category is not None and cycle.rules_frozen_at is not None:
        notice = _("Voting has opened: the categories and their rules can no longer change.")
    heading = _("Edit the category «%(name)s»") % {"name": category.name} if category else _("New category")
    return render(
        request, "budget/simple_form.html", {"form": form, "heading": heading, "cycle": cycle, "notice": notice}
    )


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def cycle_supports(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = _cycle(request, cycle_pk)
    form = SupportsForm(request.POST or None, initial=SupportsForm.initial_from(cycle))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cycle_set_supports(
                cycle=cycle,
                actor=request.user,
                threshold=data["support_threshold"],
                opens=data["support_opens"],
                closes=data["support_closes"],
            )
        except BudgetError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The support collection is saved."))
            return redirect("budget:manage", cycle.pk)
    notice = ""
    if not services.support_rules_editable(cycle):
        notice = _("Support collection ends when review starts: its rules can no longer change.")
    return render(
        request,
        "budget/simple_form.html",
        {"form": form, "heading": _("Support collection"), "cycle": cycle, "notice": notice},
    )
