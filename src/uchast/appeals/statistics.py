"""Appeals' numbers for ``/api/v1/statistics`` (issue 18, item 4: "appeals answered on time"), beside
the other modules' rows: per month of registration the appeals received, answered on time and answered
late; and the open appeals past their term now. Counts only, as on ``/appeals/statistics/``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from uchast.appeals.models import OPEN_STATUSES, Appeal
from uchast.core.registry import StatisticRow


def appeal_statistics(community: Any) -> list[StatisticRow]:
    appeals = Appeal.objects.filter(community=community)
    rows: list[StatisticRow] = []
    per_month = (
        appeals.annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(answered_on_time=True)),
            late=Count("pk", filter=Q(answered_on_time=False)),
        )
        .order_by("month")
    )
    for r in per_month:
        month = r["month"].strftime("%Y-%m") if r["month"] else ""
        rows += [
            StatisticRow("appeals", "appeals", month, "received", r["total"]),
            StatisticRow("appeals", "appeals", month, "answered_on_time", r["on_time"]),
            StatisticRow("appeals", "appeals", month, "answered_late", r["late"]),
        ]
    overdue = appeals.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate()).count()
    rows.append(StatisticRow("appeals", "appeals", "", "overdue_open", overdue))
    return rows
