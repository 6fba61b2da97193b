"""Consultations' numbers for ``/api/v1/statistics`` (issue 18): per consultation and month the
proposals made; per consultation the participants (people who proposed, supported or voted)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from uchast.consultations.models import Consultation, Phase, Proposal, ProposalSupport, StatementVote
from uchast.core.registry import StatisticRow


def consultation_statistics(community: Any) -> list[StatisticRow]:
    rows: list[StatisticRow] = []
    public = Consultation.objects.filter(community=community).exclude(phase=Phase.DRAFT)
    proposals = (
        Proposal.objects.filter(consultation__in=public)
        .annotate(month=TruncMonth("created_at"))
        .values("consultation_id", "month")
        .annotate(n=Count("pk"))
        .order_by("consultation_id", "month")
    )
    rows += [
        StatisticRow(
            "consultations", f"consultation:{p['consultation_id']}", f"{p['month']:%Y-%m}", "proposals", p["n"]
        )
        for p in proposals
    ]
    for consultation in public.order_by("pk"):
        people = set(
            Proposal.objects.filter(consultation=consultation, author__isnull=False).values_list("author_id", flat=True)
        )
        people |= set(
            ProposalSupport.objects.filter(proposal__consultation=consultation).values_list("user_id", flat=True)
        )
        people |= set(StatementVote.objects.filter(consultation=consultation).values_list("user_id", flat=True))
        rows.append(StatisticRow("consultations", f"consultation:{consultation.pk}", "", "participants", len(people)))
    return rows
