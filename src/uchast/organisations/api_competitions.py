"""Partnership competitions through the API (issues 15 and 18): staff announce, suspend, resume and
publish; staff check eligibility; commission members declare conflicts and score; staff decide on
reports. The same services, permissions and audit as the pages (``views.competitions``);
registered on ``api.router``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED, require_staff
from uchast.core.api.errors import require_permission
from uchast.core.api.operations import WRITE_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest
from uchast.organisations import selectors, services
from uchast.organisations.api import (
    MAX_KOPIYKAS,
    ApplicationOut,
    CompetitionOut,
    Moment,
    ReportOut,
    router,
)
from uchast.organisations.models import Aggregation, Application, Competition, Report

MANAGE = "organisations.manage_competition"
MAX_ID = 2**31 - 1


class CriterionIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    max_score: int = Field(..., ge=1, le=100)


class CommissionMemberIn(Schema):
    email: str = Field(..., max_length=254, description="the e-mail of an existing account")
    kind: str = Field(..., max_length=10, description="staff or public (the public council's representative)")


class CompetitionIn(Schema):
    """Amounts in kopiykas; criteria and commission as the announcement page takes them."""

    title: str = Field(..., max_length=300)
    description: str = Field(..., max_length=10000)
    priorities: str = Field(..., max_length=5000)
    budget: int = Field(..., ge=1, le=MAX_KOPIYKAS)
    max_per_programme: int = Field(..., ge=1, le=MAX_KOPIYKAS)
    min_own_percent: int = Field(10, ge=0, le=100)
    min_registered_months: int = Field(6, ge=0, le=600)
    eligibility_rules: str = Field("", max_length=5000)
    aggregation: str = Field(..., pattern="^(" + "|".join(Aggregation.values) + ")$")
    applications_open_at: Moment
    applications_close_at: Moment
    interim_report_due: date | None = Field(None, description="after applications close; before the final report")
    final_report_due: date | None = Field(None, description="after applications close")
    criteria: list[CriterionIn] = Field(..., max_length=30)
    commission: list[CommissionMemberIn] = Field(..., max_length=50)


class SuspensionIn(Schema):
    reason: str = Field(..., max_length=2000)


class DatesIn(Schema):
    applications_open_at: Moment
    applications_close_at: Moment


class EligibilityIn(Schema):
    eligible: bool
    reason: str = Field("", max_length=2000, description="required when ineligible; published")


class ConflictIn(Schema):
    note: str = Field(..., max_length=2000)


class ConflictOut(Schema):
    application: int
    declared_at: datetime

    @staticmethod
    def resolve_application(obj: Any) -> int:
        return int(obj.application_id)


class ScoreIn(Schema):
    criterion: int = Field(..., ge=1, le=MAX_ID)
    value: int = Field(..., ge=0, le=100)


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(..., max_length=30, description="one score per published criterion")


class MyScoreOut(Schema):
    criterion: int
    value: int

    @staticmethod
    def resolve_criterion(obj: Any) -> int:
        return int(obj.criterion_id)


class ReportDecisionIn(Schema):
    accept: bool
    note: str = Field("", max_length=2000, description="required when the report is returned for changes")


def _manage(request: UchastRequest) -> None:
    require_staff(request, MANAGE)


def _competition(request: UchastRequest, competition_id: int) -> Competition:
    competition = selectors.access_competition(request.user, request.community, competition_id)
    return services.competition_sync_phase(competition=competition)


def _application(request: UchastRequest, application_id: int, permission: str) -> Application:
    """The application if the caller may see it (else 404) and ``permission`` on it (else 403),
    judged on the phase its competition's dates give now; only then is that phase written, so a
    refused caller writes nothing (as on the pages)."""
    application = selectors.access_application(request.user, request.community, application_id)
    application.competition = selectors.competition_as_dated(application.competition)
    require_permission(request, permission, application)
    application.competition = services.competition_sync_phase(competition=application.competition)
    return application


def _commission(members: list[CommissionMemberIn]) -> list[tuple[Any, str]]:
    from uchast.accounts.models import User

    found = []
    for member in members:
        user = User.objects.filter(email__iexact=member.email, is_active=True).first()
        if user is None:
            message = _("No account has the e-mail %(email)s.") % {"email": member.email}
            raise ActionRefused("commission_required", message)
        found.append((user, member.kind))
    return found


@router.post(
    "/competitions",
    response={201: CompetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Announce a competition (staff)")),
)
def announce_competition(request: UchastRequest, payload: CompetitionIn) -> Status[Competition]:
    _manage(request)
    values = payload.dict(exclude={"criteria", "commission"})
    competition = services.competition_announce(
        actor=request.user,
        community=request.community,
        values=values,
        criteria=[(c.title, c.max_score) for c in payload.criteria],
        commission=_commission(payload.commission),
    )
    return Status(201, competition)


@router.post(
    "/competitions/{competition_id}/suspend",
    response={200: CompetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Suspend a competition with a public reason (staff)")),
)
def suspend_competition(request: UchastRequest, competition_id: int, payload: SuspensionIn) -> Competition:
    _manage(request)
    competition = _competition(request, competition_id)
    return services.competition_suspend(competition=competition, actor=request.user, reason=payload.reason)


@router.post(
    "/competitions/{competition_id}/resume",
    response={200: CompetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Resume a competition with new dates (staff)")),
)
def resume_competition(request: UchastRequest, competition_id: int, payload: DatesIn) -> Competition:
    _manage(request)
    competition = _competition(request, competition_id)
    return services.competition_resume(competition=competition, actor=request.user, **payload.dict())


@router.post(
    "/competitions/{competition_id}/publish",
    response={200: CompetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Publish the results: scores, ranking, winners (staff)")),
)
def publish_results(request: UchastRequest, competition_id: int) -> Competition:
    _manage(request)
    competition = _competition(request, competition_id)
    return services.results_publish(competition=competition, actor=request.user)


@router.post(
    "/applications/{application_id}/eligibility",
    response={200: ApplicationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Decide whether an application is eligible (staff)")),
)
def set_eligibility(request: UchastRequest, application_id: int, payload: EligibilityIn) -> Application:
    require_staff(request, "organisations.take_part")
    application = _application(request, application_id, "organisations.check_eligibility")
    return services.application_set_eligibility(
        application=application, actor=request.user, eligible=payload.eligible, reason=payload.reason
    )


@router.post(
    "/applications/{application_id}/conflict",
    response={201: ConflictOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Declare my conflict of interest with an application")),
)
def declare_conflict(request: UchastRequest, application_id: int, payload: ConflictIn) -> Status[Any]:
    require_permission(request, "organisations.take_part")
    application = _application(request, application_id, "organisations.score")
    declaration = services.conflict_declare(application=application, member_user=request.user, note=payload.note)
    return Status(201, declaration)


@router.post(
    "/applications/{application_id}/scores",
    response={200: list[MyScoreOut], **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Score an application on every criterion (a commission member)")),
)
def score_application(request: UchastRequest, application_id: int, payload: ScoresIn) -> list[Any]:
    """Refused (403 ``conflict_of_interest``) after the member declared a conflict with the application."""
    require_permission(request, "organisations.take_part")
    application = _application(request, application_id, "organisations.score")
    values = {s.criterion: s.value for s in payload.scores}
    if len(values) != len(payload.scores):  # a criterion twice: which score was meant?
        raise ActionRefused("all_criteria", _("Score the application on every published criterion."))
    return services.scores_submit(application=application, member_user=request.user, values=values)


@router.post(
    "/reports/{report_id}/decide",
    response={200: ReportOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Accept a report or return it for changes (staff)")),
)
def decide_report(request: UchastRequest, report_id: int, payload: ReportDecisionIn) -> Report:
    require_staff(request, "organisations.decide_report")
    report = Report.objects.filter(pk=report_id, application__competition__community=request.community).first()
    if report is None:
        raise Http404
    return services.report_decide(report=report, actor=request.user, accept=payload.accept, note=payload.note)
