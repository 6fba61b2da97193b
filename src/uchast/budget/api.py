"""JSON API of the participatory budget (mounted at ``/api/budget/``): public reads and ballot casting."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema

from uchast.accounts.apiauth import BearerTokenAuth, HeaderTokenAuth, SessionAuth, second_factor_required
from uchast.budget import selectors, services
from uchast.budget.actions import BudgetAction
from uchast.budget.castpath.voter import SECOND_FACTOR_MISSING, voter_for_api_key
from uchast.budget.models import BudgetCycle, Category, CategoryResult, Project
from uchast.core.api.errors import require_permission
from uchast.core.api.operations import BUDGET_WRITE_ERRORS, PUBLIC_ERRORS, PUBLIC_ITEM_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest

router = Router(tags=["budget"])


class VoterBearerAuth(BearerTokenAuth):
    """The bearer token for casting: the token's user and their verification evidence in one
    prepared statement (the voting peak, ``uchast.budget.castpath.voter``), which also tells whether
    they are staff without a second factor: refused then, as by every other use of the API."""

    def user_for(self, request: HttpRequest, token: str) -> Any:
        # ninja's hook is typed with the plain HttpRequest; ours carries the community.
        user = voter_for_api_key(token, cast(UchastRequest, request).community)
        if user is not None and user.__dict__[SECOND_FACTOR_MISSING]:
            raise second_factor_required()
        return user


VOTER = [VoterBearerAuth(), HeaderTokenAuth(), SessionAuth()]


class CycleOut(Schema):
    id: int
    title: str
    year: int
    phase: str
    suspended: bool
    suspension_reason: str
    submission_opens: datetime
    review_opens: datetime
    revision_opens: datetime
    voting_opens: datetime
    voting_closes: datetime
    results_published: bool
    support_threshold: int  # supports a submitted project needs before review; 0 = no collection
    support_opens: datetime | None  # both null = supports collected during the whole submission phase
    support_closes: datetime | None


class CategoryOut(Schema):
    id: int
    name: str
    budget_kopiykas: int
    min_cost_kopiykas: int
    max_cost_kopiykas: int
    ballot_rule: str
    min_selected: int
    max_selected: int
    counting_rule: str


class ProjectOut(Schema):
    id: int
    title: str
    category_id: int
    district: str | None
    status: str
    summary: str
    total_cost_kopiykas: int
    votes: int


class ProjectResultOut(Schema):
    project_id: str
    name: str
    cost: int
    selected: bool
    votes: int
    reason: str


class CategoryResultOut(Schema):
    category_id: int
    rule: str
    spent_kopiykas: int
    selected: list[str]
    pabulib_sha256: str
    projects: list[ProjectResultOut]


class BallotIn(Schema):
    projects: list[int]


class BallotOut(Schema):
    receipt_code: str
    replaced: bool


def _cycle(request: UchastRequest, cycle_id: int) -> BudgetCycle:
    try:
        return selectors.access_cycle(request.user, request.community, cycle_id)
    except Http404:
        raise ActionRefused("not_found", _("No such budget cycle."), status=404) from None


def _cycle_out(c: BudgetCycle) -> CycleOut:
    return CycleOut(
        id=c.pk,
        title=c.title,
        year=c.year,
        phase=c.status,
        suspended=c.is_suspended,
        suspension_reason=c.suspension_reason,
        submission_opens=c.submission_opens,
        review_opens=c.review_opens,
        revision_opens=c.revision_opens,
        voting_opens=c.voting_opens,
        voting_closes=c.voting_closes,
        results_published=c.results_published_at is not None,
        support_threshold=c.support_threshold,
        support_opens=c.support_opens,
        support_closes=c.support_closes,
    )


def _project_out(p: Project) -> ProjectOut:
    return ProjectOut(
        id=p.pk,
        title=p.title,
        category_id=p.category_id,
        district=p.district.code if p.district else None,
        status=p.status,
        summary=p.summary,
        total_cost_kopiykas=p.total_cost,
        votes=p.votes,
    )


def _result_out(r: CategoryResult) -> CategoryResultOut:
    return CategoryResultOut(
        category_id=r.category_id,
        rule=r.outcome["rule"],
        spent_kopiykas=r.outcome["spent"],
        selected=list(r.outcome["selected"]),
        pabulib_sha256=r.sha256,
        projects=[ProjectResultOut(**{k: p[k] for k in ProjectResultOut.model_fields}) for p in r.outcome["projects"]],
    )


def _category_out(c: Category) -> CategoryOut:
    return CategoryOut(
        id=c.pk,
        name=c.name,
        budget_kopiykas=c.budget,
        min_cost_kopiykas=c.min_cost,
        max_cost_kopiykas=c.max_cost,
        ballot_rule=c.ballot_rule,
        min_selected=c.min_selected,
        max_selected=c.max_selected,
        counting_rule=c.counting_rule,
    )


@router.get(
    "/cycles",
    response={200: list[CycleOut], **PUBLIC_ERRORS},
    summary=lazy_text(gettext_lazy("Participatory budget cycles")),
)
def cycles(request: UchastRequest, paging: Query[PageIn]) -> list[CycleOut]:
    require_permission(request, "budget.view")
    return [_cycle_out(c) for c in page(selectors.cycles_of(request.community).order_by("-year", "pk"), paging)]


@router.get(
    "/cycles/{cycle_id}",
    response={200: CycleOut, **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("One budget cycle")),
)
def cycle(request: UchastRequest, cycle_id: int) -> CycleOut:
    require_permission(request, "budget.view")
    return _cycle_out(_cycle(request, cycle_id))


@router.get(
    "/cycles/{cycle_id}/categories",
    response={200: list[CategoryOut], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Categories of a budget cycle")),
)
def categories(request: UchastRequest, cycle_id: int, paging: Query[PageIn]) -> list[CategoryOut]:
    require_permission(request, "budget.view")
    return [_category_out(c) for c in page(_cycle(request, cycle_id).categories.all(), paging)]


@router.get(
    "/cycles/{cycle_id}/projects",
    response={200: list[ProjectOut], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Projects of a budget cycle")),
)
def projects(request: UchastRequest, cycle_id: int, paging: Query[PageIn]) -> list[ProjectOut]:
    require_permission(request, "budget.view")
    return [_project_out(p) for p in page(selectors.public_projects(_cycle(request, cycle_id)), paging)]


@router.get(
    "/projects/{project_id}",
    response={200: ProjectOut, **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("One budget project")),
)
def project(request: UchastRequest, project_id: int) -> ProjectOut:
    try:
        found = selectors.access_project(request.user, request.community, project_id)
    except Http404:
        raise ActionRefused("not_found", _("No such project."), status=404) from None
    return _project_out(found)


@router.get(
    "/cycles/{cycle_id}/results",
    response={200: list[CategoryResultOut], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Results of a budget cycle")),
)
def results(request: UchastRequest, cycle_id: int) -> list[CategoryResultOut]:
    require_permission(request, "budget.view")
    found = _cycle(request, cycle_id)
    if found.results_published_at is None:
        raise ActionRefused("not_published", _("The results are not published yet."), status=404)
    return [_result_out(r) for r in selectors.results_of(found, outcome=True)]


@router.post(
    "/cycles/{cycle_id}/ballot",
    response={200: BallotOut, **BUDGET_WRITE_ERRORS},
    auth=VOTER,
    throttle=[],  # not counted: a cast guesses nothing, and the fast lane answers it without Django
    summary=lazy_text(gettext_lazy("Cast or change my ballot")),
)
def cast_ballot(request: UchastRequest, cycle_id: int, payload: BallotIn) -> BallotOut:
    """Cast or replace the caller's ballot (approved project ids). Returns a fresh receipt code."""
    require_permission(request, BudgetAction.VOTE.permission)
    try:
        found = selectors.cycle_for_ballot(request.user, request.community, cycle_id)
    except Http404:
        raise ActionRefused("not_found", _("No such budget cycle."), status=404) from None
    result = services.ballot_cast(cycle=found, user=request.user, project_ids=payload.projects)
    return BallotOut(receipt_code=result.ballot.receipt_code, replaced=result.replaced)


# The writes, one module per topic as in ``services``; importing them registers them on this router.
from uchast.budget import api_cycle, api_paper, api_projects, api_write  # noqa: E402, F401
