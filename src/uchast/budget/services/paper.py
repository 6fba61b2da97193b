"""Paper ballots: batches typed in by staff, double entry, and decisions on flagged ballots.

Paper ballots are entered while voting is open and go into the same sealed store as online ones
(``budget.sealing``). Double entry compares keyed digests of the two entries (``check_digest`` on
the ballot, ``PaperCheckEntry.digest``), erased as soon as they agree; a disagreement is settled by
``paper_mismatch_resolve`` (a third look at the paper), and counting refuses while any is left."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.budget.errors import BudgetError
from uchast.budget.models import (
    Ballot,
    BallotStatus,
    BudgetCycle,
    CategoryResult,
    PaperBatch,
    PaperCheckEntry,
    Phase,
)
from uchast.budget.sealing import paper_digest, seal_choices
from uchast.budget.services.voting import take_voice, validate_selection
from uchast.budget.tokens import new_receipt_code, person_token
from uchast.core import audit
from uchast.eligibility.identity import IdentityNumberError
from uchast.verification.identity import identity_error_message, person_key_for
from uchast.verification.models import Channel


def _refuse_unless_voting(cycle: BudgetCycle) -> None:
    """Paper entry closes when voting ends: what is counted is fixed before the count."""
    if cycle.status != Phase.VOTING:
        raise BudgetError("phase_closed", _("Paper ballots are entered only while voting is open."))


def paper_batch_create(*, cycle: BudgetCycle, actor: Any, number: str, place: str) -> PaperBatch:
    _refuse_unless_voting(cycle)
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
    cycle = BudgetCycle.objects.select_related("community").get(pk=batch.cycle_id)
    _refuse_unless_voting(cycle)
    key = paper_person_key(identity_kind, identity_number)
    ids = [p.pk for p in validate_selection(cycle, project_ids)]
    digest = paper_digest(batch.pk, position, ids)
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
                sealed=seal_choices(cycle, ids),
                check_digest=digest,
                cast_on=timezone.localdate(),
                status=status,
            )
            _match(batch, position, digest)
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


def _match(batch: PaperBatch, position: int, digest: str) -> bool:
    """When both entries of a position exist and agree, mark them matched and erase both digests
    (with the database and ``VOTER_TOKEN_KEY`` the few possible choices could be tried against
    them). True when they agreed."""
    entry = PaperCheckEntry.objects.filter(batch=batch, batch_position=position, matched=False).first()
    ballot = Ballot.objects.filter(batch=batch, batch_position=position).exclude(check_digest="").first()
    if entry is None or ballot is None or not (entry.digest == ballot.check_digest == digest):
        return False
    PaperCheckEntry.objects.filter(pk=entry.pk).update(digest="", matched=True)
    Ballot.objects.filter(pk=ballot.pk).update(check_digest="")
    return True


def paper_check_enter(*, batch: PaperBatch, actor: Any, position: int, project_ids: Iterable[int]) -> PaperCheckEntry:
    """The second, independent entry of a paper ballot by another staff member (until the count)."""
    if actor.pk == batch.entered_by_id:
        raise BudgetError("same_person", _("The second entry must be made by another staff member."))
    cycle = batch.cycle
    if (
        cycle.status not in (Phase.VOTING, Phase.RESULTS)
        or CategoryResult.objects.filter(category__cycle=cycle).exists()
    ):
        raise BudgetError("check_closed", _("Second entries are made while voting is open and before the count."))
    ids = sorted(set(int(i) for i in project_ids))
    digest = paper_digest(batch.pk, position, ids)
    try:
        with transaction.atomic():
            entry = PaperCheckEntry.objects.create(
                batch=batch, batch_position=position, digest=digest, entered_by=actor
            )
            if batch.checked_by_id is None:
                PaperBatch.objects.filter(pk=batch.pk).update(checked_by=actor)
            if _match(batch, position, digest):
                entry.refresh_from_db()
    except IntegrityError as error:
        raise BudgetError("position_taken", _("This position is already checked.")) from error
    return entry


def paper_mismatch_resolve(
    *, batch: PaperBatch, actor: Any, position: int, project_ids: Iterable[int], reason: str
) -> None:
    """Settle a position whose two entries disagree (or where one is missing) by a third look at the
    paper: the choices read now are sealed into the ballot and both entries count as agreeing. A
    position with a second entry but no ballot (nothing was entered there first) is settled with no
    choices: the second entry is withdrawn. Before the count only; the reason is on the audit log
    (batch and position, never the choices)."""
    cycle = batch.cycle
    if (
        cycle.status not in (Phase.VOTING, Phase.RESULTS)
        or CategoryResult.objects.filter(category__cycle=cycle).exists()
    ):
        raise BudgetError("check_closed", _("Second entries are made while voting is open and before the count."))
    if not reason.strip():
        raise BudgetError("reason_required", _("Give the reason for the decision."))
    chosen = list(project_ids)
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().filter(batch=batch, batch_position=position).first()
        if ballot is None:
            if chosen:
                raise BudgetError("no_first_entry", _("No ballot was entered at this position; enter it first."))
            deleted, _rows = PaperCheckEntry.objects.filter(batch=batch, batch_position=position).delete()
            if not deleted:
                raise BudgetError("nothing_to_resolve", _("Both entries of this position agree already."))
        else:
            if (
                not ballot.check_digest
                and PaperCheckEntry.objects.filter(batch=batch, batch_position=position, matched=True).exists()
            ):
                raise BudgetError("nothing_to_resolve", _("Both entries of this position agree already."))
            ids = [p.pk for p in validate_selection(cycle, chosen, memoised=False)]
            ballot.sealed = seal_choices(cycle, ids)
            ballot.check_digest = ""
            ballot.save(update_fields=["sealed", "check_digest"])
            PaperCheckEntry.objects.update_or_create(
                batch=batch,
                batch_position=position,
                defaults={"digest": "", "matched": True},
                create_defaults={"digest": "", "matched": True, "entered_by": actor},
            )
        audit.record(
            action="budget.paper_mismatch_resolved",
            actor=actor,
            obj=batch,
            community=cycle.community,
            summary={"position": position, "reason": reason},
        )


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
