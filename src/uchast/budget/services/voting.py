"""Voting: a ballot per voter per cycle, cast or replaced until voting closes.

``ballot_cast`` decides (phase, eligibility, the categories' rules) and writes a first ballot with
the guarded statement of the cast path (``uchast.budget.castpath.statement``), which re-checks in
the database whatever was decided on memoised copies. Everything else — a replacement, a stale
memo, a lost race — takes the plain ORM path under a row lock (``_cast_locked``), the reference
the guarded statement must agree with (``tests/budget/test_budget_cast_path.py``).
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
from uchast.budget.models import Ballot, BallotChoice, BallotRule, BallotStatus, BudgetCycle, Category, Phase, Project
from uchast.budget.services.guards import refuse_if_suspended
from uchast.budget.tokens import new_receipt_code, voter_token
from uchast.core import memo
from uchast.eligibility import age_on
from uchast.verification.models import Verification, VerificationStatus
from uchast.verification.selectors import evidence_for, require_eligible


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
    ballot changed meanwhile (a replayed or stale form), the request is refused. One ballot per voter
    is a database constraint on the voter token, so parallel requests cannot create two.

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
    projects = validate_selection(cycle, project_ids)
    token = voter_token(cycle, user)
    evidence = evidence_for(user, cycle.community)
    voter = {
        "age_band": age_band(age_on(evidence.birth_date, now.date()) if evidence.birth_date else None),
        "district_code": evidence.district or "",
    }
    if expected_receipt in (None, ""):
        ballot = insert_first_ballot(cycle=cycle, user=user, token=token, projects=projects, now=now, **voter)
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
    projects = validate_selection(fresh, project_ids, memoised=False)
    return _cast_locked(
        cycle=fresh, user=user, token=token, projects=projects, expected_receipt=expected_receipt, now=now, **voter
    )


def _cast_locked(
    *,
    cycle: BudgetCycle,
    user: Any,
    token: str,
    projects: Sequence[Project],
    expected_receipt: str | None,
    now: datetime,
    age_band: str,
    district_code: str,
) -> CastResult:
    """Replace the voter's ballot (or create it after a lost race) under a row lock: the plain ORM
    reference path of the cast."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().filter(cycle=cycle, voter_token=token).first()
        replaced = ballot is not None
        if ballot is None:
            try:
                with transaction.atomic():
                    ballot = Ballot.objects.create(
                        cycle=cycle,
                        voter_token=token,
                        receipt_code=new_receipt_code(),
                        cast_at=now,
                        age_band=age_band,
                        district_code=district_code,
                        status=_online_status(cycle, user),
                    )
            except IntegrityError:
                # Another request of the same voter created it first: replace that one instead.
                ballot = Ballot.objects.select_for_update().get(cycle=cycle, voter_token=token)
                replaced = True
        if expected_receipt is not None and expected_receipt != (ballot.receipt_code if replaced else ""):
            raise BudgetError(
                "stale_form", _("Your ballot changed in the meantime. Nothing was saved; review it and submit again.")
            )
        if replaced:
            ballot.choices.all().delete()
            ballot.receipt_code = new_receipt_code()
            ballot.cast_at = now
            ballot.save(update_fields=["receipt_code", "cast_at"])
        BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, project=p) for p in projects)
    return CastResult(ballot=ballot, replaced=replaced)


def _online_status(cycle: BudgetCycle, user: Any) -> str:
    """Flagged when a paper ballot of the same identity (through the voter's active verification)
    is already in the cycle. One query."""
    keys = (
        Verification.objects.filter(user=user, community=cycle.community, status=VerificationStatus.ACTIVE)
        .exclude(identity_key="")
        .values("identity_key")
    )
    if Ballot.objects.filter(cycle=cycle, is_paper=True, identity_key__in=keys).exclude(identity_key="").exists():
        return BallotStatus.FLAGGED
    return BallotStatus.COUNTED
