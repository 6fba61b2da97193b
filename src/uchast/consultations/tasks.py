"""Background work: the opinion map (numpy; set ``OPENBLAS_NUM_THREADS=1`` for task workers)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from uchast.consultations.models import Consultation, OpinionSnapshot, StatementVote
from uchast.consultations.opinionmap import layout_warm
from uchast.opinion import VoteMatrix, compute_opinion_map

MIN_VOTES_PER_PARTICIPANT = 7


def build_opinion_data(consultation: Consultation) -> dict[str, Any]:
    """Compute the map from the votes on visible statements. Participants appear by pseudonym
    (1, 2, ... in order of their first vote), never by account id."""
    rows = list(
        StatementVote.objects.filter(consultation=consultation, statement__is_hidden=False)
        .order_by("pk")
        .values_list("user_id", "statement_id", "value")
    )
    if not rows:
        return {}
    pseudonym: dict[int, int] = {}
    for user_id, _statement, _value in rows:
        pseudonym.setdefault(user_id, len(pseudonym) + 1)
    # The unique constraint guarantees one row per (person, statement): the latest vote.
    matrix = VoteMatrix.from_triples([pseudonym[r[0]] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    result = compute_opinion_map(matrix, min_votes_per_participant=MIN_VOTES_PER_PARTICIPANT, seed=0, max_groups=5)
    data = result.to_json()
    for group in data["groups"]:
        group.pop("participant_ids", None)
    data["participant_count"] = len(pseudonym)
    data["vote_count"] = len(rows)
    return data


@task()
def recompute_opinion_map(consultation_id: int) -> None:
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    cache.delete(f"consultations:opinion-pending:{consultation_id}")
    if consultation is None:
        return
    refresh_opinion_now(consultation)


def refresh_opinion_now(consultation: Consultation) -> None:
    """Recompute and store the map in this process (the task, the demo, and tests call this)."""
    consultation.refresh_from_db(fields=["vote_count"])
    votes_before = consultation.vote_count
    data = build_opinion_data(consultation)
    snapshot, _created = OpinionSnapshot.objects.update_or_create(
        consultation=consultation,
        defaults={
            "data": data,
            "computed_at": timezone.now(),
            "votes_at_compute": votes_before,
            "participants": int(data.get("participant_count", 0)),
        },
    )
    layout_warm(snapshot)
