"""The cycle and its phases: creation, moving by dates and by staff, suspension and resumption.

The dated-phase arithmetic is core's (``uchast.core.timeline``, the budget's ``models.TIMELINE``);
what is the budget's own is here: rules freeze when voting opens, support collection closes when
submission ends, voting cannot be undone, implementation follows publication.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uchast.budget.errors import BudgetError
from uchast.budget.models import TIMELINE, BudgetCycle, Custody, DuplicateRule, Phase
from uchast.budget.sealing import MAX_MEMBERS, CommissionKey, new_commission_key, server_public_key_hex
from uchast.budget.services.guards import lock_cycle
from uchast.budget.services.results import close_ballot_links
from uchast.budget.services.supports import check_support_window, close_support_collection
from uchast.core import audit
from uchast.core.models import Community
from uchast.core.notifications import announce_process_opened
from uchast.core.timeline import STATE_FIELDS, PhaseState

#: The start dates of a cycle's phases, in order (what ``dates`` holds in the services below).
DATE_FIELDS = TIMELINE.date_fields


def cycle_create(
    *,
    community: Community,
    actor: Any,
    title: str,
    year: int,
    dates: Mapping[str, datetime],
    description: str = "",
    support_threshold: int = 0,
    support_opens: datetime | None = None,
    support_closes: datetime | None = None,
    duplicate_rule: str = DuplicateRule.FIRST,
    title_en: str = "",
    description_en: str = "",
) -> BudgetCycle:
    """A new cycle (``title_en``/``description_en``: optional English versions).
    ``support_threshold`` > 0 asks that many supports of a submitted project before
    review, collected during submission or inside the optional support window. ``duplicate_rule``:
    which ballot counts when one person votes online and on paper (``DuplicateRule``)."""
    if duplicate_rule not in DuplicateRule.values:
        raise BudgetError("duplicate_rule", _("Choose which ballot counts when a person votes twice."))
    TIMELINE.check_dates(dates)
    check_support_window(dates, support_threshold, support_opens, support_closes)
    with transaction.atomic():
        cycle = BudgetCycle.objects.create(
            community=community,
            title=title,
            year=year,
            description=description,
            title_en=title_en.strip(),
            description_en=description_en.strip(),
            support_threshold=support_threshold,
            support_opens=support_opens,
            support_closes=support_closes,
            duplicate_rule=duplicate_rule,
            **dict(dates),
        )
        audit.record(
            action="budget.cycle_created",
            actor=actor,
            obj=cycle,
            community=community,
            summary={"title": title, "support_threshold": support_threshold, "duplicate_rule": duplicate_rule},
        )
    return cycle


def _leaves_submission(before: str, after: str) -> bool:
    """Moving from preparation or submission to a later phase decides support collection."""
    return before in (Phase.DRAFT, Phase.SUBMISSION) and TIMELINE.position(after) > TIMELINE.position(Phase.SUBMISSION)


def _freeze_rules_on_voting(cycle: BudgetCycle) -> list[str]:
    """Entering voting freezes the categories and their rules, once, and fixes the key ballots are
    sealed to (a server-key cycle records its derived public key; a commission key was made
    before)."""
    if cycle.status == Phase.VOTING and cycle.rules_frozen_at is None:
        cycle.rules_frozen_at = timezone.now()
        if not cycle.seal_public_key and cycle.custody == Custody.SERVER:
            cycle.seal_public_key = server_public_key_hex(cycle.pk)
        return ["rules_frozen_at", "seal_public_key"]
    return []


def _leaves_voting(before: str, after: str) -> bool:
    return before == Phase.VOTING and TIMELINE.position(after) > TIMELINE.position(Phase.VOTING)


def _enter_phase(cycle: BudgetCycle, phase: Phase, actor: Any, how: str) -> None:
    previous = cycle.status
    if _leaves_submission(previous, phase):
        close_support_collection(cycle, actor)
    if _leaves_voting(previous, phase):
        close_ballot_links(cycle)
    cycle.status = phase
    cycle.save(update_fields=["status", *_freeze_rules_on_voting(cycle)])
    if previous == Phase.DRAFT and phase != Phase.DRAFT:
        # The cycle leaves preparation: people who asked to hear of new budget cycles are told once.
        announce_process_opened(
            kind=gettext_lazy("Participatory budget"),
            title=cycle.title,
            url=reverse("budget:cycle", args=[cycle.pk]),
        )
    audit.record(
        action="budget.phase_changed",
        actor=actor,
        obj=cycle,
        community=cycle.community,
        summary={"from": previous, "to": phase.value, "by": how},
    )


def cycle_advance(*, cycle: BudgetCycle, now: datetime | None = None) -> bool:
    """Move the cycle forward to the phase its dates say (never backward, never while suspended).

    Results and implementation are entered by staff (publication), so dates stop at ``results``.
    Returns True when the phase changed. Called by the periodic task.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_cycle(cycle)
        target = TIMELINE.due_phase(PhaseState.of(locked), TIMELINE.dates_of(locked), now)
        if target is None:
            return False
        _enter_phase(locked, target, None, "dates")
    cycle.refresh_from_db()
    return True


def cycle_set_phase(*, cycle: BudgetCycle, phase: Phase, actor: Any) -> BudgetCycle:
    """Staff move the cycle to a phase by hand (e.g. close submission early). Not while suspended.

    Dates of phases entered early are moved to now (``Timeline.pulled_back``), so voting is open
    exactly while the dates say so."""
    if phase == Phase.SUSPENDED:
        raise BudgetError("use_suspend", _("Use suspension to pause a cycle."))
    with transaction.atomic():
        locked = lock_cycle(cycle)
        if locked.status == Phase.SUSPENDED:
            raise BudgetError("suspended", _("The cycle is suspended; resume it first."))
        if locked.status == phase:
            raise BudgetError("same_phase", _("The cycle is already in this phase."))
        if locked.rules_frozen_at is not None and TIMELINE.position(phase) < TIMELINE.position(Phase.VOTING):
            raise BudgetError("voting_started", _("Voting has started; the cycle cannot go back before it."))
        if phase == Phase.IMPLEMENTATION and locked.results_published_at is None:
            raise BudgetError("not_published", _("Publish the results before implementation starts."))
        moved = TIMELINE.pulled_back(TIMELINE.dates_of(locked), phase, timezone.now())
        if moved:
            for name, value in moved.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(moved))
        _enter_phase(locked, phase, actor, "staff")
    cycle.refresh_from_db()
    return cycle


def cycle_suspend(*, cycle: BudgetCycle, actor: Any, reason: str) -> BudgetCycle:
    """Pause the cycle with a public reason. Nothing can be submitted or voted until it resumes."""
    with transaction.atomic():
        locked = lock_cycle(cycle)
        state = TIMELINE.suspend(PhaseState.of(locked), reason=reason, now=timezone.now())
        state.apply_to(locked)
        locked.save(update_fields=list(STATE_FIELDS))
        audit.record(
            action="budget.cycle_suspended",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"phase": locked.suspended_from, "reason": state.suspension_reason},
        )
    cycle.refresh_from_db()
    return cycle


def cycle_resume(*, cycle: BudgetCycle, actor: Any, dates: Mapping[str, datetime]) -> BudgetCycle:
    """Resume a suspended cycle with new dates; the phase follows the new dates (never backward
    past the opening of voting once ballots exist)."""
    with transaction.atomic():
        locked = lock_cycle(cycle)
        paused = PhaseState.of(locked)
        state = TIMELINE.resume(paused, dates, timezone.now())
        before, target = TIMELINE.effective_phase(paused), TIMELINE.phase(state.status)
        if TIMELINE.position(target) < TIMELINE.position(before) and locked.rules_frozen_at is not None:
            raise BudgetError("voting_started", _("Voting has started; the new dates cannot go back before it."))
        for name in DATE_FIELDS:
            setattr(locked, name, dates[name])
        if _leaves_submission(before, target):
            close_support_collection(locked, actor)
        if _leaves_voting(before, target):
            close_ballot_links(locked)
        state.apply_to(locked)
        _freeze_rules_on_voting(locked)
        locked.save()
        audit.record(
            action="budget.cycle_resumed",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"phase": target.value, **{name: dates[name].isoformat() for name in DATE_FIELDS}},
        )
    cycle.refresh_from_db()
    return cycle


def cycle_commission_key(*, cycle: BudgetCycle, actor: Any, threshold: int, members: Sequence[str]) -> CommissionKey:
    """Put the cycle's ballots in the custody of the counting commission: a fresh key pair whose
    private key is split among ``members`` (names), any ``threshold`` of whom open the count.

    Returns the shares, to be shown once and printed; the cycle keeps the public key, the names, k
    and a digest of each share. Before voting opens only (``seal_fixed``): afterwards ballots are
    sealed to the key. Made again, it replaces the previous one (its shares no longer open
    anything)."""
    names = [m.strip() for m in members if m.strip()]
    if len(set(names)) != len(names):
        raise BudgetError("members_repeated", _("Each member of the commission is named once."))
    if not (2 <= len(names) <= MAX_MEMBERS and 2 <= threshold <= len(names)):
        raise BudgetError(
            "bad_threshold",
            _("Name 2 to %(max)s members and ask for at least 2 of them, at most all, to open the count.")
            % {"max": MAX_MEMBERS},
        )
    with transaction.atomic():
        locked = lock_cycle(cycle)
        if locked.rules_frozen_at is not None or TIMELINE.position(
            locked.suspended_from or locked.status
        ) >= TIMELINE.position(Phase.VOTING):
            raise BudgetError("seal_fixed", _("Voting has opened: the key the ballots are sealed to cannot change."))
        made = new_commission_key(locked.pk, threshold=threshold, members=names)
        locked.custody = Custody.COMMISSION
        locked.seal_public_key = made.public_hex
        locked.seal_threshold = threshold
        locked.seal_members = names
        locked.seal_share_digests = made.digests
        locked.save(
            update_fields=["custody", "seal_public_key", "seal_threshold", "seal_members", "seal_share_digests"]
        )
        audit.record(
            action="budget.commission_key_made",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"threshold": threshold, "members": names, "public_key": made.public_hex},
        )
    cycle.refresh_from_db()
    return made
