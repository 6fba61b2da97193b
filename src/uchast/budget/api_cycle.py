"""Staff run a cycle through the API (issue 18): create it, its categories and support collection,
move, suspend and resume it, count and publish — the services, permission (``budget.manage``) and
audit of ``views.manage`` and ``views.staff``, and the token's ``staff`` scope.

Counting a cycle whose ballots are sealed to the commission key needs the members' shares, which are
typed on the manage page only (``budget:cycle_key``, docs/budget.md): this API takes no shares, so
such a count is refused here as on a page posted without them (``too_few_shares``)."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED, require_staff
from uchast.budget import services
from uchast.budget.api import (
    CategoryOut,
    CategoryResultOut,
    CycleOut,
    _category_out,
    _cycle,
    _cycle_out,
    _result_out,
    router,
)
from uchast.budget.api_write import _MONEY, Moment, _choice
from uchast.budget.models import BallotRule, BudgetCycle, Category, CountingRule, DuplicateRule, Phase
from uchast.budget.services import BudgetError
from uchast.core.api.operations import BUDGET_WRITE_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest

MANAGE = "budget.manage"


class BudgetDatesIn(Schema):
    """The start of each phase; a date without an offset is in the community's time zone."""

    submission_opens: Moment
    review_opens: Moment
    revision_opens: Moment
    voting_opens: Moment
    voting_closes: Moment

    def dates(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in services.DATE_FIELDS}


class BudgetSupportsIn(Schema):
    support_threshold: int = Field(0, ge=0, le=100_000, description="Supports needed before review; 0 = none.")
    support_opens: Moment | None = Field(None, description="Both dates empty: the whole submission phase.")
    support_closes: Moment | None = None


class BudgetCycleIn(BudgetDatesIn, BudgetSupportsIn):
    title: str = Field(..., min_length=1, max_length=200)
    year: int = Field(..., ge=2015, le=2100)
    description: str = Field("", max_length=20_000)
    title_en: str = Field("", max_length=200)
    description_en: str = Field("", max_length=20_000)
    duplicate_rule: str = Field(
        DuplicateRule.FIRST.value, max_length=20, description="first, paper or online: which ballot of a person counts"
    )


class BudgetCategoryIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    budget_kopiykas: int = Field(..., ge=1, le=_MONEY)
    min_cost_kopiykas: int = Field(..., ge=0, le=_MONEY)
    max_cost_kopiykas: int = Field(..., ge=0, le=_MONEY)
    ballot_rule: str = Field(..., max_length=20, description="up_to_n or knapsack")
    min_selected: int = Field(1, ge=0, le=50)
    max_selected: int = Field(3, ge=1, le=50)
    counting_rule: str = Field(..., max_length=20, description="greedy, mes or phragmen")
    districts: list[Annotated[str, Field(max_length=40)]] = Field(
        [], max_length=100, description="District codes; none = the whole community."
    )


class BudgetPhaseIn(Schema):
    phase: str = Field(..., max_length=20, description="submission, review, revision, voting, results, ...")


class BudgetSuspendIn(Schema):
    reason: str = Field(..., max_length=5000, description="The public reason.")


def _managed_cycle(request: UchastRequest, cycle_id: int) -> BudgetCycle:
    require_staff(request, MANAGE)
    return _cycle(request, cycle_id)


@router.post(
    "/cycles",
    response={201: CycleOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Create a budget cycle (staff)")),
)
def create_cycle(request: UchastRequest, payload: BudgetCycleIn) -> Status[CycleOut]:
    require_staff(request, MANAGE)
    if request.community is None:
        raise PermissionDenied
    cycle = services.cycle_create(
        community=request.community,
        actor=request.user,
        title=payload.title,
        year=payload.year,
        description=payload.description,
        title_en=payload.title_en,
        description_en=payload.description_en,
        dates=payload.dates(),
        support_threshold=payload.support_threshold,
        support_opens=payload.support_opens,
        support_closes=payload.support_closes,
        duplicate_rule=payload.duplicate_rule,
    )
    services.cycle_advance(cycle=cycle)
    return Status(201, _cycle_out(cycle))


def _save_category(
    request: UchastRequest, cycle: BudgetCycle, payload: BudgetCategoryIn, category: Category | None
) -> Category:
    values = {
        "name": payload.name,
        "budget": payload.budget_kopiykas,
        "min_cost": payload.min_cost_kopiykas,
        "max_cost": payload.max_cost_kopiykas,
        "ballot_rule": _choice(payload.ballot_rule, BallotRule.values, "ballot_rule"),
        "min_selected": payload.min_selected,
        "max_selected": payload.max_selected,
        "counting_rule": _choice(payload.counting_rule, CountingRule.values, "counting_rule"),
    }
    districts = list(cycle.community.districts.filter(code__in=payload.districts))
    for code in payload.districts:
        _choice(code, [d.code for d in districts], "districts")
    return services.category_save(
        cycle=cycle, actor=request.user, values=values, districts=districts, category=category
    )


@router.post(
    "/cycles/{cycle_id}/categories",
    response={201: CategoryOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Add a category to a cycle (staff)")),
)
def create_category(request: UchastRequest, cycle_id: int, payload: BudgetCategoryIn) -> Status[CategoryOut]:
    cycle = _managed_cycle(request, cycle_id)
    return Status(201, _category_out(_save_category(request, cycle, payload, None)))


@router.put(
    "/cycles/{cycle_id}/categories/{category_id}",
    response={200: CategoryOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Change a category before voting opens (staff)")),
)
def change_category(request: UchastRequest, cycle_id: int, category_id: int, payload: BudgetCategoryIn) -> CategoryOut:
    cycle = _managed_cycle(request, cycle_id)
    category = cycle.categories.filter(pk=category_id).first()
    if category is None:
        raise ActionRefused("not_found", _("No such category in this cycle."), status=404)
    return _category_out(_save_category(request, cycle, payload, category))


@router.put(
    "/cycles/{cycle_id}/supports",
    response={200: CycleOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Set a cycle's support collection (staff)")),
)
def set_supports(request: UchastRequest, cycle_id: int, payload: BudgetSupportsIn) -> CycleOut:
    cycle = _managed_cycle(request, cycle_id)
    services.cycle_set_supports(
        cycle=cycle,
        actor=request.user,
        threshold=payload.support_threshold,
        opens=payload.support_opens,
        closes=payload.support_closes,
    )
    return _cycle_out(cycle)


@router.post(
    "/cycles/{cycle_id}/phase",
    response={200: CycleOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Move a cycle to a phase by hand (staff)")),
)
def set_phase(request: UchastRequest, cycle_id: int, payload: BudgetPhaseIn) -> CycleOut:
    cycle = _managed_cycle(request, cycle_id)
    if payload.phase not in Phase.values:
        raise BudgetError("bad_phase", _("Unknown phase."), status=422, details=[{"field": "phase"}])
    return _cycle_out(services.cycle_set_phase(cycle=cycle, phase=Phase(payload.phase), actor=request.user))


@router.post(
    "/cycles/{cycle_id}/suspend",
    response={200: CycleOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Suspend a cycle with a public reason (staff)")),
)
def suspend_cycle(request: UchastRequest, cycle_id: int, payload: BudgetSuspendIn) -> CycleOut:
    cycle = _managed_cycle(request, cycle_id)
    return _cycle_out(services.cycle_suspend(cycle=cycle, actor=request.user, reason=payload.reason))


@router.post(
    "/cycles/{cycle_id}/resume",
    response={200: CycleOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Resume a suspended cycle with new dates (staff)")),
)
def resume_cycle(request: UchastRequest, cycle_id: int, payload: BudgetDatesIn) -> CycleOut:
    cycle = _managed_cycle(request, cycle_id)
    return _cycle_out(services.cycle_resume(cycle=cycle, actor=request.user, dates=payload.dates()))


@router.post(
    "/cycles/{cycle_id}/count",
    response={200: list[CategoryResultOut], **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Count the ballots of a server-key cycle (staff)")),
)
def count_ballots(request: UchastRequest, cycle_id: int) -> list[CategoryResultOut]:
    """Open and count the sealed ballots; the results stay unpublished until ``publish``. A cycle
    sealed to the commission key is counted on the manage page, where its members type their shares
    (refused here with ``too_few_shares``)."""
    cycle = _managed_cycle(request, cycle_id)
    return [_result_out(r) for r in services.cycle_count(cycle=cycle, actor=request.user)]


@router.post(
    "/cycles/{cycle_id}/publish",
    response={200: CycleOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Publish the counted results (staff)")),
)
def publish_results(request: UchastRequest, cycle_id: int) -> CycleOut:
    cycle = _managed_cycle(request, cycle_id)
    return _cycle_out(services.cycle_publish(cycle=cycle, actor=request.user))
