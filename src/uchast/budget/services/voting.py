"""Voting: one counted voice per person per cycle, a ballot per account, cast or replaced until
voting closes.

``ballot_cast`` decides (phase, eligibility, the person key, the categories' rules) and writes a
first ballot with the guarded statement of the cast path (``uchast.budget.castpath.statement``),
which re-checks in the database whatever was decided on memoised copies and takes the person's row
in the participation register. Everything else — a replacement, a stale memo, a lost race, a person
who already voted — takes the plain ORM path under a row lock (``_cast_locked``), the reference the
guarded statement must agree with (``tests/budget/test_budget_cast_path.py``).

``take_voice`` is the one gate for online and paper ballots alike: the register row, and when the
person already has one, the cycle's duplicate rule (``BudgetCycle.duplicate_rule``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from uchast.budget import selectors
from uchast.budget.actions import BudgetAction
from uchast.budget.castpath.statement import insert_first_ballot
from uchast.budget.errors import BudgetError
from uchast.budget.formatting import money
from uchast.budget.models import (
    Ballot,
    BallotRule,
    BallotStatus,
    BudgetCycle,
    Category,
    DuplicateRule,
    Phase,
    Project,
)
from uchast.budget.sealing import seal_choices
from uchast.budget.services.guards import refuse_if_suspended
from uchast.budget.tokens import new_receipt_code, person_token, voter_token
from uchast.core import memo
from uchast.eligibility import age_on
from uchast.verification.models import Channel
from uchast.verification.selectors import evidence_for, process_key, require_eligible
from uchast.verification.services import (
    already_participated,
    participation_claim,
    participation_switch,
    require_person_key,
)


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    if age < 18:
        return "14-17"
    if age < 35:
        return "18-34"
    if age < 60:
        return "35-59"
    return "60+"


def _check_category(category: Category, chosen: Sequence[Project]) -> None:
    """Refuse a choice in ``category`` that breaks its ballot rule."""
    if len(chosen) < category.min_selected:
        raise BudgetError(
            "too_few",
            ngettext(
                "In «%(category)s» choose at least %(n)s project.",
                "In «%(category)s» choose at least %(n)s projects.",
                category.min_selected,
            )
            % {"category": category.name, "n": category.min_selected},
        )
    if category.ballot_rule == BallotRule.UP_TO_N and len(chosen) > category.max_selected:
        raise BudgetError(
            "too_many",
            ngettext(
                "In «%(category)s» you can choose at most %(n)s project.",
                "In «%(category)s» you can choose at most %(n)s projects.",
                category.max_selected,
            )
            % {"category": category.name, "n": category.max_selected},
        )
    if category.ballot_rule == BallotRule.KNAPSACK:
        total = sum(p.total_cost for p in chosen)
        if total > category.budget:
            raise BudgetError(
                "over_budget",
                _("In «%(category)s» your choice costs %(total)s UAH, more than the %(budget)s UAH available.")
                % {"category": category.name, "total": money(total), "budget": money(category.budget)},
            )


def validate_selection(cycle: BudgetCycle, project_ids: Iterable[int], *, memoised: bool = True) -> list[Project]:
    """The admitted projects chosen, checked against every category's ballot rule. No query while
    the cycle is voting (the admitted projects are memoised then; see ``selectors.admitted_projects``)
    unless ``memoised`` is False."""
    ids = list(dict.fromkeys(int(pk) for pk in project_ids))
    if not ids:
        raise BudgetError("empty_ballot", _("Choose at least one project."))
    admitted = selectors.admitted_projects(cycle, memoised=memoised)
    projects = [admitted[pk] for pk in ids if pk in admitted]
    if len(projects) != len(ids):
        raise BudgetError("unknown_project", _("The ballot names a project that is not on this vote."))
    by_category: dict[int, list[Project]] = {}
    for project in projects:
        by_category.setdefault(project.category_id, []).append(project)
    for chosen in by_category.values():
        _check_category(chosen[0].category, chosen)
    return projects


@dataclass(frozen=True)
class CastResult:
    ballot: Ballot
    replaced: bool


def _check_voting_open(cycle: BudgetCycle, now: datetime) -> None:
    refuse_if_suspended(cycle)
    if cycle.status != Phase.VOTING or not (cycle.voting_opens <= now < cycle.voting_closes):
        raise BudgetError("voting_closed", _("Voting is not open."))


def take_voice(*, cycle: BudgetCycle, person_key: str, channel: Channel) -> str | None:
    """Take the person's voice in the cycle for a new ballot from ``channel`` (inside the caller's
    transaction); the status the new ballot gets, or None when the person already voted online and
    the new ballot is online too (another account of theirs: the caller refuses, or replaces its
    own ballot).

    The register row is the gate (one per person and cycle; a conflicting row is locked, so
    parallel duplicates are decided one after the other). A person who already voted gets the new
    ballot ``flagged`` — kept for the commission, never dropped — unless the cycle's duplicate rule
    prefers the new ballot's channel: then the person's counted ballot of the other channel is
    flagged instead and the register row moves to the new channel. When that ballot cannot be found
    any more (its person token is erased after publication), the new one is flagged: one voice."""
    process = process_key(BudgetAction.VOTE, cycle.pk)
    existing = participation_claim(process=process, person_key=person_key, channel=channel)
    if existing is None:
        return BallotStatus.COUNTED
    if existing == channel:
        return None if channel == Channel.ONLINE else BallotStatus.FLAGGED
    preferred = {DuplicateRule.PAPER: Channel.PAPER, DuplicateRule.ONLINE: Channel.ONLINE}.get(
        DuplicateRule(cycle.duplicate_rule), existing
    )
    if preferred != channel:
        return BallotStatus.FLAGGED
    moved = Ballot.objects.filter(
        cycle=cycle,
        person_token=person_token(cycle, person_key),
        is_paper=existing == Channel.PAPER,
        status=BallotStatus.COUNTED,
    ).update(status=BallotStatus.FLAGGED)
    if not moved:
        return BallotStatus.FLAGGED
    participation_switch(process=process, person_key=person_key, channel=channel)
    return BallotStatus.COUNTED


def ballot_cast(
    *,
    cycle: BudgetCycle,
    user: Any,
    project_ids: Iterable[int],
    expected_receipt: str | None = None,
    now: datetime | None = None,
) -> CastResult:
    """Cast or replace the user's online ballot; returns it with a fresh receipt code.

    ``expected_receipt``: the form's view of the current ballot ("" = none yet). When given and the
    ballot changed meanwhile (a replayed or stale form), the request is refused. One ballot per account
    is a database constraint on the voter token, one counted voice per person the participation
    register's (``take_voice``): parallel requests, two accounts of one person, a person back after
    deleting their account cannot add a second counted ballot (``already_participated``; a paper
    ballot of the same person is decided by the cycle's duplicate rule). Needs a person key
    (``no_person_key``).

    ``cycle`` may be a memoised copy (``selectors.cycle_for_ballot``): a first ballot is written by
    one guarded statement that re-checks the cycle's phase, dates and conditions in the database as
    it writes; when the guard or the constraint stops it, the cast is redone with a fresh cycle
    under a row lock, which gives the exact refusal or replaces the existing ballot.
    """
    now = now or timezone.now()
    _check_voting_open(cycle, now)
    require_eligible(
        user,
        cycle.community,
        BudgetAction.VOTE,
        conditions=cycle.conditions_override,
        message=_("You do not meet the conditions to vote."),
    )
    person_key = require_person_key(user, cycle.community)
    projects = validate_selection(cycle, project_ids)
    # Sealed at once: from here on only the ciphertext is passed on and stored.
    sealed = seal_choices(cycle, [p.pk for p in projects])
    token = voter_token(cycle, user)
    evidence = evidence_for(user, cycle.community)
    voter = {
        "person_key": person_key,
        "age_band": age_band(age_on(evidence.birth_date, now.date()) if evidence.birth_date else None),
        "district_code": evidence.district or "",
    }
    if expected_receipt in (None, ""):
        ballot = insert_first_ballot(
            cycle=cycle,
            token=token,
            person_token=person_token(cycle, person_key),
            projects=projects,
            sealed=sealed,
            now=now,
            **voter,
        )
        if ballot is not None:
            return CastResult(ballot=ballot, replaced=False)
    # The statement did not write: the voter has a ballot already (replace it), or what this worker
    # memoised is stale. Decide again on the cycle and projects as the database has them now.
    fresh = BudgetCycle.objects.select_related("community").get(pk=cycle.pk)
    if (fresh.status, fresh.conditions, fresh.voting_opens, fresh.voting_closes) != (
        cycle.status,
        cycle.conditions,
        cycle.voting_opens,
        cycle.voting_closes,
    ):
        memo.forget("budget-voting-cycle")
        return ballot_cast(cycle=fresh, user=user, project_ids=project_ids, expected_receipt=expected_receipt, now=now)
    _check_voting_open(fresh, now)
    validate_selection(fresh, project_ids, memoised=False)
    return _cast_locked(
        cycle=fresh, user=user, token=token, sealed=sealed, expected_receipt=expected_receipt, now=now, **voter
    )


def _cast_locked(
    *,
    cycle: BudgetCycle,
    user: Any,
    token: str,
    person_key: str,
    sealed: bytes,
    expected_receipt: str | None,
    now: datetime,
    age_band: str,
    district_code: str,
) -> CastResult:
    """Replace the account's ballot (or create it: after a lost race, a stale memo, or for a person
    with a paper ballot) under a row lock: the plain ORM reference path of the cast."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().filter(cycle=cycle, voter_token=token).first()
        replaced = ballot is not None
        if ballot is None:
            ballot, replaced = _new_online_ballot(
                cycle=cycle,
                token=token,
                person_key=person_key,
                sealed=sealed,
                now=now,
                age_band=age_band,
                district_code=district_code,
            )
        if expected_receipt is not None and expected_receipt != (ballot.receipt_code if replaced else ""):
            raise BudgetError(
                "stale_form", _("Your ballot changed in the meantime. Nothing was saved; review it and submit again.")
            )
        if replaced:
            ballot.choices.all().delete()  # the plaintext choices of a ballot cast before sealing
            ballot.sealed = sealed
            ballot.receipt_code = new_receipt_code()
            ballot.cast_on = timezone.localdate(now)
            ballot.save(update_fields=["sealed", "receipt_code", "cast_on"])
    return CastResult(ballot=ballot, replaced=replaced)


def _new_online_ballot(
    *,
    cycle: BudgetCycle,
    token: str,
    person_key: str,
    sealed: bytes,
    now: datetime,
    age_band: str,
    district_code: str,
) -> tuple[Ballot, bool]:
    """The account's first ballot (without choices yet) with the status the person's voice gives it,
    and False; or the account's ballot that a parallel request of its own created first, and True
    (the caller replaces it)."""
    status = take_voice(cycle=cycle, person_key=person_key, channel=Channel.ONLINE)
    if status is None:
        # The person voted online already: from this account in a parallel request (the register
        # row waited for it, so its ballot is there now: replace it), or from another account.
        own = Ballot.objects.select_for_update().filter(cycle=cycle, voter_token=token).first()
        if own is None:
            raise already_participated()
        return own, True
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                cycle=cycle,
                voter_token=token,
                person_token=person_token(cycle, person_key),
                receipt_code=new_receipt_code(),
                sealed=sealed,
                cast_on=timezone.localdate(now),
                age_band=age_band,
                district_code=district_code,
                status=status,
            )
    except IntegrityError:
        # Another request of the same account created it first: replace that one instead.
        return Ballot.objects.select_for_update().get(cycle=cycle, voter_token=token), True
    return ballot, False
