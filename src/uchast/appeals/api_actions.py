"""The actions on an appeal after filing, through the API (issue 18): co-signing, the handling steps
of the department (staff) and the person's rating and complaint, through the same services,
permissions and audit as the page's forms (``views``). Registered on ``appeals.api.router``."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED, require_scope
from uchast.appeals import selectors, services
from uchast.appeals.actions import AppealAction
from uchast.appeals.api import AppealOut, appeal_out, router
from uchast.appeals.models import TEXT_MAX_LENGTH, Appeal, Department
from uchast.core.api.operations import WRITE_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest


class AppealCosignOut(Schema):
    appeal: int
    cosigned: bool


class AppealRouteIn(Schema):
    department: int = Field(..., description="id of a department of the council")
    study_needed: bool = Field(False, description="needs further study (one month)")


class AppealPriorityIn(Schema):
    confirmed: bool


class AppealForwardIn(Schema):
    body: str = Field(..., max_length=300, description="the body the appeal is passed on to")


class AppealExtendIn(Schema):
    new_due: date
    reasons: str = Field("", max_length=2000, description="the person is told them")


class AppealRateIn(Schema):
    rating: int = Field(..., ge=1, le=5)


class AppealComplaintIn(Schema):
    text: str = Field(..., max_length=TEXT_MAX_LENGTH, description="what is wrong with the answer")


def _appeal(request: UchastRequest, appeal_id: int, permission: str, what: str) -> Appeal:
    """As the page: an account that may file appeals (else 403), the appeal if it may see it (else
    404, logged when personal) and ``permission`` on it (else 403)."""
    if not request.user.has_perm(AppealAction.FILE.permission):
        raise PermissionDenied
    appeal, _personal = selectors.access_appeal(request.user, request.community, appeal_id, what=what)
    if not request.user.has_perm(permission, appeal):
        raise PermissionDenied
    return appeal


def _handled(request: UchastRequest, appeal_id: int, what: str) -> Appeal:
    """An appeal for a handling step of its department: a staff operation."""
    require_scope(request, "staff")
    return _appeal(request, appeal_id, "appeals.handle", what)


@router.post(
    "/{appeal_id}/cosign",
    response={200: AppealCosignOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Co-sign a collective appeal I am invited to")),
)
def cosign_appeal(request: UchastRequest, appeal_id: int) -> AppealCosignOut:
    appeal = _appeal(request, appeal_id, "appeals.cosign", "api-cosign")
    services.cosigner_confirm(appeal=appeal, user=request.user)
    return AppealCosignOut(appeal=appeal.pk, cosigned=True)


@router.post(
    "/{appeal_id}/withdraw",
    response={200: AppealCosignOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Withdraw my co-signature (before the answer)")),
)
def withdraw_cosignature(request: UchastRequest, appeal_id: int) -> AppealCosignOut:
    appeal = _appeal(request, appeal_id, "appeals.cosign", "api-withdraw")
    services.cosigner_withdraw(appeal=appeal, user=request.user)
    return AppealCosignOut(appeal=appeal.pk, cosigned=False)


@router.post(
    "/{appeal_id}/route",
    response={200: AppealOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Route an appeal to a department (staff)")),
)
def route_appeal(request: UchastRequest, appeal_id: int, payload: AppealRouteIn) -> AppealOut:
    appeal = _handled(request, appeal_id, "api-route")
    department = Department.objects.filter(community=request.community, pk=payload.department).first()
    if department is None:
        raise ActionRefused("bad_department", _("Choose a department of this council."))
    routed = services.appeal_route(
        appeal=appeal, actor=request.user, department=department, study_needed=payload.study_needed
    )
    return appeal_out(routed, True)


@router.post(
    "/{appeal_id}/priority",
    response={200: AppealOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Confirm or not the priority category claimed (staff)")),
)
def check_priority(request: UchastRequest, appeal_id: int, payload: AppealPriorityIn) -> AppealOut:
    appeal = _handled(request, appeal_id, "api-priority")
    checked = services.appeal_check_priority(appeal=appeal, actor=request.user, confirmed=payload.confirmed)
    return appeal_out(checked, True)


@router.post(
    "/{appeal_id}/forward",
    response={200: AppealOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Pass an appeal on to the competent body (staff)")),
)
def forward_appeal(request: UchastRequest, appeal_id: int, payload: AppealForwardIn) -> AppealOut:
    appeal = _handled(request, appeal_id, "api-forward")
    return appeal_out(services.appeal_forward(appeal=appeal, actor=request.user, body=payload.body), True)


@router.post(
    "/{appeal_id}/extend",
    response={200: AppealOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Extend the term of an appeal, with reasons (staff)")),
)
def extend_appeal(request: UchastRequest, appeal_id: int, payload: AppealExtendIn) -> AppealOut:
    appeal = _handled(request, appeal_id, "api-extend")
    extended = services.appeal_extend(
        appeal=appeal, actor=request.user, new_due=payload.new_due, reasons=payload.reasons
    )
    return appeal_out(extended, True)


@router.post(
    "/{appeal_id}/rate",
    response={200: AppealOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Rate the answer to my appeal (1 to 5)")),
)
def rate_answer(request: UchastRequest, appeal_id: int, payload: AppealRateIn) -> AppealOut:
    appeal = _appeal(request, appeal_id, "appeals.rate", "api-rate")
    return appeal_out(services.appeal_rate(appeal=appeal, user=request.user, rating=payload.rating), True)


@router.post(
    "/{appeal_id}/complain",
    response={201: AppealOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Complain about the answer to my appeal (a new appeal)")),
)
def complain_about_answer(request: UchastRequest, appeal_id: int, payload: AppealComplaintIn) -> Status[AppealOut]:
    appeal = _appeal(request, appeal_id, "appeals.complain", "api-complain")
    complaint = services.appeal_complain(appeal=appeal, user=request.user, text=payload.text)
    return Status(201, appeal_out(complaint, True))
