"""The staff page of a cycle, and one view per action on it (each posts to its own URL).

A button (phase, count, publish, a decision on a flagged ballot) is a ``post_action``; a form
(suspension, resumption, a paper batch) is a ``form_action`` that shows the page again with the
form's errors when refused."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from uchast.budget import selectors, services
from uchast.budget.errors import BudgetError
from uchast.budget.forms import CommissionKeyForm, DatesForm, PaperBatchForm, SuspendForm, UnsealForm
from uchast.budget.models import Ballot, BudgetCycle, Custody, Phase, ProjectStatus
from uchast.budget.views.common import cycle_for
from uchast.core.pagination import Page, keyset_page
from uchast.core.permissions import permission_required
from uchast.core.web import UchastRequest, form_action, post_action

MANAGE = "budget.manage"


def _manage_url(cycle: BudgetCycle) -> str:
    return reverse("budget:manage", args=[cycle.pk])


#: Rows of the review list (and of the batches) per page of the manage page; flagged ballots shown
#: at once (deciding one takes it off the list, so the next ones come up).
PROJECTS_PAGE = 50
FLAGGED_SHOWN = 50
#: The most unsettled paper batches the manage page names (the others are in the batches' list).
UNSETTLED_SHOWN = 50


def _on_manage(page: Page[Any], cycle: BudgetCycle) -> Page[Any]:
    """The page's links lead to the manage page (it is also shown again by a refused POST to an
    action's own URL)."""
    url = _manage_url(cycle)

    def lead(link: str) -> str:
        return url + link if link.startswith("?") else (url if link else "")

    return replace(page, next_url=lead(page.next_url), first_url=lead(page.first_url))


def _page(request: UchastRequest, cycle: BudgetCycle, **forms: Form) -> dict[str, Any]:
    """The manage page's context; ``forms`` replaces an empty form by the one just posted. Every list
    is bounded: the projects and batches by keyset pages (``?after=``, ``?batches=``), the flagged
    ballots by :data:`FLAGGED_SHOWN`, the unsettled batches named by :data:`UNSETTLED_SHOWN`."""
    projects = cycle.projects.exclude(status=ProjectStatus.DRAFT).select_related("category", "reviewer")
    listed = keyset_page(projects, request, order=["pk"], param="after", size=PROJECTS_PAGE)
    batches = keyset_page(cycle.paper_batches.all(), request, order=["pk"], param="batches", size=PROJECTS_PAGE)
    flagged = list(selectors.flagged_ballots(cycle).order_by("pk")[: FLAGGED_SHOWN + 1])
    unsettled = list(selectors.unsettled_batches(cycle)[: UNSETTLED_SHOWN + 1]) if cycle.status == Phase.RESULTS else []
    return {
        "cycle": cycle,
        "projects": listed.items,
        "projects_page": _on_manage(listed, cycle),
        "phases": selectors.phase_choices(cycle),
        "suspend_form": SuspendForm(prefix="s"),
        "dates_form": DatesForm(prefix="d"),
        "batch_form": PaperBatchForm(prefix="b"),
        "key_form": CommissionKeyForm(prefix="k"),
        "unseal_form": UnsealForm(prefix="u", threshold=cycle.seal_threshold),
        "key_editable": cycle.rules_frozen_at is None and cycle.status != Phase.VOTING,
        "unsettled": unsettled[:UNSETTLED_SHOWN],
        "more_unsettled": len(unsettled) > UNSETTLED_SHOWN,
        "batches": batches.items,
        "batches_page": _on_manage(batches, cycle),
        "flagged": flagged[:FLAGGED_SHOWN],
        "more_flagged": len(flagged) > FLAGGED_SHOWN,
        "results": selectors.results_of(cycle),
        "categories": cycle.categories.all(),
        "supports_editable": selectors.support_rules_editable(cycle),
        **forms,
    }


@require_safe
@permission_required(MANAGE)
def manage(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    return render(request, "budget/manage.html", _page(request, cycle_for(request, cycle_pk)))


@require_POST
@permission_required(MANAGE)
def cycle_phase(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    phase = request.POST.get("phase", "")

    def change() -> BudgetCycle:
        if phase not in Phase.values:
            raise BudgetError("bad_phase", _("Unknown phase."))
        return services.cycle_set_phase(cycle=cycle, phase=Phase(phase), actor=request.user)

    return post_action(request, change, success=_("The phase is changed."), to=_manage_url(cycle))


@require_POST
@permission_required(MANAGE)
def cycle_suspend(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    form = SuspendForm(request.POST, prefix="s")
    return form_action(
        request,
        form,
        lambda: services.cycle_suspend(cycle=cycle, actor=request.user, reason=form.cleaned_data["reason"]),
        template="budget/manage.html",
        context=_page(request, cycle, suspend_form=form),
        success=_("The cycle is suspended."),
        to=_manage_url(cycle),
    )


@require_POST
@permission_required(MANAGE)
def cycle_resume(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    form = DatesForm(request.POST, prefix="d")
    return form_action(
        request,
        form,
        lambda: services.cycle_resume(cycle=cycle, actor=request.user, dates=form.cleaned_data),
        template="budget/manage.html",
        context=_page(request, cycle, dates_form=form),
        success=_("The cycle is resumed with the new dates."),
        to=_manage_url(cycle),
    )


@require_POST
@permission_required(MANAGE)
def cycle_count(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    """Open and count the sealed ballots; a commission-key cycle posts its members' shares, which
    are used for this request only (a refusal shows the page again, the shares not kept)."""
    cycle = cycle_for(request, cycle_pk)
    form = UnsealForm(request.POST, prefix="u", threshold=cycle.seal_threshold)
    response = form_action(
        request,
        form,
        lambda: services.cycle_count(
            cycle=cycle, actor=request.user, shares=form.shares() if cycle.custody == Custody.COMMISSION else ()
        ),
        template="budget/manage.html",
        context=_page(request, cycle, unseal_form=form),
        success=_("The ballots are counted. Review the results, then publish them."),
        to=_manage_url(cycle),
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required(MANAGE)
def cycle_key(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    """Make the commission key and show its shares, once: they are in this response only."""
    cycle = cycle_for(request, cycle_pk)
    form = CommissionKeyForm(request.POST, prefix="k")
    if form.is_valid():
        try:
            made = services.cycle_commission_key(
                cycle=cycle,
                actor=request.user,
                threshold=form.cleaned_data["threshold"],
                members=form.member_names(),
            )
        except BudgetError as refusal:
            form.add_error(None, refusal.message)
        else:
            response = render(request, "budget/shares.html", {"cycle": cycle, "key": made})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "budget/manage.html", _page(request, cycle, key_form=form), status=400)


@require_POST
@permission_required(MANAGE)
def cycle_publish(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    return post_action(
        request,
        lambda: services.cycle_publish(cycle=cycle, actor=request.user),
        success=_("The results are published."),
        to=_manage_url(cycle),
    )


@require_POST
@permission_required(MANAGE)
def batch_new(request: UchastRequest, cycle_pk: int) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    form = PaperBatchForm(request.POST, prefix="b")
    return form_action(
        request,
        form,
        lambda: services.paper_batch_create(cycle=cycle, actor=request.user, **form.cleaned_data),
        template="budget/manage.html",
        context=_page(request, cycle, batch_form=form),
        to=lambda batch: reverse("budget:batch", args=[batch.pk]),
    )


@require_POST
@permission_required(MANAGE)
def ballot_resolve(request: UchastRequest, cycle_pk: int, ballot_pk: UUID) -> HttpResponse:
    cycle = cycle_for(request, cycle_pk)
    ballot = get_object_or_404(Ballot, cycle=cycle, pk=ballot_pk)
    return post_action(
        request,
        lambda: services.ballot_resolve(
            ballot=ballot,
            actor=request.user,
            count_it=request.POST.get("decision") == "count",
            reason=request.POST.get("reason", ""),
        ),
        success=_("The decision on the ballot is recorded."),
        to=_manage_url(cycle),
    )
