"""API of appeals: filing and following one's appeals, answering (staff), published answers and
public statistics. Personal fields are returned only to those who may see them (and the read is logged)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED
from uchast.appeals import selectors, services
from uchast.appeals.actions import AppealAction
from uchast.appeals.models import Appeal
from uchast.core.api.operations import PUBLIC_ERRORS, PUBLIC_ITEM_ERRORS, SIGNED_IN_ERRORS, WRITE_ERRORS
from uchast.core.web import UchastRequest

router = Router(tags=["appeals"])

MAX_PAGE = 200
MAX_OFFSET = 1_000_000_000


class AppealIn(Schema):
    kind: str
    subject: str
    text: str
    full_name: str
    residence: str
    contact: str
    topic: str = "other"
    displaced: bool = False
    current_address: str = ""
    publish: bool = False
    priority: str = ""
    cosigner_emails: list[str] = []


class AppealOut(Schema):
    """An appeal; the personal part (``personal``) is null for a reader who sees only the published text."""

    id: int
    reg_number: str | None
    kind: str
    topic: str
    subject: str
    text: str
    status: str
    received_on: date | None
    due_date: date | None
    extension_reasons: str
    forwarded_to: str
    answer_text: str
    answered_at: datetime | None
    repeated: bool
    url: str
    personal: dict[str, Any] | None


class AppealAnswerIn(Schema):
    text: str


class PublishedOut(Schema):
    id: int
    subject: str
    topic: str
    answer_text: str
    answered_at: datetime | None
    url: str


class CountRow(Schema):
    key: str
    total: int
    answered: int


class StatisticsOut(Schema):
    total: int
    answered: int
    answered_on_time_percent: int | None
    average_answer_days: float | None
    overdue_now: int
    by_month: list[CountRow]
    by_topic: list[CountRow]
    by_department: list[CountRow]


def appeal_out(appeal: Appeal, personal: bool) -> AppealOut:
    return AppealOut(
        id=appeal.pk,
        reg_number=appeal.reg_number if personal else None,
        kind=appeal.kind,
        topic=appeal.topic,
        subject=appeal.subject,
        text=appeal.text,
        status=appeal.status,
        received_on=appeal.received_on if personal else None,
        due_date=appeal.due_date if personal else None,
        extension_reasons=appeal.extension_reasons if personal else "",
        forwarded_to=appeal.forwarded_to if personal else "",
        answer_text=appeal.answer_text,
        answered_at=appeal.answered_at,
        repeated=appeal.repeated_of_id is not None,
        url=appeal.get_absolute_url(),
        personal={
            "full_name": appeal.full_name,
            "residence": appeal.residence,
            "displaced": appeal.displaced,
            "current_address": appeal.current_address,
            "contact": appeal.contact,
            "priority": appeal.priority,
            "priority_check": appeal.priority_check,
            "publish": appeal.publish,
            "rating": appeal.rating,
        }
        if personal
        else None,
    )


@router.post("/", response={201: AppealOut, **SIGNED_IN_ERRORS}, auth=AUTHENTICATED)
def file_appeal(request: UchastRequest, payload: AppealIn) -> Status:
    if not request.user.has_perm(AppealAction.FILE.permission):
        raise PermissionDenied
    draft = services.AppealDraft(**payload.dict())
    appeal = services.appeal_file(author=request.user, community=request.community, draft=draft)
    return Status(201, appeal_out(appeal, True))


@router.get("/mine", response={200: list[AppealOut], **SIGNED_IN_ERRORS}, auth=AUTHENTICATED)
def my_appeals(
    request: UchastRequest,
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[AppealOut]:
    """Following one's appeals: status, terms, answer. Not logged per row: the person reads their own."""
    appeals = selectors.appeals_of(request.user, request.community)[offset : offset + limit]
    return [appeal_out(a, True) for a in appeals]


@router.get("/published", response={200: list[PublishedOut], **PUBLIC_ERRORS})
def published(
    request: UchastRequest,
    q: str = "",
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[PublishedOut]:
    if not request.user.has_perm("core.view_public"):
        raise PermissionDenied
    rows = selectors.published_answers(request.community, q)[offset : offset + limit]
    return [
        PublishedOut(
            id=a.pk,
            subject=a.subject,
            topic=a.topic,
            answer_text=a.answer_text,
            answered_at=a.answered_at,
            url=a.get_absolute_url(),
        )
        for a in rows
    ]


@router.get("/statistics", response={200: StatisticsOut, **PUBLIC_ERRORS})
def statistics(request: UchastRequest) -> StatisticsOut:
    if not request.user.has_perm("core.view_public"):
        raise PermissionDenied
    stats = selectors.statistics(request.community)

    def rows(items: list[dict[str, Any]], key: str) -> list[CountRow]:
        return [CountRow(key=str(r[key] or ""), total=r["total"], answered=r["answered"]) for r in items]

    return StatisticsOut(
        total=stats.total,
        answered=stats.answered,
        answered_on_time_percent=stats.on_time_share,
        average_answer_days=stats.average_days,
        overdue_now=stats.overdue_open,
        by_month=[
            CountRow(key=r["month"].strftime("%Y-%m") if r["month"] else "", total=r["total"], answered=r["answered"])
            for r in stats.by_month
        ],
        by_topic=rows(stats.by_topic, "topic"),
        by_department=rows(stats.by_department, "department__name"),
    )


# The int converter: "/problems" (problem reports) is not an appeal id.
@router.get("/{int:appeal_id}", response={200: AppealOut, **PUBLIC_ITEM_ERRORS})
def get_appeal(request: UchastRequest, appeal_id: int) -> AppealOut:
    appeal, personal = selectors.access_appeal(request.user, request.community, appeal_id, what="api")
    return appeal_out(appeal, personal)


@router.post(
    "/{appeal_id}/answer",
    response={200: AppealOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
)
def answer_appeal(request: UchastRequest, appeal_id: int, payload: AppealAnswerIn) -> AppealOut:
    appeal, _personal = selectors.access_appeal(request.user, request.community, appeal_id, what="api-answer")
    if not request.user.has_perm("appeals.handle", appeal):
        raise PermissionDenied
    appeal = services.appeal_answer(appeal=appeal, actor=request.user, text=payload.text)
    return appeal_out(appeal, True)


# The other operations, registered on this router: the actions on an appeal, and problem reports.
from uchast.appeals import api_actions as _api_actions  # noqa: E402, F401
from uchast.appeals import api_reports as _api_reports  # noqa: E402, F401
