"""Petitions' open data (issue 18): every public petition with its signature count and the council's
answer. Registered from ``PetitionsConfig.ready()``; authors' names and signers are not included."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from uchast.core.registry import Dataset, DataTable
from uchast.petitions.models import PUBLIC_STATUSES, Petition


def _petitions(community: Any) -> DataTable:
    columns = (
        "petition_id",
        "title",
        "text",
        "status",
        "published_at",
        "threshold",
        "signatures",
        "answer_due",
        "answer_outcome",
        "answer",
        "answered_at",
    )
    rows = (
        [
            p.pk,
            p.title,
            p.text,
            p.status,
            p.published_at,
            p.threshold,
            p.signature_count,
            p.answer_due,
            p.answer_outcome,
            p.answer_text,
            p.answered_at,
        ]
        for p in Petition.objects.filter(community=community, status__in=PUBLIC_STATUSES).order_by("pk").iterator()
    )
    return DataTable(columns, rows)


DATASETS = (
    Dataset(
        slug="petitions",
        title=_("Petitions and answers"),
        description=_(
            "Every published electronic petition: its text, status, signatures collected against the "
            "threshold, the answer deadline and the council's answer."
        ),
        frequency="daily",
        table=_petitions,
        keywords=("petitions",),
    ),
)
