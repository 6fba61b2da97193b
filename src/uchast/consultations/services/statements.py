"""Statements and their votes; the opinion map is recomputed by a task, debounced, never in a request."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.consultations.actions import ConsultationAction
from uchast.consultations.models import Consultation, OpinionSnapshot, Statement, StatementVote
from uchast.consultations.services.common import MAX_STATEMENT_LENGTH, clean_text, require_open, require_participant
from uchast.core import audit
from uchast.core.errors import ActionRefused

#: Debounce of the opinion map: recompute after this many new votes, or when the stored map is
#: older than this many seconds and any vote arrived since. Never on every vote.
OPINION_RECOMPUTE_VOTES = 10
OPINION_RECOMPUTE_SECONDS = 60


def statement_create(*, author: Any, consultation: Consultation, text: str, by_council: bool = False) -> Statement:
    """A statement others vote on. Residents add them under the conditions of statement voting; the
    council seeds them (``by_council``: the view grants it to those with ``consultations.manage``)."""
    require_open(consultation, _("You cannot add statements: the consultation is not open or you are not eligible."))
    if not by_council:
        require_participant(author, consultation, ConsultationAction.VOTE_STATEMENT)
    value = clean_text(text, limit=MAX_STATEMENT_LENGTH, empty_message=_("Write the statement before sending."))
    try:
        with transaction.atomic():
            statement = Statement.objects.create(consultation=consultation, text=value, author=author)
            audit.record(
                action="consultations.statement_created",
                actor=author,
                obj=statement,
                community=consultation.community,
                summary={},
            )
    except IntegrityError:
        raise ActionRefused("duplicate", _("This statement is already there; vote on it instead.")) from None
    return statement


def statement_vote(*, user: Any, statement: Statement, value: int) -> StatementVote:
    """Vote, or change a vote (one per person per statement, by constraint). The opinion map is
    recomputed by a task when enough has changed, never in this request."""
    consultation = statement.consultation
    require_open(consultation, _("You cannot vote: the consultation is not open or you are not eligible."))
    require_participant(user, consultation, ConsultationAction.VOTE_STATEMENT)
    if statement.is_hidden:
        raise ActionRefused("hidden", _("This statement was hidden by a moderator."))
    if value not in (-1, 0, 1):
        raise ActionRefused("value", _("Choose agree, disagree or pass."))
    with transaction.atomic():
        vote, created = StatementVote.objects.update_or_create(
            statement=statement, user=user, defaults={"value": value, "consultation": consultation}
        )
        if created:
            Consultation.objects.filter(pk=consultation.pk).update(vote_count=F("vote_count") + 1)
        OpinionSnapshot.objects.get_or_create(consultation=consultation)
    transaction.on_commit(lambda: enqueue_opinion(consultation.pk))
    return vote


def opinion_recompute_due(snapshot: OpinionSnapshot, vote_count: int, now: datetime | None = None) -> bool:
    changed = vote_count - snapshot.votes_at_compute
    if snapshot.computed_at is None:
        return vote_count > 0
    if changed >= OPINION_RECOMPUTE_VOTES:
        return True
    now = now or timezone.now()
    return changed > 0 and now - snapshot.computed_at >= timedelta(seconds=OPINION_RECOMPUTE_SECONDS)


def enqueue_opinion(consultation_id: int, *, force: bool = False) -> None:
    """Enqueue a recomputation of the opinion map when it is due (``force``: now, e.g. at closing)."""
    from uchast.consultations.tasks import recompute_opinion_map

    if not force:
        snapshot = OpinionSnapshot.objects.filter(consultation_id=consultation_id).first()
        votes = Consultation.objects.filter(pk=consultation_id).values_list("vote_count", flat=True).first() or 0
        if snapshot is None or not opinion_recompute_due(snapshot, votes):
            return
        # One pending task per consultation at a time.
        if not cache.add(f"consultations:opinion-pending:{consultation_id}", 1, timeout=OPINION_RECOMPUTE_SECONDS):
            return
    recompute_opinion_map.enqueue(consultation_id)
