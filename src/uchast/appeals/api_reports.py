"""Problem reports through the API (issue 18): reading them as the public pages show them, reporting
one (with an optional photo), "me too", and the council's status updates (staff), through the same
services, permissions and audit as ``report_views``. Registered on ``appeals.api.router``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Query, Schema, Status
from ninja.files import UploadedFile

from uchast.accounts.apiauth import AUTHENTICATED, require_staff
from uchast.appeals import selectors, services
from uchast.appeals.actions import AppealAction
from uchast.appeals.api import MAX_OFFSET, MAX_PAGE, router
from uchast.appeals.models import SUBJECT_MAX_LENGTH, TEXT_MAX_LENGTH, ProblemReport, ReportStatus, Topic
from uchast.core.api.operations import PUBLIC_ERRORS, PUBLIC_ITEM_ERRORS, WRITE_ERRORS, lazy_text
from uchast.core.files import attachments_for
from uchast.core.web import UchastRequest


class ProblemReportUpdateOut(Schema):
    status: str
    text: str
    at: datetime


class ProblemReportOut(Schema):
    """A problem report. A report a moderator hid shows only its status, topic, date, the reason and
    the council's updates: its title, text, place and photos are null or empty, as on the page."""

    id: int
    hidden: bool
    hidden_reason: str
    status: str
    topic: str
    created_at: datetime
    title: str | None
    text: str | None
    address: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    metoo_count: int | None
    photos: list[str]
    updates: list[ProblemReportUpdateOut]
    url: str


class ProblemReportIn(Schema):
    title: str = Field(..., max_length=SUBJECT_MAX_LENGTH, description="what is wrong")
    topic: str = Field(Topic.OTHER.value, max_length=20)
    text: str = Field("", max_length=TEXT_MAX_LENGTH)
    address: str = Field("", max_length=300, description="address or landmark (or a point)")
    latitude: str = Field("", max_length=20)
    longitude: str = Field("", max_length=20)


class ProblemReportStatusIn(Schema):
    status: str = Field(..., max_length=20, description="new, accepted, in_progress, resolved or rejected")
    text: str = Field("", max_length=2000, description="what was done")


def report_out(report: ProblemReport, *, detail: bool = True) -> ProblemReportOut:
    hidden = report.is_hidden
    return ProblemReportOut(
        id=report.pk,
        hidden=hidden,
        hidden_reason=report.hidden_reason if hidden else "",
        status=report.status,
        topic=report.topic,
        created_at=report.created_at,
        title=None if hidden else report.title,
        text=None if hidden else report.text,
        address=None if hidden else report.address,
        latitude=None if hidden else report.latitude,
        longitude=None if hidden else report.longitude,
        metoo_count=None if hidden else report.metoo_count,
        photos=[] if hidden or not detail else [p.file.url for p in attachments_for(report)],
        updates=[ProblemReportUpdateOut(status=u.status, text=u.text, at=u.at) for u in report.updates.all()]
        if detail
        else [],
        url=report.get_absolute_url(),
    )


@router.get("/problems", response={200: list[ProblemReportOut], **PUBLIC_ERRORS})
def problem_reports(
    request: UchastRequest,
    status: str = Query("", max_length=20, description="only reports in this status"),
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[ProblemReportOut]:
    """Newest first, as the page lists them (photos and updates are in the single report)."""
    if not request.user.has_perm("core.view_public"):
        raise PermissionDenied
    status = status if status in ReportStatus.values else ""
    rows = selectors.public_reports(request.community, status=status)[offset : offset + limit]
    return [report_out(r, detail=False) for r in rows]


@router.get("/problems/{report_id}", response={200: ProblemReportOut, **PUBLIC_ITEM_ERRORS})
def problem_report(request: UchastRequest, report_id: int) -> ProblemReportOut:
    if not request.user.has_perm("core.view_public"):
        raise PermissionDenied
    return report_out(selectors.access_report(request.community, report_id))


@router.post(
    "/problems",
    response={201: ProblemReportOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Report a problem (multipart, with an optional photo)")),
)
def report_problem(
    request: UchastRequest, payload: Form[ProblemReportIn], photo: File[UploadedFile | None] = None
) -> Status[ProblemReportOut]:
    """A place is required: an address or landmark, or a point (latitude and longitude)."""
    if not request.user.has_perm(AppealAction.REPORT.permission):
        raise PermissionDenied
    report = services.report_create(author=request.user, community=request.community, photo=photo, **payload.dict())
    return Status(201, report_out(report))


@router.post(
    "/problems/{report_id}/metoo",
    response={200: ProblemReportOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Say I have this problem too")),
)
def metoo(request: UchastRequest, report_id: int) -> ProblemReportOut:
    report = selectors.access_report(request.community, report_id)
    if not request.user.has_perm("appeals.metoo", report):
        raise PermissionDenied
    return report_out(services.report_metoo(report=report, user=request.user))


@router.post(
    "/problems/{report_id}/status",
    response={200: ProblemReportOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Update a problem report's status (staff)")),
)
def update_report_status(request: UchastRequest, report_id: int, payload: ProblemReportStatusIn) -> ProblemReportOut:
    require_staff(request, "appeals.update_report")
    report = selectors.access_report(request.community, report_id)
    updated = services.report_update_status(report=report, actor=request.user, status=payload.status, text=payload.text)
    return report_out(updated)
