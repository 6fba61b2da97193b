"""The budget's writes through the API (issue 18): every action of the pages, with the same
services, permissions and audit (``views``). This module holds what the topic modules share (the
edge's types and lookups) and the review: a resident proposes a project, an official assigns and
reviews it. The other topics, as in ``services``: ``api_cycle`` (cycles, categories, support
settings, counting and publication), ``api_paper`` (paper ballots, flagged ballots) and
``api_projects`` (the author's and residents' actions, milestones). All are registered on
``budget.api.router`` (imported at the end of that module)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status
from pydantic import AfterValidator

from uchast.accounts.apiauth import AUTHENTICATED, require_staff
from uchast.budget import selectors, services
from uchast.budget.actions import BudgetAction
from uchast.budget.api import ProjectOut, _cycle, _project_out, router
from uchast.budget.models import BudgetCycle, Category, Conclusion, Project
from uchast.core.api.errors import require_permission
from uchast.core.api.operations import BUDGET_WRITE_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.models import District
from uchast.core.web import UchastRequest

_MONEY = 10**12  # kopiykas: far above any budget, far below the database's bound


class CostIn(Schema):
    description: str = Field(..., min_length=1, max_length=200)
    quantity: int = Field(..., ge=1, le=1_000_000)
    unit_price_kopiykas: int = Field(..., ge=0, le=_MONEY)


class ProjectIn(Schema):
    category_id: int = Field(..., ge=1, le=2**31 - 1)
    district: str = Field("", max_length=40, description="A district code, or empty for the whole community.")
    title: str = Field(..., max_length=200)
    summary: str = Field(..., max_length=500)
    description: str = Field(..., max_length=20_000)
    expected_result: str = Field(..., max_length=20_000)
    beneficiaries: str = Field(..., max_length=300)
    address: str = Field("", max_length=300)
    costs: list[CostIn] = Field(..., max_length=50)
    submit: bool = Field(False, description="Submit for review at once (else the project stays a draft).")
    accept_rules: bool = Field(False, description="Needed to submit: the author accepts the rules.")


def project_values(payload: ProjectIn) -> tuple[dict[str, object], list[services.CostLine]]:
    """What a ``ProjectIn`` gives the project services: its text fields and its cost lines."""
    values = {k: getattr(payload, k) for k in services.PROJECT_FIELDS if hasattr(payload, k)}
    return values, [services.CostLine(c.description, c.quantity, c.unit_price_kopiykas) for c in payload.costs]


def project_place(cycle: BudgetCycle, payload: ProjectIn) -> tuple[Category, District | None]:
    """The category (404 when not the cycle's) and district (422 when unknown; None for the whole
    community) a ``ProjectIn`` names: checked here so that a wrong id is a clear refusal, not a 500."""
    category = cycle.categories.filter(pk=payload.category_id).first()
    if category is None:
        raise ActionRefused("not_found", _("No such category in this cycle."), status=404)
    district = cycle.community.districts.filter(code=payload.district).first() if payload.district else None
    if payload.district and district is None:
        raise ActionRefused("invalid_input", _("No such district."), status=422, details=[{"field": "district"}])
    return category, district


class ReviewIn(Schema):
    conclusion: str = Field(..., description="admitted, needs_revision or rejected", max_length=30)
    public_reason: str = Field(..., max_length=5000)
    within_powers: bool = False
    community_property: bool = False
    realistic_cost: bool = False
    no_duplicate: bool = False


#: An id or position in a body: PostgreSQL's integer columns stop at 2**31 - 1, and a larger value
#: must be refused here (422), not fail in the database.
DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _sane_moment(value: datetime) -> datetime:
    """Dates of a budget fall in this range; one written without an offset is in the community's
    time zone, as on the page."""
    if not 2000 <= value.year <= 2200:
        raise ValueError("a date between the years 2000 and 2200")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


Moment = Annotated[datetime, AfterValidator(_sane_moment)]


def _project(request: UchastRequest, project_id: int) -> Project:
    try:
        return selectors.access_project(request.user, request.community, project_id)
    except Http404:
        raise ActionRefused("not_found", _("No such project."), status=404) from None


def _choice(value: str, allowed: Iterable[str], field: str) -> str:
    """``value`` if it is one of ``allowed``, else a 422 naming the field."""
    if value not in set(allowed):
        raise ActionRefused(
            "invalid_input",
            _("«%(value)s» is not one of the allowed values.") % {"value": value},
            status=422,
            details=[{"field": field}],
        )
    return value


def _staff_project(request: UchastRequest, project_id: int, permission: str) -> Project:
    """A staff operation on a project: the token's staff scope, the permission, then the project."""
    require_staff(request, permission)
    return _project(request, project_id)


@router.post(
    "/cycles/{cycle_id}/projects",
    response={201: ProjectOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Propose a project")),
)
def propose_project(request: UchastRequest, cycle_id: int, payload: ProjectIn) -> Status[ProjectOut]:
    require_permission(request, BudgetAction.PROPOSE.permission)
    cycle = _cycle(request, cycle_id)
    category, district = project_place(cycle, payload)
    values, costs = project_values(payload)
    project = services.project_save_draft(
        cycle=cycle, author=request.user, category=category, district=district, values=values, costs=costs
    )
    if payload.submit:
        project = services.project_submit(project=project, author=request.user, accept_rules=payload.accept_rules)
    return Status(201, _project_out(project))


@router.post(
    "/projects/{project_id}/review",
    response={200: ProjectOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Review a project (staff)")),
)
def review_project(request: UchastRequest, project_id: int, payload: ReviewIn) -> ProjectOut:
    project = _staff_project(request, project_id, "budget.review")
    if payload.conclusion not in Conclusion.values:
        raise ActionRefused("invalid_input", _("Unknown conclusion."), status=422, details=[{"field": "conclusion"}])
    services.review_record(
        project=project,
        reviewer=request.user,
        conclusion=payload.conclusion,
        public_reason=payload.public_reason,
        checklist={
            "within_powers": payload.within_powers,
            "community_property": payload.community_property,
            "realistic_cost": payload.realistic_cost,
            "no_duplicate": payload.no_duplicate,
        },
    )
    project.refresh_from_db()
    return _project_out(project)


class BudgetAssignIn(Schema):
    reviewer_id: DbId = Field(..., description="An active official (the review page lists them).")
    department: str = Field(..., min_length=1, max_length=200)


@router.post(
    "/projects/{project_id}/reviewer",
    response={200: ProjectOut, **BUDGET_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Assign a project to a reviewer (staff)")),
)
def assign_reviewer(request: UchastRequest, project_id: int, payload: BudgetAssignIn) -> ProjectOut:
    project = _staff_project(request, project_id, "budget.review")
    reviewers = {u.pk: u for u in selectors.reviewers()}
    _choice(str(payload.reviewer_id), [str(pk) for pk in reviewers], "reviewer_id")
    services.project_assign(
        project=project, actor=request.user, reviewer=reviewers[payload.reviewer_id], department=payload.department
    )
    return _project_out(project)
