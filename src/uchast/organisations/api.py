"""The organisations' API: the public registry, competitions, published applications with every
member's scores and reports; members of confirmed organisations apply and report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED
from uchast.core.api.schemas import Error
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest
from uchast.organisations import selectors, services
from uchast.organisations.actions import OrganisationAction
from uchast.organisations.models import Application, Competition, Organisation, Report

router = Router(tags=["organisations"])

MAX_PAGE = 200
MAX_OFFSET = 1_000_000_000
#: Kopiykas: a billion hryvnias is far above any competition and far inside a 64-bit integer.
MAX_KOPIYKAS = 100_000_000_000
FORBIDDEN = 403


def _require(request: UchastRequest, permission: str, obj: Any = None) -> None:
    if not request.user.has_perm(permission, obj):
        raise ActionRefused("forbidden", _("You do not have permission to do this."), status=FORBIDDEN)


class OrganisationOut(Schema):
    id: int
    name: str
    edrpou: str
    legal_form: str
    registered_on: date
    areas: str
    description: str
    works_with_idps: bool
    email: str
    website: str
    status: str
    url: str

    @staticmethod
    def resolve_url(obj: Organisation) -> str:
        return obj.get_absolute_url()


class CriterionOut(Schema):
    id: int
    title: str
    max_score: int


class CompetitionOut(Schema):
    id: int
    title: str
    description: str
    priorities: str
    budget: int
    max_per_programme: int
    min_own_percent: int
    min_registered_months: int
    eligibility_rules: str
    aggregation: str
    status: str
    suspension_reason: str
    applications_open_at: datetime
    applications_close_at: datetime
    results_published_at: datetime | None
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj: Competition) -> list[Any]:
        return list(obj.criteria.all())


class LineOut(Schema):
    id: int
    item: str
    own_amount: int
    requested_amount: int


class ScoreOut(Schema):
    member: str
    criterion: int
    value: int


class ReportOut(Schema):
    id: int
    kind: str
    status: str
    text: str
    staff_note: str
    spent: int

    @staticmethod
    def resolve_spent(obj: Report) -> int:
        return sum(s.spent for s in obj.spending.all())


class ApplicationOut(Schema):
    id: int
    competition: int
    organisation: int
    title: str
    goals: str
    activities: str
    schedule: str
    own_total: int
    requested_total: int
    status: str
    ineligibility_reason: str
    final_score: float | None
    rank: int | None
    lines: list[LineOut]
    scores: list[ScoreOut]
    reports: list[ReportOut]

    @staticmethod
    def resolve_competition(obj: Application) -> int:
        return obj.competition_id

    @staticmethod
    def resolve_organisation(obj: Application) -> int:
        return obj.organisation_id

    @staticmethod
    def resolve_lines(obj: Application) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_scores(obj: Application) -> list[dict[str, Any]]:
        if obj.competition.results_published_at is None:
            return []
        return [
            {"member": member.user.display_name, "criterion": s.criterion_id, "value": s.value}
            for member, scores, _total in selectors.score_table(obj)
            for s in scores
        ]

    @staticmethod
    def resolve_reports(obj: Application) -> list[Any]:
        return list(obj.reports.prefetch_related("spending"))


class LineIn(Schema):
    item: str = Field(..., min_length=1, max_length=300)
    own: int = Field(..., ge=0, le=MAX_KOPIYKAS)
    requested: int = Field(..., ge=0, le=MAX_KOPIYKAS)


class ApplicationIn(Schema):
    organisation: int = Field(..., ge=1, le=2**31 - 1)
    title: str = Field(..., max_length=300)
    goals: str = Field(..., max_length=10000)
    activities: str = Field(..., max_length=10000)
    schedule: str = Field(..., max_length=10000)
    own_total: int = Field(..., ge=0, le=MAX_KOPIYKAS)
    requested_total: int = Field(..., ge=0, le=MAX_KOPIYKAS)
    lines: list[LineIn] = Field(..., max_length=20)


class SpendingIn(Schema):
    line: int = Field(..., ge=1, le=2**31 - 1)
    spent: int = Field(..., ge=0, le=MAX_KOPIYKAS)


class ReportIn(Schema):
    kind: str = Field(..., max_length=20)
    text: str = Field(..., max_length=10000)
    spending: list[SpendingIn] = Field(default_factory=list, max_length=20)


@router.get("/", response={200: list[OrganisationOut], 403: Error, 422: Error})
def list_organisations(
    request: UchastRequest,
    q: str = Query("", max_length=100),
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[Organisation]:
    _require(request, "core.view_public")
    return list(selectors.public_organisations(request.community, query=q)[offset : offset + limit])


@router.get("/competitions", response={200: list[CompetitionOut], 403: Error, 422: Error})
def list_competitions(request: UchastRequest) -> list[Competition]:
    _require(request, "core.view_public")
    return list(selectors.public_competitions(request.community).prefetch_related("criteria"))


@router.get("/competitions/{competition_id}", response={200: CompetitionOut, 403: Error, 404: Error, 422: Error})
def get_competition(request: UchastRequest, competition_id: int) -> Competition:
    _require(request, "core.view_public")
    competition = selectors.access_competition(request.user, request.community, competition_id)
    return services.competition_sync_phase(competition=competition)


@router.get(
    "/competitions/{competition_id}/applications",
    response={200: list[ApplicationOut], 403: Error, 404: Error, 422: Error},
)
def list_applications(request: UchastRequest, competition_id: int) -> list[Application]:
    """Every application once the results are published; before that, only those the caller may see."""
    _require(request, "core.view_public")
    competition = selectors.access_competition(request.user, request.community, competition_id)
    return selectors.visible_applications(request.user, competition)


@router.get("/applications/{application_id}", response={200: ApplicationOut, 403: Error, 404: Error, 422: Error})
def get_application(request: UchastRequest, application_id: int) -> Application:
    _require(request, "core.view_public")
    return selectors.access_application(request.user, request.community, application_id)


@router.get("/{organisation_id}", response={200: OrganisationOut, 403: Error, 404: Error, 422: Error})
def get_organisation(request: UchastRequest, organisation_id: int) -> Organisation:
    _require(request, "core.view_public")
    return selectors.access_organisation(request.user, request.community, organisation_id)


@router.post(
    "/competitions/{competition_id}/applications",
    response={201: ApplicationOut, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error},
    auth=AUTHENTICATED,
)
def apply(request: UchastRequest, competition_id: int, payload: ApplicationIn) -> Status:
    competition = selectors.access_competition(request.user, request.community, competition_id)
    organisation = selectors.access_organisation(request.user, request.community, payload.organisation)
    _require(request, OrganisationAction.APPLY.permission, organisation)
    application = services.application_submit(
        competition=competition,
        organisation=organisation,
        actor=request.user,
        values=payload.dict(exclude={"organisation", "lines"}),
        lines=[(line.item, line.own, line.requested) for line in payload.lines],
    )
    return Status(201, application)


@router.post(
    "/applications/{application_id}/reports",
    response={201: ReportOut, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error},
    auth=AUTHENTICATED,
)
def file_report(request: UchastRequest, application_id: int, payload: ReportIn) -> Status:
    application = selectors.access_application(request.user, request.community, application_id)
    _require(request, "organisations.report", application)
    report = services.report_submit(
        application=application,
        actor=request.user,
        kind=payload.kind,
        text=payload.text,
        spending=[(s.line, s.spent) for s in payload.spending],
    )
    return Status(201, report)
