"""Petitions' numbers for ``/api/v1/statistics`` (issue 18): per month the petitions published and
the signatures given; the public petitions by their current state."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from uchast.core.registry import StatisticRow
from uchast.petitions.models import PUBLIC_STATUSES, Petition, Signature


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if value else ""


def petition_statistics(community: Any) -> list[StatisticRow]:
    public = Petition.objects.filter(community=community, status__in=PUBLIC_STATUSES)
    rows = [
        StatisticRow("petitions", "petitions", _month(p["month"]), "proposals", p["n"])
        for p in public.annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    ]
    rows += [
        StatisticRow("petitions", "petitions", _month(s["month"]), "signatures", s["n"])
        for s in Signature.objects.filter(petition__in=public)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    ]
    rows += [
        StatisticRow("petitions", "petitions", "", f"state:{s['status']}", s["n"])
        for s in public.values("status").annotate(n=Count("pk")).order_by("status")
    ]
    signers = Signature.objects.filter(petition__in=public).values("signer").distinct().count()
    rows.append(StatisticRow("petitions", "petitions", "", "participants", signers))
    return rows
