"""Support collection: residents support submitted projects before review; staff set the number
needed and the optional window; leaving submission decides which projects reach review."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.budget.actions import BudgetAction
from uchast.budget.errors import BudgetError
from uchast.budget.formatting import support_shortfall_reason
from uchast.budget.models import TIMELINE, BudgetCycle, Phase, Project, ProjectStatus, ProjectSupport
from uchast.budget.selectors import collection_phase, support_rules_editable, supports_open
from uchast.budget.services.guards import lock_cycle, refuse_if_suspended
from uchast.core import audit
from uchast.core.timeline import PhaseState
from uchast.verification.selectors import person_key_of, require_eligible
from uchast.verification.services import participation_forget, participation_record, participation_release


def check_support_window(
    dates: Mapping[str, datetime], threshold: int, opens: datetime | None, closes: datetime | None
) -> None:
    """Refuse a negative threshold, a window with one date only, or one outside submission."""
    if threshold < 0:
        raise BudgetError("support_threshold", _("The number of supports cannot be negative."))
    if (opens is None) != (closes is None):
        raise BudgetError("support_window", _("Give both dates of the support collection, or neither."))
    if opens is not None and closes is not None:
        if not dates["submission_opens"] <= opens < closes <= dates["review_opens"]:
            raise BudgetError(
                "support_window",
                _("Support collection must open and close in order, within the submission phase."),
            )


def cycle_set_supports(
    *,
    cycle: BudgetCycle,
    actor: Any,
    threshold: int,
    opens: datetime | None = None,
    closes: datetime | None = None,
    now: datetime | None = None,
) -> BudgetCycle:
    """Staff set the support collection of an existing cycle: supports needed (0 = no collection) and
    the optional window inside the submission dates.

    Refused once collection is decided (the cycle, or the phase a suspension paused, is past
    submission). During submission the window cannot close in the past. Once residents have given
    supports the number needed is fixed (the rules of supports already given do not change) and the
    collection cannot be postponed, but it can be extended (e.g. after blackouts). Audited with the
    values before and after."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_cycle(cycle)
        phase = collection_phase(locked)
        if not support_rules_editable(locked):
            raise BudgetError(
                "supports_decided",
                _("Support collection ends when review starts: its rules can no longer change."),
            )
        check_support_window(TIMELINE.dates_of(locked), threshold, opens, closes)
        if threshold == 0 and opens is not None:
            raise BudgetError(
                "support_window", _("Collection dates need a number of supports above 0, or leave them empty.")
            )
        if phase == Phase.SUBMISSION and closes is not None and closes <= now:
            raise BudgetError("support_window", _("Support collection cannot close in the past."))
        given = ProjectSupport.objects.filter(project__cycle=locked).exists()
        if given and threshold != locked.support_threshold:
            raise BudgetError(
                "supports_given",
                _(
                    "Residents have already given supports: the number needed can no longer change. "
                    "The collection can still be extended."
                ),
            )
        if given and opens is not None and opens > now:
            raise BudgetError(
                "support_window", _("Supports are already being collected: the collection cannot start later.")
            )
        before = _support_rules(locked)
        locked.support_threshold = threshold
        locked.support_opens = opens
        locked.support_closes = closes
        locked.save(update_fields=["support_threshold", "support_opens", "support_closes"])
        audit.record(
            action="budget.supports_set",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"before": before, **_support_rules(locked)},
        )
    cycle.refresh_from_db()
    return cycle


def _support_rules(cycle: BudgetCycle) -> dict[str, Any]:
    return {
        "support_threshold": cycle.support_threshold,
        "support_opens": cycle.support_opens.isoformat() if cycle.support_opens else None,
        "support_closes": cycle.support_closes.isoformat() if cycle.support_closes else None,
    }


def close_support_collection(cycle: BudgetCycle, actor: Any) -> None:
    """Leaving submission: submitted projects below the threshold do not reach review (each with a
    public reason on the audit log). Runs inside the caller's transaction; no-op when the cycle
    does not collect supports."""
    threshold = cycle.support_threshold
    if threshold <= 0:
        return
    # The outcome is decided: nobody can support any more, so the register forgets the supporters.
    participation_forget(
        action=BudgetAction.SUPPORT, process_ids=Project.objects.filter(cycle=cycle).values_list("pk", flat=True)
    )
    below = list(
        Project.objects.select_for_update().filter(cycle=cycle, status=ProjectStatus.SUBMITTED, supports__lt=threshold)
    )
    for project in below:
        project.status = ProjectStatus.NOT_SUPPORTED
        project.save(update_fields=["status"])
        audit.record(
            action="budget.project_not_supported",
            actor=actor,
            obj=project,
            community=cycle.community,
            summary={
                "supports": project.supports,
                "threshold": threshold,
                "reason": support_shortfall_reason(project.supports, threshold),
            },
        )
    audit.record(
        action="budget.supports_closed",
        actor=actor,
        obj=cycle,
        community=cycle.community,
        summary={"threshold": threshold, "not_supported": [p.pk for p in below]},
    )


def _check_support(project: Project, user: Any) -> None:
    cycle = project.cycle
    if cycle.support_threshold <= 0:
        raise BudgetError("no_supports", _("This budget does not collect supports."))
    refuse_if_suspended(cycle)
    if not supports_open(cycle):
        raise BudgetError("supports_closed", _("Supports are not being collected now."))
    if project.status != ProjectStatus.SUBMITTED:
        raise BudgetError("not_supportable", _("Only submitted projects collect supports."))
    if project.author_id == user.pk or _same_person(project, user):
        raise BudgetError("own_project", _("Authors cannot support their own project."))


def _same_person(project: Project, user: Any) -> bool:
    """The author from another account of theirs (the same person key)."""
    community = project.cycle.community
    key = person_key_of(user, community)
    return bool(key) and key == person_key_of(project.author, community)


def project_support(*, project: Project, user: Any) -> Project:
    """Support a submitted project once per person: counter, row and the participation register's
    row change in one transaction (``already_participated`` for another account of the same person
    or a person back after deleting their account; ``no_person_key`` without a person key)."""
    _check_support(project, user)
    require_eligible(
        user,
        project.cycle.community,
        BudgetAction.SUPPORT,
        message=_("You do not meet the conditions to support projects."),
    )
    try:
        with transaction.atomic():
            ProjectSupport.objects.create(project=project, supporter=user)
            participation_record(
                user=user, community=project.cycle.community, action=BudgetAction.SUPPORT, process_id=project.pk
            )
            Project.objects.filter(pk=project.pk).update(supports=F("supports") + 1)
    except IntegrityError as error:
        raise BudgetError("already_supported", _("You already support this project.")) from error
    project.refresh_from_db(fields=["supports"])
    return project


def project_support_withdraw(*, project: Project, user: Any) -> Project:
    """Withdraw one's support while supports are still collected."""
    _check_support(project, user)
    with transaction.atomic():
        deleted, _rows = ProjectSupport.objects.filter(project=project, supporter=user).delete()
        if not deleted:
            raise BudgetError("not_supported", _("You do not support this project."))
        participation_release(
            user=user, community=project.cycle.community, action=BudgetAction.SUPPORT, process_id=project.pk
        )
        Project.objects.filter(pk=project.pk).update(supports=F("supports") - 1)
    project.refresh_from_db(fields=["supports"])
    return project


def anonymise_user(user: Any) -> None:
    """Account deletion (inside its transaction): the person's supports are removed.

    While collection is undecided (the cycle, or the phase a suspension paused, is in preparation or
    submission) each removal lowers the project's count, like a withdrawal. Once the cycle has left
    submission the count is the recorded outcome the threshold was applied to (audit log) and stays.
    Rows are deleted one by one and a count is lowered with ``F()`` only for a row this transaction
    deleted, so a parallel withdrawal of the same support cannot lower it twice."""
    rows = ProjectSupport.objects.filter(supporter=user).values_list(
        "pk", "project_id", "project__cycle__status", "project__cycle__suspended_from"
    )
    for pk, project_id, status, suspended_from in list(rows):
        deleted, _rows = ProjectSupport.objects.filter(pk=pk).delete()
        undecided = TIMELINE.effective_phase(PhaseState(status, suspended_from)) in (Phase.DRAFT, Phase.SUBMISSION)
        if deleted and undecided:
            Project.objects.filter(pk=project_id).update(supports=F("supports") - 1)
