"""The budget's numbers for ``/api/v1/statistics`` (issue 18): per cycle and month, projects
submitted and ballots counted online and on paper; per cycle the participants (ballots counted:
one per person). Only cycles past preparation; ballots only once voting has opened."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from uchast.budget.models import PUBLIC_STATUSES, Ballot, BallotStatus, Phase, Project
from uchast.core.registry import StatisticRow


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if value else ""


def budget_statistics(community: Any) -> list[StatisticRow]:
    rows: list[StatisticRow] = []
    projects = (
        Project.objects.filter(cycle__community=community, status__in=PUBLIC_STATUSES, submitted_at__isnull=False)
        .exclude(cycle__status=Phase.DRAFT)
        .annotate(month=TruncMonth("submitted_at"))
        .values("cycle__year", "month")
        .annotate(n=Count("pk"))
        .order_by("cycle__year", "month")
    )
    rows += [
        StatisticRow("budget", f"budget:{p['cycle__year']}", _month(p["month"]), "proposals", p["n"]) for p in projects
    ]
    ballots = (
        Ballot.objects.filter(cycle__community=community, status=BallotStatus.COUNTED)
        .annotate(month=TruncMonth("cast_on"))
        .values("cycle__year", "month", "is_paper")
        .annotate(n=Count("pk"))
        .order_by("cycle__year", "month", "is_paper")
    )
    participants: dict[int, int] = {}
    for b in ballots:
        measure = "votes_paper" if b["is_paper"] else "votes_online"
        rows.append(StatisticRow("budget", f"budget:{b['cycle__year']}", _month(b["month"]), measure, b["n"]))
        participants[b["cycle__year"]] = participants.get(b["cycle__year"], 0) + b["n"]
    rows += [StatisticRow("budget", f"budget:{year}", "", "participants", n) for year, n in participants.items()]
    return rows
