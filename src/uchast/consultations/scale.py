"""Scale data (``uchast demo --scale``): two open consultations per 1,500 residents, made through
the services (draft, sections, phases, council statements, residents' proposals), with statement
votes and proposal supports written in bulk as ``statement_vote`` and ``proposal_support`` write
them: one row per person and statement (or proposal), the counters (``Consultation.vote_count``,
``Proposal.support_count``) raised by the rows added; the opinion map is computed at the end.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F

from uchast.consultations import services
from uchast.consultations.demo import DRAFT, STATEMENTS, _dt
from uchast.consultations.drafts import sections_from_markdown
from uchast.consultations.models import Consultation, OpinionSnapshot, Proposal, ProposalSupport, StatementVote
from uchast.consultations.tasks import refresh_opinion_now

#: Consultations grow with the square root of the size (2 at N = 1, 20 at N = 100): a city holds more
#: of them than a village, not a hundred times more.
CONSULTATIONS_PER_BASE = 2
PROPOSALS_PER_CONSULTATION = 15
#: Statement votes grow with the residents: 0.6 of the verified residents take part in some
#: consultation, spread over them.
VOTERS_SHARE = 0.6
SUBJECTS = [
    "Про Програму підтримки внутрішньо переміщених осіб",
    "Про Програму відновлення житла",
    "Про Правила благоустрою",
    "Про Стратегію розвитку громади",
    "Про Програму енергонезалежності закладів освіти",
]


def _open(context: Any, n: int) -> Consultation:
    official = context.demo.staff["official"]
    subject = f"{SUBJECTS[n % len(SUBJECTS)]} (проєкт № {n + 1})"
    c = services.consultation_create(
        actor=official,
        community=context.community,
        title=subject,
        summary="Проєкт рішення міської ради винесено на публічне обговорення.",
        starts_at=_dt(-10),
        ends_at=_dt(20, 18),
        responsible_name="Андрій Мельник, начальник відділу",
        responsible_contacts="rada@zoriansk.example.org",
    )
    text = re.sub(r"^(?!#)(.*\S)\n(?=[^\n#])", r"\1 ", DRAFT, flags=re.MULTILINE)
    services.draft_version_publish(actor=official, consultation=c, sections=sections_from_markdown(text))
    c = services.consultation_advance(actor=official, consultation=c)
    return services.consultation_advance(actor=official, consultation=c)


def _proposals(context: Any, consultation: Consultation, authors: list[Any]) -> list[Proposal]:
    sections = list(consultation.versions.get().sections.order_by("position"))
    return [
        services.proposal_create(
            author=authors[(consultation.pk * 7 + k) % len(authors)],
            section=sections[k % len(sections)],
            body=f"Пропоную уточнити розділ «{sections[k % len(sections)].heading}»: пропозиція № {k + 1}.",
        )
        for k in range(PROPOSALS_PER_CONSULTATION)
    ]


def _votes(context: Any, consultation: Consultation, proposals: list[Proposal]) -> int:
    rng, official = context.rng, context.demo.staff["official"]
    statements = [
        services.statement_create(author=official, by_council=True, consultation=consultation, text=t)
        for t in STATEMENTS
    ]
    verified = context.verified()
    per_consultation = round(len(verified) * VOTERS_SHARE / _how_many(context))
    voters = rng.sample(verified, min(len(verified), per_consultation))
    votes = []
    for index, voter in enumerate(voters):
        leaning = 1 if index % 3 else -1  # two opinion groups, as in the demo
        for position, statement in enumerate(statements):
            if rng.random() < 0.6:
                view = leaning if position % 2 else -leaning
                votes.append(
                    StatementVote(
                        statement=statement,
                        consultation=consultation,
                        user_id=voter.user_id,
                        value=view if rng.random() > 0.15 else 0,
                    )
                )
    StatementVote.objects.bulk_create(votes, batch_size=5000)
    Consultation.objects.filter(pk=consultation.pk).update(vote_count=F("vote_count") + len(votes))
    OpinionSnapshot.objects.get_or_create(consultation=consultation)
    for proposal in proposals:
        supporters = [
            v for v in rng.sample(voters, min(len(voters), rng.randrange(40))) if v.user_id != proposal.author_id
        ]
        ProposalSupport.objects.bulk_create(ProposalSupport(proposal=proposal, user_id=v.user_id) for v in supporters)
        Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + len(supporters))
    return len(votes)


def _how_many(context: Any) -> int:
    return max(1, round(CONSULTATIONS_PER_BASE * context.scale**0.5))


def load_scale(context: Any) -> None:
    verified = context.verified()
    authors = list(get_user_model().objects.filter(pk__in=[r.user_id for r in verified[:300]]).order_by("pk"))
    total = proposals = 0
    consultations = [_open(context, n) for n in range(_how_many(context))]
    for consultation in consultations:
        made = _proposals(context, consultation, authors)
        total += _votes(context, consultation, made)
        proposals += len(made)
    for consultation in consultations:
        refresh_opinion_now(consultation)
    context.counts["consultations"] = len(consultations)
    context.counts["proposals"] = proposals
    context.counts["statement votes"] = total
