"""Consultations' open data (issue 18): the consultations, the proposals and the council's answers
(the report), survey results, and statements with their votes and the opinion map's groups.
Registered from ``ConsultationsConfig.ready()``; only consultations past preparation, hidden
contributions without their text, no names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from uchast.consultations import selectors
from uchast.consultations.models import Consultation, Phase
from uchast.core.registry import Dataset, DataTable


def _public(community: Any) -> Any:
    return Consultation.objects.filter(community=community).exclude(phase=Phase.DRAFT).order_by("pk")


def _consultations(community: Any) -> DataTable:
    columns = (
        "consultation_id",
        "title",
        "summary",
        "phase",
        "audience",
        "starts_at",
        "ends_at",
        "responsible_official",
    )
    rows = (
        [c.pk, c.title, c.summary, c.phase, c.audience, c.starts_at, c.ends_at, c.responsible_name]
        for c in _public(community)
    )
    return DataTable(columns, rows)


_PROPOSAL_COLUMNS = (
    "id",
    "kind",
    "version",
    "section",
    "meeting",
    "text",
    "proposed_wording",
    "supports",
    "answer",
    "answer_reason",
    "hidden_reason",
)


def _proposals(community: Any) -> DataTable:
    def rows() -> Iterator[list[Any]]:
        for consultation in _public(community):
            for proposal in selectors.report_proposals(consultation):
                row = selectors.proposal_row(proposal)
                yield [consultation.pk, *(row[c] for c in _PROPOSAL_COLUMNS)]

    return DataTable(("consultation_id", *_PROPOSAL_COLUMNS), rows())


def _surveys(community: Any) -> DataTable:
    columns = (
        "consultation_id",
        "survey_id",
        "survey",
        "responses",
        "question_id",
        "question",
        "kind",
        "answered",
        "mean",
        "option",
        "count",
    )

    def rows() -> Iterator[list[Any]]:
        for consultation in _public(community):
            for survey in selectors.survey_aggregates(consultation):
                for q in survey["questions"]:
                    head = [
                        consultation.pk,
                        survey["id"],
                        survey["title"],
                        survey["responses"],
                        q["id"],
                        q["text"],
                        q["kind"],
                        q["answered"],
                        q["mean"],
                    ]
                    for option in q["options"] or [{"label": "", "count": None}]:
                        yield [*head, option["label"], option["count"]]

    return DataTable(columns, rows())


def _statements(community: Any) -> DataTable:
    columns = ("consultation_id", "statement_id", "text", "agree", "disagree", "pass", "groups")

    def rows() -> Iterator[list[Any]]:
        for consultation in _public(community):
            groups = _groups_of(consultation)
            for s in selectors.statement_aggregates(consultation):
                yield [
                    consultation.pk,
                    s["id"],
                    s["text"],
                    s["agree"],
                    s["disagree"],
                    s["pass"],
                    json.dumps(groups.get(s["id"], []), ensure_ascii=False),
                ]

    return DataTable(columns, rows())


def _groups_of(consultation: Consultation) -> dict[int, list[dict[str, Any]]]:
    """Per statement, the opinion groups it represents: group id, its size and the direction."""
    snapshot = getattr(consultation, "opinion", None)
    data = snapshot.data if snapshot is not None else {}
    sizes = {g["id"]: g["size"] for g in data.get("groups", [])}
    found: dict[int, list[dict[str, Any]]] = {}
    for entry in data.get("representative", []):
        for s in entry["statements"]:
            found.setdefault(s["statement_id"], []).append(
                {"group": entry["group_id"], "group_size": sizes.get(entry["group_id"]), "direction": s["direction"]}
            )
    return found


DATASETS = (
    Dataset(
        slug="consultations",
        title=_("Public consultations"),
        description=_("Every announced consultation: subject, summary, phase, who may take part and its dates."),
        frequency="daily",
        table=_consultations,
        keywords=("consultations",),
    ),
    Dataset(
        slug="consultation-proposals",
        title=_("Consultations: proposals and the council's answers"),
        description=_(
            "Every proposal on a draft with its supports and the answer of the council (the report). "
            "A hidden proposal keeps only the moderator's reason."
        ),
        frequency="daily",
        table=_proposals,
        keywords=("consultations", "proposals", "report"),
    ),
    Dataset(
        slug="consultation-surveys",
        title=_("Consultations: survey results"),
        description=_(
            "For every survey question the number of answers, the mean of a scale and each option's "
            "count. Free-text answers are not included."
        ),
        frequency="daily",
        table=_surveys,
        keywords=("consultations", "surveys"),
    ),
    Dataset(
        slug="consultation-statements",
        title=_("Consultations: statements and opinion groups"),
        description=_(
            "Every statement residents voted on, with the agree, disagree and pass counts and the "
            "opinion-map groups it represents."
        ),
        frequency="daily",
        table=_statements,
        keywords=("consultations", "opinion map"),
    ),
)
