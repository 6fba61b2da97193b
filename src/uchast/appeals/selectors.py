"""Reads of appeals and problem reports. A read of an appeal's personal data is logged here, where
every path to it passes (``access_appeal``), so no view can forget it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from uchast.appeals.models import (
    OPEN_STATUSES,
    AccessLog,
    Appeal,
    AppealFile,
    CoSigner,
    Department,
    ProblemReport,
    Status,
)
from uchast.core.models import Community


def access_appeal(user: Any, community: Community, pk: int, *, what: str = "detail") -> tuple[Appeal, bool]:
    """The appeal and whether ``user`` sees its personal data; 404 when they may not see it at all.
    Every read with personal data leaves a row on the access log."""
    appeal = (
        Appeal.objects.select_related("author", "community", "department", "repeated_of", "complaint_about")
        .filter(community=community, pk=pk)
        .first()
    )
    if appeal is None or not user.has_perm("appeals.view_appeal", appeal):
        raise Http404
    personal = user.has_perm("appeals.view_personal", appeal)
    if personal:
        AccessLog.objects.create(appeal=appeal, user=user, what=what)
    return appeal, personal


def appeal_file_of(appeal: Appeal, file_pk: int) -> AppealFile:
    stored = AppealFile.objects.filter(appeal=appeal, pk=file_pk).first()
    if stored is None:
        raise Http404
    return stored


def appeals_of(user: Any, community: Community) -> QuerySet[Appeal]:
    """The person's own appeals and those they co-sign (while the co-signature stands)."""
    if not getattr(user, "is_authenticated", False):
        return Appeal.objects.none()
    cosigned = CoSigner.objects.filter(user=user, confirmed_at__isnull=False, withdrawn_at__isnull=True)
    return (
        Appeal.objects.filter(community=community)
        .filter(Q(author=user) | Q(pk__in=cosigned.values("appeal")))
        .order_by("-received_on", "-pk")
    )


def invitations_of(user: Any, community: Community) -> QuerySet[CoSigner]:
    if not getattr(user, "is_authenticated", False):
        return CoSigner.objects.none()
    return CoSigner.objects.filter(
        user=user, appeal__community=community, confirmed_at__isnull=True, appeal__status__in=OPEN_STATUSES
    ).select_related("appeal")


def departments_of(user: Any, community: Community) -> QuerySet[Department]:
    return Department.objects.filter(community=community).filter(Q(members=user) | Q(head=user)).distinct()


#: The staff queue's order, priority first, then by term: a keyset (``core.pagination.keyset_page``).
#: ``priority_check`` is a non-null text ("" when not claimed), so plain ``-priority_check`` sorts as
#: the former ``desc(nulls_last=True)`` did and a cursor can compare it.
STAFF_QUEUE_ORDER = ("-priority_check", "due_date", "pk")
OVERDUE_ORDER = ("due_date", "pk")
PUBLISHED_ORDER = ("-answered_at", "-pk")  # a published answer always has ``answered_at``
REPORTS_ORDER = ("-created_at", "-pk")


def staff_queue(user: Any, community: Community) -> QuerySet[Appeal]:
    """Open appeals of the official's departments (unrouted ones for the registry): priority first,
    then by term. ``overdue`` is computed by the template from ``due_date``. The view shows one
    keyset page of it (a city registry has thousands open)."""
    mine = departments_of(user, community)
    condition = Q(department__in=mine)
    if mine.filter(is_registry=True).exists():
        condition |= Q(department__isnull=True)
    return (
        Appeal.objects.filter(community=community, status__in=OPEN_STATUSES)
        .filter(condition)
        .select_related("department")
        .order_by(*STAFF_QUEUE_ORDER)
    )


def overdue_for_head(user: Any, community: Community) -> QuerySet[Appeal]:
    return Appeal.objects.filter(
        community=community, status__in=OPEN_STATUSES, department__head=user, due_date__lt=timezone.localdate()
    ).order_by(*OVERDUE_ORDER)


def published_answers(community: Community, query: str = "") -> QuerySet[Appeal]:
    qs = Appeal.objects.filter(community=community, publish=True, status=Status.ANSWERED)
    query = " ".join(query.split())[:100]
    if query:
        qs = qs.filter(Q(subject__icontains=query) | Q(answer_text__icontains=query))
    return qs.order_by(*PUBLISHED_ORDER)


def public_reports(community: Community, *, status: str = "") -> QuerySet[ProblemReport]:
    qs = ProblemReport.objects.filter(community=community)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(*REPORTS_ORDER)


def access_report(community: Community, pk: int) -> ProblemReport:
    report = ProblemReport.objects.filter(community=community, pk=pk).first()
    if report is None:
        raise Http404
    return report


@dataclass(frozen=True)
class Statistics:
    total: int
    answered: int
    on_time: int
    overdue_open: int
    average_days: float | None
    by_month: list[dict[str, Any]]
    by_topic: list[dict[str, Any]]
    by_department: list[dict[str, Any]]

    @property
    def on_time_share(self) -> int | None:
        return round(100 * self.on_time / self.answered) if self.answered else None


def _counts(qs: QuerySet[Appeal], key: str, order: str) -> list[dict[str, Any]]:
    rows = (
        qs.values(key)
        .annotate(total=Count("pk"), answered=Count("pk", filter=Q(status=Status.ANSWERED)))
        .order_by(order, key)
    )
    return [dict(row) for row in rows]


def statistics(community: Community, today: date | None = None) -> Statistics:
    """Counts only: nothing personal (no names, no texts, no numbers of single appeals)."""
    day = today or timezone.localdate()
    qs = Appeal.objects.filter(community=community)
    answered = qs.filter(status=Status.ANSWERED)
    duration = ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
    average = answered.aggregate(avg=Avg(duration))["avg"]
    return Statistics(
        total=qs.count(),
        answered=answered.count(),
        on_time=answered.filter(answered_on_time=True).count(),
        overdue_open=qs.filter(status__in=OPEN_STATUSES, due_date__lt=day).count(),
        average_days=round(average.total_seconds() / 86400, 1) if average is not None else None,
        by_month=_counts(qs.annotate(month=TruncMonth("received_on")), "month", "-month")[:24],
        by_topic=_counts(qs, "topic", "-total"),
        by_department=_counts(qs, "department__name", "-total"),
    )


def personal_data(user: Any) -> dict[str, Any]:
    """The person's appeals with what they wrote, co-signatures, problem reports and "me too"s, and
    who read their appeals (the access log is theirs to see too)."""
    appeals = Appeal.objects.filter(author=user).order_by("pk")
    return {
        "appeals": [
            {
                "reg_number": a.reg_number,
                "received_on": a.received_on.isoformat(),
                "kind": a.kind,
                "subject": a.subject,
                "text": a.text,
                "full_name": a.full_name,
                "residence": a.residence,
                "current_address": a.current_address,
                "contact": a.contact,
                "status": a.status,
                "answer": a.answer_text,
                "reads": [
                    {"at": r.at.isoformat(), "what": r.what} for r in AccessLog.objects.filter(appeal=a).order_by("pk")
                ],
            }
            for a in appeals
        ],
        "cosigned": [c.appeal.reg_number for c in CoSigner.objects.filter(user=user).select_related("appeal")],
        "problem_reports": [
            {"title": r.title, "created_at": r.created_at.isoformat()}
            for r in ProblemReport.objects.filter(author=user).order_by("pk")
        ],
    }
