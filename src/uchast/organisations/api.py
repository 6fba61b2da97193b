"""The organisations' API: the public registry, competitions, published applications with every
member's scores and reports; members of confirmed organisations apply and report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator, AwareDatetime

from uchast.accounts.apiauth import AUTHENTICATED
from uchast.core.api.errors import require_permission
from uchast.core.api.operations import PUBLIC_ERRORS, PUBLIC_ITEM_ERRORS, WRITE_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.models import Moderated
from uchast.core.web import UchastRequest
from uchast.organisations import selectors, services
from uchast.organisations.actions import OrganisationAction
from uchast.organisations.models import Application, Competition, Organisation, Report, ReportStatus
from uchast.organisations.moderation import public_text

router = Router(tags=["organisations"])

#: Kopiykas: a billion hryvnias is far above any competition and far inside a 64-bit integer.
MAX_KOPIYKAS = 100_000_000_000
FORBIDDEN = 403


def _plausible(moment: datetime) -> datetime:
    # A date far from now is a typo, and near year 1 or 9999 the conversion to UTC overflows.
    if not 2000 <= moment.year <= 2200:
        raise ValueError("a date between the years 2000 and 2200")
    return moment


#: A date and time with its UTC offset (a naive one is ambiguous), within two centuries.
Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]


class ModeratedOut(Schema):
    """A text a moderator can hide (core moderation): hidden, its texts give the public reason."""

    hidden: bool = Field(..., description="hidden by a moderator: its public texts show the reason instead")
    hidden_reason: str

    @staticmethod
    def resolve_hidden(obj: Moderated) -> bool:
        return obj.is_hidden

    @staticmethod
    def resolve_hidden_reason(obj: Moderated) -> str:
        return obj.hidden_reason if obj.is_hidden else ""


class OrganisationOut(ModeratedOut):
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
    logo_url: str | None = Field(None, description="the logo (public), or null")
    statute_url: str | None = Field(None, description="the statute (PDF) once the organisation is confirmed, or null")

    @staticmethod
    def resolve_url(obj: Organisation) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_logo_url(obj: Organisation) -> str | None:
        return obj.logo.url if obj.logo else None

    @staticmethod
    def resolve_statute_url(obj: Organisation) -> str | None:
        if not obj.statute or not obj.is_confirmed:
            return None
        return reverse("organisations:statute", args=[obj.pk])

    @staticmethod
    def resolve_areas(obj: Organisation) -> str:
        return public_text(obj, obj.areas)

    @staticmethod
    def resolve_description(obj: Organisation) -> str:
        return public_text(obj, obj.description)


class MemberOut(Schema):
    name: str
    role: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.display_name)


class CriterionOut(Schema):
    id: int
    title: str
    max_score: int


class CommissionSeatOut(Schema):
    name: str
    kind: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.display_name)


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
    interim_report_due: date | None
    final_report_due: date | None
    criteria: list[CriterionOut]
    commission: list[CommissionSeatOut]

    @staticmethod
    def resolve_criteria(obj: Competition) -> list[Any]:
        return list(obj.criteria.all())

    @staticmethod
    def resolve_commission(obj: Competition) -> list[Any]:
        return list(obj.commission.select_related("user"))


class LineOut(Schema):
    id: int
    item: str
    own_amount: int
    requested_amount: int


class ScoreOut(Schema):
    member: str
    member_kind: str
    criterion: int
    value: int


def _caller(context: dict[str, Any] | None) -> Any:
    request = (context or {}).get("request")
    return getattr(request, "user", None)


class ReportOut(ModeratedOut):
    id: int
    kind: str
    status: str
    text: str
    staff_note: str = Field(..., description="staff's note on a returned report: for staff and the organisation only")
    spent: int
    photos: list[str] = Field(default_factory=list, description="URLs of the photos, once staff accepted the report")

    @staticmethod
    def resolve_text(obj: Report) -> str:
        return public_text(obj, obj.text)

    @staticmethod
    def resolve_staff_note(obj: Report, context: dict[str, Any] | None) -> str:
        user = _caller(context)
        return obj.staff_note if user is not None and selectors.may_read_report_notes(user, obj.application) else ""

    @staticmethod
    def resolve_spent(obj: Report) -> int:
        return sum(s.spent for s in obj.spending.all())

    @staticmethod
    def resolve_photos(obj: Report) -> list[str]:
        if obj.status != ReportStatus.ACCEPTED:
            return []
        return [photo.get_absolute_url() for photo in obj.photos.all()]


class DocumentOut(Schema):
    id: int
    title: str
    kind: str
    size: int
    created_at: datetime
    url: str = Field(..., description="the download (GET), for the members, staff and the commission only")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:organisation_document", args=[obj.application_id, obj.pk])


class ApplicationOut(ModeratedOut):
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
    documents: list[DocumentOut] = Field(
        default_factory=list, description="never public: only for the members, staff and the commission"
    )

    @staticmethod
    def resolve_goals(obj: Application) -> str:
        return public_text(obj, obj.goals)

    @staticmethod
    def resolve_activities(obj: Application) -> str:
        return public_text(obj, obj.activities)

    @staticmethod
    def resolve_schedule(obj: Application) -> str:
        return public_text(obj, obj.schedule)

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
            {
                "member": member.user.display_name,
                "member_kind": member.kind,
                "criterion": s.criterion_id,
                "value": s.value,
            }
            for member, scores, _total in selectors.score_table(obj)
            for s in scores
        ]

    @staticmethod
    def resolve_reports(obj: Application, context: dict[str, Any] | None) -> list[Any]:
        """Accepted reports for everyone; those under review or returned (with staff's notes) only
        for staff and the organisation's members."""
        user = _caller(context)
        return list(selectors.reports_visible_to(user, obj).prefetch_related("photos")) if user is not None else []

    @staticmethod
    def resolve_documents(obj: Application, context: Any) -> list[Any]:
        return selectors.documents_of(context["request"].user, obj)


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


@router.get(
    "/",
    response={200: list[OrganisationOut], **PUBLIC_ERRORS},
    summary=lazy_text(gettext_lazy("Confirmed organisations of the registry")),
)
def list_organisations(
    request: UchastRequest, paging: Query[PageIn], q: str = Query("", max_length=100)
) -> list[Organisation]:
    require_permission(request, "core.view_public")
    return page(selectors.public_organisations(request.community, query=q), paging)


@router.get(
    "/competitions",
    response={200: list[CompetitionOut], **PUBLIC_ERRORS},
    summary=lazy_text(gettext_lazy("Partnership competitions")),
)
def list_competitions(request: UchastRequest, paging: Query[PageIn]) -> list[Competition]:
    require_permission(request, "core.view_public")
    return page(selectors.public_competitions(request.community).prefetch_related("criteria"), paging)


@router.get(
    "/competitions/{competition_id}",
    response={200: CompetitionOut, **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("One competition with its criteria and commission")),
)
def get_competition(request: UchastRequest, competition_id: int) -> Competition:
    require_permission(request, "core.view_public")
    competition = selectors.access_competition(request.user, request.community, competition_id)
    return services.competition_sync_phase(competition=competition)


@router.get(
    "/competitions/{competition_id}/applications",
    response={200: list[ApplicationOut], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Applications to a competition, with scores once published")),
)
def list_applications(request: UchastRequest, competition_id: int, paging: Query[PageIn]) -> list[Application]:
    """Every application once the results are published; before that, only those the caller may see."""
    require_permission(request, "core.view_public")
    competition = selectors.access_competition(request.user, request.community, competition_id)
    return page(selectors.visible_applications(request.user, competition), paging)


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("One application with its budget, scores and reports")),
)
def get_application(request: UchastRequest, application_id: int) -> Application:
    require_permission(request, "core.view_public")
    return selectors.access_application(request.user, request.community, application_id)


# The int converter: "/pending", "/bodies" (registered later) are not organisation ids.
@router.get(
    "/{int:organisation_id}",
    response={200: OrganisationOut, **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("One organisation")),
)
def get_organisation(request: UchastRequest, organisation_id: int) -> Organisation:
    require_permission(request, "core.view_public")
    return selectors.access_organisation(request.user, request.community, organisation_id)


@router.get(
    "/{organisation_id}/members",
    response={200: list[MemberOut], **PUBLIC_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Members of an organisation")),
)
def list_members(request: UchastRequest, organisation_id: int) -> list[Any]:
    require_permission(request, "core.view_public")
    organisation = selectors.access_organisation(request.user, request.community, organisation_id)
    return list(selectors.members_of(organisation))


@router.post(
    "/competitions/{competition_id}/applications",
    response={201: ApplicationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Apply to a competition for my organisation")),
)
def apply(request: UchastRequest, competition_id: int, payload: ApplicationIn) -> Status:
    competition = selectors.access_competition(request.user, request.community, competition_id)
    organisation = selectors.access_organisation(request.user, request.community, payload.organisation)
    require_permission(request, OrganisationAction.APPLY.permission, organisation)
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
    response={201: ReportOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("File a report on a funded programme")),
)
def file_report(request: UchastRequest, application_id: int, payload: ReportIn) -> Status:
    application = selectors.access_application(request.user, request.community, application_id)
    require_permission(request, "organisations.report", application)
    report = services.report_submit(
        application=application,
        actor=request.user,
        kind=payload.kind,
        text=payload.text,
        spending=[(s.line, s.spent) for s in payload.spending],
    )
    return Status(201, report)


# Each registers its operations on this router.
from uchast.organisations import api_bodies as _api_bodies  # noqa: E402, F401
from uchast.organisations import api_competitions as _api_competitions  # noqa: E402, F401
from uchast.organisations import api_registry as _api_registry  # noqa: E402, F401
from uchast.organisations import api_uploads as _api_uploads  # noqa: E402, F401
