"""Staff forms beside the manage page: review, paper batches, milestones, a new cycle, categories
and support collection. Each posted form is a ``form_action``: refusals come back on the form."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from uchast.budget import ballotpage, selectors, services
from uchast.budget.errors import BudgetError
from uchast.budget.forms import (
    AssignForm,
    CategoryForm,
    CostTableForm,
    CycleForm,
    MilestoneForm,
    PaperBallotForm,
    PaperCheckForm,
    PaperResolveForm,
    ReviewForm,
    SupportsForm,
)
from uchast.budget.models import (
    Ballot,
    BallotStatus,
    BudgetCycle,
    Category,
    DuplicateRule,
    Milestone,
    PaperBatch,
    Project,
    ProjectStatus,
)
from uchast.budget.views.common import cost_rows, cycle_for, project_for
from uchast.core.permissions import permission_required
from uchast.core.web import UchastRequest, form_action

# ---- review ---------------------------------------------------------------------------------


def _review_page(project: Project, *, form: ReviewForm, costs: CostTableForm, assign: AssignForm) -> dict[str, Any]:
    """The conclusion form only where a review can be recorded; the corrected cost table starts from
    the author's lines and one free line, not a column of blank rows."""
    items = list(project.cost_items.filter(corrected=False))
    return {
        "project": project,
        "form": form,
        "assign": assign,
        "costs": costs,
        "cost_rows": cost_rows(costs, shown=len(items) + 1),
        "items": items,
        "review_refusal": selectors.review_refusal(project),
    }


def _review_forms(request: UchastRequest, project: Project) -> tuple[ReviewForm, CostTableForm]:
    appeal = project.status == ProjectStatus.APPEALED
    items = project.cost_items.filter(corrected=False)
    return (
        ReviewForm(request.POST or None, prefix="r", appeal=appeal),
        CostTableForm(request.POST or None, prefix="c", initial=CostTableForm.initial_from(items)),
    )


def _correction(project: Project, costs: CostTableForm) -> list[Any]:
    """The corrected lines, or none when the reviewer left the author's table as it was."""
    lines = costs.lines()
    authors = [
        (i.description, i.quantity, i.unit_price) for i in project.cost_items.filter(corrected=False).order_by("pk")
    ]
    return [] if [(c.description, c.quantity, c.unit_price) for c in lines] == authors else lines


@require_http_methods(["GET", "POST"])
@permission_required("budget.review")
def review(request: UchastRequest, pk: int) -> HttpResponse:
    """The review page; POST records the conclusion (with an optional corrected cost table)."""
    project = project_for(request, pk)
    form, costs = _review_forms(request, project)

    def record() -> Any:
        if not costs.is_valid():
            raise BudgetError("invalid", _("Correct the errors below."))
        return services.review_record(
            project=project,
            reviewer=request.user,
            conclusion=form.cleaned_data["conclusion"],
            public_reason=form.cleaned_data["public_reason"],
            checklist=form.checklist(),
            corrected_costs=_correction(project, costs),
        )

    assign = AssignForm(prefix="a", reviewers=selectors.reviewers())
    return form_action(
        request,
        form,
        record,
        template="budget/review.html",
        context=_review_page(project, form=form, costs=costs, assign=assign),
        success=_("The review is recorded and published."),
        to=reverse("budget:manage", args=[project.cycle_id]),
    )


@require_POST
@permission_required("budget.review")
def review_assign(request: UchastRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    reviewers = selectors.reviewers()
    assign = AssignForm(request.POST, prefix="a", reviewers=reviewers)
    return form_action(
        request,
        assign,
        lambda: services.project_assign(
            project=project,
            actor=request.user,
            reviewer=next(u for u in reviewers if str(u.pk) == assign.cleaned_data["reviewer"]),
            department=assign.cleaned_data["department"],
        ),
        template="budget/review.html",
        context=_review_page(project, form=ReviewForm(prefix="r"), costs=CostTableForm(prefix="c"), assign=assign),
        success=_("The reviewer is assigned."),
        to=reverse("budget:review", args=[project.pk]),
    )


# ---- paper ballots --------------------------------------------------------------------------


def _paper_batch(request: UchastRequest, pk: int) -> PaperBatch:
    return get_object_or_404(PaperBatch.objects.select_related("cycle"), pk=pk, cycle__community=request.community)


#: The most projects the paper batch page's lookup lists at once.
FOUND_SHOWN = 20


def _batch_page(
    request: UchastRequest,
    paper: PaperBatch,
    *,
    entry: PaperBallotForm,
    check: PaperCheckForm,
    resolve: PaperResolveForm | None = None,
) -> dict[str, Any]:
    """The batch page. While every category fits on a page of the ballot form the entry forms offer
    every project as a checkbox; at city scale (issue 19) they take the numbers printed on the paper
    instead, and a lookup by number or title (``?find=``, at most :data:`FOUND_SHOWN`) replaces the
    list of every project."""
    cycle = paper.cycle
    admitted = Project.objects.filter(cycle=cycle, status=ProjectStatus.ADMITTED)
    sizes = admitted.values("category_id").annotate(n=Count("pk")).order_by().values_list("n", flat=True)
    numbered = any(n > ballotpage.PAGE_SIZE for n in sizes)
    find = request.GET.get("find", "").strip()[:100] if numbered else ""
    found: list[Project] = []
    if find:
        match = Q(title__icontains=find) | (Q(pk=int(find)) if find.isdecimal() and len(find) < 10 else Q())
        found = list(admitted.filter(match).select_related("category").order_by("pk")[: FOUND_SHOWN + 1])
    return {
        "batch": paper,
        "cycle": cycle,
        "entry": entry,
        "check": check,
        "resolve": resolve or PaperResolveForm(prefix="r"),
        "numbered": numbered,
        "categories": [] if numbered else selectors.ballot_categories(cycle),
        "find": find,
        "found": found[:FOUND_SHOWN],
        "more_found": len(found) > FOUND_SHOWN,
        "entered": paper.ballots.count(),
        "mismatches": selectors.paper_mismatches(paper),
    }


def _posted_projects(request: UchastRequest) -> list[int]:
    """The ticked projects, or the numbers typed from the paper (commas or spaces between them)."""
    typed = [v for v in re.split(r"[\s,;]+", request.POST.get("numbers", "")[:2000]) if v]
    try:
        return [int(v) for v in [*request.POST.getlist("project"), *typed]]
    except ValueError:
        raise BudgetError("unknown_project", _("The ballot names a project that is not on this vote.")) from None


@require_http_methods(["GET", "POST"])
@permission_required("budget.enter_paper")
def batch(request: UchastRequest, pk: int) -> HttpResponse:
    """The batch page; POST enters one paper ballot (the first entry)."""
    paper = _paper_batch(request, pk)
    entry = PaperBallotForm(request.POST or None, prefix="e")

    def enter() -> Ballot:
        ballot = services.paper_ballot_enter(
            batch=paper, actor=request.user, project_ids=_posted_projects(request), **entry.cleaned_data
        )
        if ballot.status == BallotStatus.FLAGGED:
            messages.warning(request, _("This person has already voted: the ballot is flagged for a decision."))
        else:
            messages.success(request, _("The paper ballot is entered."))
        return ballot

    return form_action(
        request,
        entry,
        enter,
        template="budget/batch.html",
        context=_batch_page(request, paper, entry=entry, check=PaperCheckForm(prefix="k")),
        to=reverse("budget:batch", args=[paper.pk]),
    )


@require_POST
@permission_required("budget.enter_paper")
def batch_check(request: UchastRequest, pk: int) -> HttpResponse:
    """The second, independent entry of a position of the batch."""
    paper = _paper_batch(request, pk)
    check = PaperCheckForm(request.POST, prefix="k")
    return form_action(
        request,
        check,
        lambda: services.paper_check_enter(
            batch=paper,
            actor=request.user,
            position=check.cleaned_data["position"],
            project_ids=_posted_projects(request),
        ),
        template="budget/batch.html",
        context=_batch_page(request, paper, entry=PaperBallotForm(prefix="e"), check=check),
        success=_("The second entry is saved."),
        to=reverse("budget:batch", args=[paper.pk]),
    )


@require_POST
@permission_required("budget.enter_paper")
def batch_resolve(request: UchastRequest, pk: int) -> HttpResponse:
    """Settle a position whose entries disagree: the choices read again from the paper."""
    paper = _paper_batch(request, pk)
    resolve = PaperResolveForm(request.POST, prefix="r")
    return form_action(
        request,
        resolve,
        lambda: services.paper_mismatch_resolve(
            batch=paper, actor=request.user, project_ids=_posted_projects(request), **resolve.cleaned_data
        ),
        template="budget/batch.html",
        context=_batch_page(
            request, paper, entry=PaperBallotForm(prefix="e"), check=PaperCheckForm(prefix="k"), resolve=resolve
        ),
        success=_("The position is settled."),
        to=reverse("budget:batch", args=[paper.pk]),
    )


# ---- implementation -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def milestones(request: UchastRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    form = MilestoneForm(request.POST or None)
    existing = None
    if request.method == "POST" and request.POST.get("milestone"):
        existing = get_object_or_404(Milestone, project=project, pk=int(request.POST["milestone"]))
    return form_action(
        request,
        form,
        lambda: services.milestone_save(project=project, actor=request.user, values=form.values(), milestone=existing),
        template="budget/milestones.html",
        context={"project": project},
        success=_("The milestone is saved."),
        to=reverse("budget:project", args=[project.pk]),
    )


# ---- cycle, categories, support collection --------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def cycle_new(request: UchastRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)

    def create() -> BudgetCycle:
        data = form.cleaned_data
        cycle = services.cycle_create(
            community=request.community,
            actor=request.user,
            title=data["title"],
            year=data["year"],
            description=data["description"],
            title_en=data["title_en"],
            description_en=data["description_en"],
            dates={name: data[name] for name in services.DATE_FIELDS},
            support_threshold=data["support_threshold"] or 0,
            support_opens=data["support_opens"],
            support_closes=data["support_closes"],
            duplicate_rule=data["duplicate_rule"] or DuplicateRule.FIRST,
        )
        services.cycle_advance(cycle=cycle)
        return cycle

    return form_action(
        request,
        form,
        create,
        template="budget/simple_form.html",
        context={"heading": _("New budget cycle")},
        success=_("The cycle is created. Add its categories."),
        to=lambda cycle: reverse("budget:category_new", args=[cycle.pk]),
    )


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def category_new(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    return _category_form(request, cycle_for(request, cycle_pk), None)


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def category_edit(request: UchastRequest, cycle_pk: int, pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    return _category_form(request, cycle, get_object_or_404(Category, cycle=cycle, pk=pk))


def _category_form(request: UchastRequest, cycle: BudgetCycle, category: Category | None) -> HttpResponse:
    initial = CategoryForm.initial_from(category) if category else None
    form = CategoryForm(request.POST or None, cycle=cycle, initial=initial)
    notice = ""
    if category is not None and cycle.rules_frozen_at is not None:
        notice = _("Voting has opened: the categories and their rules can no longer change.")
    heading = _("Edit the category «%(name)s»") % {"name": category.name} if category else _("New category")
    return form_action(
        request,
        form,
        lambda: services.category_save(
            cycle=cycle,
            actor=request.user,
            values=form.values(),
            districts=list(cycle.community.districts.filter(code__in=form.cleaned_data["districts"])),
            category=category,
        ),
        template="budget/simple_form.html",
        context={"heading": heading, "cycle": cycle, "notice": notice},
        success=_("The category is saved."),
        to=reverse("budget:manage" if category else "budget:cycle", args=[cycle.pk]),
    )


@require_http_methods(["GET", "POST"])
@permission_required("budget.manage")
def cycle_supports(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    form = SupportsForm(request.POST or None, initial=SupportsForm.initial_from(cycle))
    notice = ""
    if not selectors.support_rules_editable(cycle):
        notice = _("Support collection ends when review starts: its rules can no longer change.")
    return form_action(
        request,
        form,
        lambda: services.cycle_set_supports(
            cycle=cycle,
            actor=request.user,
            threshold=form.cleaned_data["support_threshold"],
            opens=form.cleaned_data["support_opens"],
            closes=form.cleaned_data["support_closes"],
        ),
        template="budget/simple_form.html",
        context={"heading": _("Support collection"), "cycle": cycle, "notice": notice},
        success=_("The support collection is saved."),
        to=reverse("budget:manage", args=[cycle.pk]),
    )
