"""Paper ballots: batches typed in by staff, double entry, and decisions on flagged ballots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.budget.errors import BudgetError
from uchast.budget.models import (
    Ballot,
    BallotChoice,
    BallotStatus,
    BudgetCycle,
    PaperBatch,
    PaperCheckEntry,
    Phase,
)
from uchast.budget.services.voting import take_voice, validate_selection
from uchast.budget.tokens import new_receipt_code, person_token
from uchast.core import audit
from uchast.eligibility.identity import IdentityNumberError
from uchast.verification.identity import identity_error_message, person_key_for
from uchast.verification.models import Channel


def paper_batch_create(*, cycle: BudgetCycle, actor: Any, number: str, place: str) -> PaperBatch:
    if cycle.status not in (Phase.VOTING, Phase.RESULTS) or cycle.results_published_at is not None:
        raise BudgetError(
            "phase_closed", _("Paper ballots are entered during voting and before results are published.")
        )
    if PaperBatch.objects.filter(cycle=cycle, number=number).exists():
        raise BudgetError("batch_exists", _("A batch with this number already exists."))
    with transaction.atomic():
        batch = PaperBatch.objects.create(cycle=cycle, number=number, place=place, entered_by=actor)
        audit.record(
            action="budget.paper_batch_created",
            actor=actor,
            obj=batch,
            community=cycle.community,
            summary={"number": number, "place": place},
        )
    return batch


def paper_person_key(kind: str, number: str) -> str:
    """The person key of the number on a paper ballot: the same key verification gives the person
    online, so one person has one voice online and on paper. Only person numbers (РНОКПП, else
    passport or birth certificate): an IDP certificate names no person."""
    try:
        return person_key_for(kind, number)
    except IdentityNumberError as error:
        raise BudgetError("identity_number", identity_error_message(error)) from error


def paper_ballot_enter(
    *,
    batch: PaperBatch,
    actor: Any,
    position: int,
    identity_kind: str,
    identity_number: str,
    project_ids: Iterable[int],
) -> Ballot:
    """Enter one paper ballot. The person's voice is taken in the participation register in the
    same transaction (``voting.take_voice``): a person who already voted (online or on paper) gets
    the new ballot flagged for the commission, unless the cycle's duplicate rule prefers paper, and
    two parallel entries of one person cannot both count. The ballot holds no identity, only the
    person token the duplicate rule needs until publication."""
    cycle = batch.cycle
    if cycle.results_published_at is not None:
        raise BudgetError("phase_closed", _("Results are published; no more paper ballots."))
    key = paper_person_key(identity_kind, identity_number)
    projects = validate_selection(cycle, project_ids)
    try:
        with transaction.atomic():
            # Never None for paper: a second paper ballot of a person is flagged, not refused.
            status = take_voice(cycle=cycle, person_key=key, channel=Channel.PAPER) or BallotStatus.FLAGGED
            ballot = Ballot.objects.create(
                cycle=cycle,
                person_token=person_token(cycle, key),
                receipt_code=new_receipt_code(),
                is_paper=True,
                batch=batch,
                batch_position=position,
                cast_on=timezone.localdate(),
                status=status,
            )
            BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, project=p) for p in projects)
            # That a ballot was entered, never which one of the batch (its position) or whose.
            audit.record(
                action="budget.paper_ballot_entered",
                actor=actor,
                obj=batch,
                community=cycle.community,
                summary={"flagged": status == BallotStatus.FLAGGED},
            )
    except IntegrityError as error:
        raise BudgetError("position_taken", _("This position in the batch is already entered.")) from error
    return ballot


def paper_check_enter(*, batch: PaperBatch, actor: Any, position: int, project_ids: Iterable[int]) -> PaperCheckEntry:
    """The second, independent entry of a paper ballot by another staff member."""
    if actor.pk == batch.entered_by_id:
        raise BudgetError("same_person", _("The second entry must be made by another staff member."))
    try:
        with transaction.atomic():
            entry = PaperCheckEntry.objects.create(
                batch=batch, batch_position=position, project_ids=sorted(int(i) for i in project_ids), entered_by=actor
            )
            if batch.checked_by_id is None:
                PaperBatch.objects.filter(pk=batch.pk).update(checked_by=actor)
    except IntegrityError as error:
        raise BudgetError("position_taken", _("This position is already checked.")) from error
    return entry


def ballot_resolve(*, ballot: Ballot, actor: Any, count_it: bool, reason: str) -> Ballot:
    """Staff decide on a flagged ballot (counted or not), with the reason on the audit log."""
    if ballot.status != BallotStatus.FLAGGED:
        raise BudgetError("not_flagged", _("Only flagged ballots are decided by staff."))
    if not reason.strip():
        raise BudgetError("reason_required", _("Give the reason for the decision."))
    with transaction.atomic():
        # Fresh and locked: two staff deciding at once decide once; and the ballots get new ids when
        # voting closes (``results.close_ballot_links``), so a page opened before is refused.
        fresh = Ballot.objects.select_for_update().filter(pk=ballot.pk).select_related("cycle__community").first()
        if fresh is None or fresh.status != BallotStatus.FLAGGED:
            raise BudgetError("not_flagged", _("Only flagged ballots are decided by staff."))
        ballot = fresh
        ballot.status = BallotStatus.COUNTED if count_it else BallotStatus.REJECTED
        ballot.save(update_fields=["status"])
        audit.record(
            action="budget.ballot_resolved",
            actor=actor,
            obj=ballot.cycle,
            community=ballot.cycle.community,
            summary={"ballot": str(ballot.pk), "counted": count_it, "reason": reason},
        )
    return ballot
