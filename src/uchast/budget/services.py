"""Every write of the participatory budget. One use case = one ``transaction.atomic()``.

Refusals raise :class:`BudgetError` (a translated message and a stable ``code``) before anything
is written, so a refused request changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from uchast import tally
from uchast.budget import selectors
from uchast.budget.models import (
    PHASE_ORDER,
    Ballot,
    BallotChoice,
    BallotRule,
    BallotStatus,
    BudgetCycle,
    Category,
    CategoryResult,
    CoauthorInvitation,
    Conclusion,
    CostItem,
    CountingRule,
    Milestone,
    PaperBatch,
    PaperCheckEntry,
    Phase,
    Project,
    ProjectStatus,
    ProjectSupport,
    Review,
)
from uchast.core import audit, memo, notifications
from uchast.core.db import hot_cursor
from uchast.core.errors import ActionRefused
from uchast.core.models import Community, District
from uchast.eligibility import age_on
from uchast.eligibility.identity import IdentityNumberError
from uchast.verification.identity import key_for as identity_key_for
from uchast.verification.models import Verification, VerificationStatus
from uchast.verification.selectors import evidence_for, participation_decision


class BudgetError(ActionRefused):
    """The budget's refusals. The API has always answered an invalid ballot with 400 (clients rely on
    it), so the budget keeps that as its default status; the shared codes map as everywhere."""

    default_status = 400


# ---- cycles and phases ----------------------------------------------------------------------

DATE_FIELDS = ("submission_opens", "review_opens", "revision_opens", "voting_opens", "voting_closes")


def _check_dates(dates: Mapping[str, datetime]) -> None:
    values = [dates[name] for name in DATE_FIELDS]
    if any(later <= earlier for earlier, later in zip(values, values[1:], strict=False)):
        raise BudgetError("dates_out_of_order", _("Phase dates must follow each other in order."))


def phase_by_dates(cycle: BudgetCycle, now: datetime) -> Phase:
    """The phase the dates put the cycle in (results follow the close of voting)."""
    if now < cycle.submission_opens:
        return Phase.DRAFT
    if now < cycle.review_opens:
        return Phase.SUBMISSION
    if now < cycle.revision_opens:
        return Phase.REVIEW
    if now < cycle.voting_opens:
        return Phase.REVISION
    if now < cycle.voting_closes:
        return Phase.VOTING
    return Phase.RESULTS


def _check_support_window(
    dates: Mapping[str, datetime], threshold: int, opens: datetime | None, closes: datetime | None
) -> None:
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
) -> BudgetCycle:
    """A new cycle. ``support_threshold`` > 0 asks that many supports of a submitted project before
    review, collected during submission or inside the optional support window."""
    _check_dates(dates)
    _check_support_window(dates, support_threshold, support_opens, support_closes)
    with transaction.atomic():
        cycle = BudgetCycle.objects.create(
            community=community,
            title=title,
            year=year,
            description=description,
            support_threshold=support_threshold,
            support_opens=support_opens,
            support_closes=support_closes,
            **dict(dates),
        )
        audit.record(
            action="budget.cycle_created",
            actor=actor,
            obj=cycle,
            community=community,
            summary={"title": title, "support_threshold": support_threshold},
        )
    return cycle


def collection_phase(cycle: BudgetCycle) -> Phase:
    """The phase that decides support collection: the current one, or the one a suspension paused."""
    return _collection_phase(cycle.status, cycle.suspended_from)


def _collection_phase(status: str, suspended_from: str) -> Phase:
    if status == Phase.SUSPENDED:
        return Phase(suspended_from or Phase.DRAFT)
    return Phase(status)


def support_rules_editable(cycle: BudgetCycle) -> bool:
    """Whether staff may still set the support collection (see :func:`cycle_set_supports`)."""
    return collection_phase(cycle) in (Phase.DRAFT, Phase.SUBMISSION)


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
        locked = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        phase = collection_phase(locked)
        if not support_rules_editable(locked):
            raise BudgetError(
                "supports_decided",
                _("Support collection ends when review starts: its rules can no longer change."),
            )
        _check_support_window({name: getattr(locked, name) for name in DATE_FIELDS}, threshold, opens, closes)
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
        before = {
            "support_threshold": locked.support_threshold,
            "support_opens": locked.support_opens.isoformat() if locked.support_opens else None,
            "support_closes": locked.support_closes.isoformat() if locked.support_closes else None,
        }
        locked.support_threshold = threshold
        locked.support_opens = opens
        locked.support_closes = closes
        locked.save(update_fields=["support_threshold", "support_opens", "support_closes"])
        audit.record(
            action="budget.supports_set",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={
                "before": before,
                "support_threshold": threshold,
                "support_opens": opens.isoformat() if opens else None,
                "support_closes": closes.isoformat() if closes else None,
            },
        )
    cycle.refresh_from_db()
    return cycle


def _enter_phase(cycle: BudgetCycle, phase: Phase, actor: Any, how: str) -> None:
    previous = cycle.status
    if previous in (Phase.DRAFT, Phase.SUBMISSION) and PHASE_ORDER.index(phase) > PHASE_ORDER.index(Phase.SUBMISSION):
        _close_support_collection(cycle, actor)
    cycle.status = phase
    fields = ["status"]
    if phase == Phase.VOTING and cycle.rules_frozen_at is None:
        cycle.rules_frozen_at = timezone.now()
        fields.append("rules_frozen_at")
    cycle.save(update_fields=fields)
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
        locked = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.status == Phase.SUSPENDED or locked.status == Phase.IMPLEMENTATION:
            return False
        target = phase_by_dates(locked, now)
        if PHASE_ORDER.index(target) <= PHASE_ORDER.index(Phase(locked.status)):
            return False
        _enter_phase(locked, target, None, "dates")
    cycle.refresh_from_db()
    return True


#: The date at which each phase starts.
PHASE_START = {
    Phase.SUBMISSION: "submission_opens",
    Phase.REVIEW: "review_opens",
    Phase.REVISION: "revision_opens",
    Phase.VOTING: "voting_opens",
    Phase.RESULTS: "voting_closes",
}


def _pull_dates_back(cycle: BudgetCycle, phase: Phase, now: datetime) -> list[str]:
    """Staff entering a phase early: its start date (and earlier ones) move to now, so the dates keep
    telling the truth (voting is open exactly while the dates say so)."""
    names = [PHASE_START[p] for p in PHASE_ORDER if p in PHASE_START]
    if phase not in PHASE_START:
        return []
    last = names.index(PHASE_START[phase])
    changed = []
    for position, name in enumerate(names[: last + 1]):
        latest = now - timedelta(microseconds=last - position)
        if getattr(cycle, name) > latest:
            setattr(cycle, name, latest)
            changed.append(name)
    return changed


def cycle_set_phase(*, cycle: BudgetCycle, phase: Phase, actor: Any) -> BudgetCycle:
    """Staff move the cycle to a phase by hand (e.g. close submission early). Not while suspended.

    Dates of phases entered early are moved to now (see :func:`_pull_dates_back`)."""
    if phase == Phase.SUSPENDED:
        raise BudgetError("use_suspend", _("Use suspension to pause a cycle."))
    with transaction.atomic():
        locked = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.status == Phase.SUSPENDED:
            raise BudgetError("suspended", _("The cycle is suspended; resume it first."))
        if locked.status == phase:
            raise BudgetError("same_phase", _("The cycle is already in this phase."))
        if locked.rules_frozen_at is not None and PHASE_ORDER.index(phase) < PHASE_ORDER.index(Phase.VOTING):
            raise BudgetError("voting_started", _("Voting has started; the cycle cannot go back before it."))
        if phase == Phase.IMPLEMENTATION and locked.results_published_at is None:
            raise BudgetError("not_published", _("Publish the results before implementation starts."))
        moved = _pull_dates_back(locked, phase, timezone.now())
        if moved:
            locked.save(update_fields=moved)
        _enter_phase(locked, phase, actor, "staff")
    cycle.refresh_from_db()
    return cycle


def cycle_suspend(*, cycle: BudgetCycle, actor: Any, reason: str) -> BudgetCycle:
    """Pause the cycle with a public reason. Nothing can be submitted or voted until it resumes."""
    reason = reason.strip()
    if not reason:
        raise BudgetError("reason_required", _("Give the public reason for the suspension."))
    with transaction.atomic():
        locked = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.status == Phase.SUSPENDED:
            raise BudgetError("already_suspended", _("The cycle is already suspended."))
        locked.suspended_from = locked.status
        locked.status = Phase.SUSPENDED
        locked.suspension_reason = reason
        locked.suspended_at = timezone.now()
        locked.save(update_fields=["suspended_from", "status", "suspension_reason", "suspended_at"])
        audit.record(
            action="budget.cycle_suspended",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"phase": locked.suspended_from, "reason": reason},
        )
    cycle.refresh_from_db()
    return cycle


def cycle_resume(*, cycle: BudgetCycle, actor: Any, dates: Mapping[str, datetime]) -> BudgetCycle:
    """Resume a suspended cycle with new dates; the phase follows the new dates (never backward
    past the opening of voting once ballots exist)."""
    _check_dates(dates)
    with transaction.atomic():
        locked = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.status != Phase.SUSPENDED:
            raise BudgetError("not_suspended", _("The cycle is not suspended."))
        for name in DATE_FIELDS:
            setattr(locked, name, dates[name])
        target = phase_by_dates(locked, timezone.now())
        before = Phase(locked.suspended_from or Phase.DRAFT)
        if PHASE_ORDER.index(target) < PHASE_ORDER.index(before) and locked.rules_frozen_at is not None:
            raise BudgetError("voting_started", _("Voting has started; the new dates cannot go back before it."))
        if before in (Phase.DRAFT, Phase.SUBMISSION) and PHASE_ORDER.index(target) > PHASE_ORDER.index(
            Phase.SUBMISSION
        ):
            _close_support_collection(locked, actor)
        locked.status = target
        if target == Phase.VOTING and locked.rules_frozen_at is None:
            locked.rules_frozen_at = timezone.now()
        locked.suspended_from = ""
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


# ---- support collection -------------------------------------------------------------------


def _close_support_collection(cycle: BudgetCycle, actor: Any) -> None:
    """Leaving submission: submitted projects below the threshold do not reach review (each with a
    public reason on the audit log). Runs inside the caller's transaction; no-op when the cycle
    does not collect supports."""
    threshold = cycle.support_threshold
    if threshold <= 0:
        return
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


def support_shortfall_reason(supports: int, threshold: int) -> str:
    """The public reason a project did not reach review (in the active language)."""
    return ngettext(
        "The project collected %(supports)s of the %(threshold)s support needed before review.",
        "The project collected %(supports)s of the %(threshold)s supports needed before review.",
        threshold,
    ) % {"supports": supports, "threshold": threshold}


def supports_open(cycle: BudgetCycle, now: datetime | None = None) -> bool:
    """Supports are collected while the cycle is in submission and, if the cycle has a support
    window, inside it."""
    if cycle.support_threshold <= 0 or cycle.status != Phase.SUBMISSION:
        return False
    now = now or timezone.now()
    if cycle.support_opens is not None and now < cycle.support_opens:
        return False
    return not (cycle.support_closes is not None and now >= cycle.support_closes)


def _check_support(project: Project, user: Any) -> None:
    cycle = project.cycle
    if cycle.support_threshold <= 0:
        raise BudgetError("no_supports", _("This budget does not collect supports."))
    if cycle.status == Phase.SUSPENDED:
        raise BudgetError("suspended", _("The budget is suspended: %(reason)s") % {"reason": cycle.suspension_reason})
    if not supports_open(cycle):
        raise BudgetError("supports_closed", _("Supports are not being collected now."))
    if project.status != ProjectStatus.SUBMITTED:
        raise BudgetError("not_supportable", _("Only submitted projects collect supports."))
    if project.author_id == user.pk:
        raise BudgetError("own_project", _("Authors cannot support their own project."))


def project_support(*, project: Project, user: Any) -> Project:
    """Support a submitted project once. Counter and row change in one transaction."""
    _check_support(project, user)
    decision = participation_decision(user, project.cycle.community, "budget.support")
    if not decision.allowed:
        raise BudgetError("not_eligible", _("You do not meet the conditions to support projects."))
    try:
        with transaction.atomic():
            ProjectSupport.objects.create(project=project, supporter=user)
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
        if deleted and _collection_phase(status, suspended_from) in (Phase.DRAFT, Phase.SUBMISSION):
            Project.objects.filter(pk=project_id).update(supports=F("supports") - 1)


# ---- categories -----------------------------------------------------------------------------


def _check_not_frozen(cycle: BudgetCycle) -> None:
    if cycle.rules_frozen_at is not None:
        raise BudgetError("rules_frozen", _("Voting has opened: the categories and their rules can no longer change."))


def category_save(
    *,
    cycle: BudgetCycle,
    actor: Any,
    values: Mapping[str, Any],
    districts: Iterable[District] = (),
    category: Category | None = None,
) -> Category:
    """Create or change a category. Refused once voting has opened (rules are frozen)."""
    if values["min_cost"] > values["max_cost"]:
        raise BudgetError("cost_limits", _("The minimum cost is above the maximum cost."))
    if values["max_cost"] > values["budget"]:
        raise BudgetError("cost_limits", _("The maximum project cost is above the category's money."))
    if values.get("min_selected", 1) > values.get("max_selected", 1):
        raise BudgetError("selection_limits", _("The minimum number of projects is above the maximum."))
    with transaction.atomic():
        locked = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        _check_not_frozen(locked)
        if category is None:
            category = Category.objects.create(cycle=locked, **dict(values))
            action = "budget.category_created"
        else:
            for key, value in values.items():
                setattr(category, key, value)
            category.save()
            action = "budget.category_changed"
        category.districts.set(list(districts))
        audit.record(
            action=action,
            actor=actor,
            obj=category,
            community=locked.community,
            summary={k: (v if isinstance(v, int | str) else str(v)) for k, v in values.items()},
        )
    return category


# ---- projects -------------------------------------------------------------------------------

PROJECT_FIELDS = (
    "title",
    "address",
    "latitude",
    "longitude",
    "summary",
    "description",
    "expected_result",
    "beneficiaries",
)


@dataclass(frozen=True)
class CostLine:
    description: str
    quantity: int
    unit_price: int


def _project_error_if_closed(cycle: BudgetCycle, allowed: Sequence[Phase], message: str) -> None:
    if cycle.status == Phase.SUSPENDED:
        raise BudgetError("suspended", _("The budget is suspended: %(reason)s") % {"reason": cycle.suspension_reason})
    if cycle.status not in allowed:
        raise BudgetError("phase_closed", message)


def _write_costs(project: Project, lines: Sequence[CostLine], *, corrected: bool = False) -> int:
    project.cost_items.filter(corrected=corrected).delete()
    CostItem.objects.bulk_create(
        CostItem(
            project=project,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            corrected=corrected,
        )
        for line in lines
    )
    return sum(line.quantity * line.unit_price for line in lines)


def project_save_draft(
    *,
    cycle: BudgetCycle,
    author: Any,
    category: Category,
    district: District | None,
    values: Mapping[str, Any],
    costs: Sequence[CostLine],
    project: Project | None = None,
    image: Any = None,
) -> Project:
    """Save a draft (new or existing, the author's own). Drafts need not be complete."""
    _project_error_if_closed(cycle, [Phase.SUBMISSION], _("Projects can be proposed only during submission."))
    if category.cycle_id != cycle.pk:
        raise BudgetError("forged_category", _("This category does not belong to the cycle."))
    with transaction.atomic():
        if project is None:
            project = Project(cycle=cycle, author=author)
        elif project.status != ProjectStatus.DRAFT or not is_project_editor(project, author):
            raise BudgetError("not_editable", _("Only the author's own draft can be changed here."))
        project.category = category
        project.district = district
        for name in PROJECT_FIELDS:
            if name in values:
                setattr(project, name, values[name])
        if image is not None:
            from uchast.budget.images import clean_image

            project.image.save(f"project-{cycle.pk}.jpg", clean_image(image), save=False)
        project.save()
        project.total_cost = _write_costs(project, costs)
        project.save(update_fields=["total_cost"])
    return project


def is_project_editor(project: Project, user: Any) -> bool:
    """The author or an accepted co-author."""
    if getattr(user, "pk", None) is None:
        return False
    return project.author_id == user.pk or project.coauthors.filter(pk=user.pk).exists()


# ---- co-authors -----------------------------------------------------------------------------

INVITATION_DAYS = 14


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _verified_owner(email: str) -> Any:
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.select_related("user").filter(email__iexact=email, verified=True).first()
    return address.user if address is not None and address.user.is_active else None


def coauthor_invite(*, project: Project, author: Any, email: str) -> tuple[CoauthorInvitation, str]:
    """The author invites a co-author by e-mail; returns the invitation and the token (sent, never
    stored). Existing accounts get a core notification (in their language), other addresses a plain
    e-mail in Ukrainian with an English copy, both after commit."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise BudgetError("bad_email", _("Enter a valid e-mail address.")) from error
    if project.author_id != author.pk:
        raise BudgetError("not_author", _("Only the author can invite co-authors."))
    if project.status != ProjectStatus.DRAFT:
        raise BudgetError("not_draft", _("Co-authors are invited while the project is a draft."))
    invitee = _verified_owner(email)
    if invitee is not None and (invitee.pk == author.pk or project.coauthors.filter(pk=invitee.pk).exists()):
        raise BudgetError("already_coauthor", _("This person is already an author of the project."))
    now = timezone.now()
    if CoauthorInvitation.objects.filter(
        project=project, email=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).exists():
        raise BudgetError("already_invited", _("An invitation to this address is already waiting."))
    token = secrets.token_urlsafe(32)
    path = f"/budget/invitations/{token}/"
    context = {"title": project.title, "author": author.display_name, "days": INVITATION_DAYS}
    with transaction.atomic():
        invitation = CoauthorInvitation.objects.create(
            project=project,
            email=email,
            token_hash=invitation_token_hash(token),
            invited_by=author,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        audit.record(
            action="budget.coauthor_invited",
            actor=author,
            obj=project,
            community=project.cycle.community,
            summary={"invitation": invitation.pk, "existing_account": invitee is not None},
        )
        if invitee is not None:
            # The link (with its token) goes in the e-mail only; the stored notification says so.
            notifications.notify(
                recipients=[invitee],
                topic=None,
                subject=gettext_noop("Invitation to co-author the project «%(title)s»"),
                template="budget/email/coauthor_invitation.txt",
                context=context,
                email_context={"invitation_url": settings.UCHAST_BASE_URL.rstrip("/") + path},
            )
        else:
            transaction.on_commit(lambda: _send_invitation_mail(email, context, path))
    return invitation, token


def _send_invitation_mail(email: str, context: dict[str, Any], path: str) -> None:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    url = settings.UCHAST_BASE_URL.rstrip("/") + path
    parts = []
    subjects = []
    for language in ("uk", "en"):
        with translation.override(language):
            subjects.append(_("Invitation to co-author the project «%(title)s»") % context)
            parts.append(render_to_string("budget/email/coauthor_invitation.txt", {**context, "invitation_url": url}))
    send_mail(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subjects[0]}",
        message="\n\n---\n\n".join(parts),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )


def invitation_by_token(token: str) -> CoauthorInvitation:
    invitation = (
        CoauthorInvitation.objects.select_related("project__cycle__community")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    if invitation is None:
        raise BudgetError("invalid_token", _("This invitation link is not valid."))
    return invitation


def check_invitation_open(invitation: CoauthorInvitation, *, expired_message: str | None = None) -> None:
    """Refuse an invitation that was accepted, withdrawn by the author or has expired
    (``expired_message`` says what expiry means to the one asking)."""
    if invitation.accepted_at is not None:
        raise BudgetError("used_token", _("This invitation has already been accepted."))
    if invitation.revoked_at is not None:
        raise BudgetError("revoked_token", _("The author has withdrawn this invitation."))
    if invitation.expires_at <= timezone.now():
        raise BudgetError(
            "expired_token", expired_message or _("This invitation has expired. Ask the author for a new one.")
        )


def coauthor_accept(*, token: str, user: Any) -> Project:
    """Accept an invitation: the signed-in account must own the invited address as a verified
    e-mail. Used, withdrawn, expired and unknown tokens are refused and change nothing."""
    from allauth.account.models import EmailAddress

    invitation = invitation_by_token(token)
    with transaction.atomic():
        invitation = CoauthorInvitation.objects.select_for_update().get(pk=invitation.pk)
        check_invitation_open(invitation)
        if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
            raise BudgetError(
                "wrong_account",
                _("The invitation was sent to another e-mail address. Sign in with the account that has it verified."),
            )
        project = invitation.project
        if project.author_id == user.pk:
            raise BudgetError("already_coauthor", _("This person is already an author of the project."))
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        project.coauthors.add(user)
        audit.record(
            action="budget.coauthor_joined",
            actor=user,
            obj=project,
            community=project.cycle.community,
            summary={"invitation": invitation.pk},
        )
    return project


def coauthor_revoke(*, invitation: CoauthorInvitation, author: Any) -> CoauthorInvitation:
    """The project's author withdraws a pending invitation; its link stops working
    (``revoked_token``). Accepted, expired and already revoked invitations are refused."""
    with transaction.atomic():
        locked = (
            CoauthorInvitation.objects.select_for_update()
            .select_related("project__cycle__community")
            .get(pk=invitation.pk)
        )
        project = locked.project
        if project.author_id != getattr(author, "pk", None):
            raise BudgetError("not_author", _("Only the author can withdraw invitations."))
        check_invitation_open(
            locked, expired_message=_("This invitation has already expired: there is nothing to withdraw.")
        )
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(
            action="budget.coauthor_invitation_revoked",
            actor=author,
            obj=project,
            community=project.cycle.community,
            summary={"invitation": locked.pk},
        )
    return locked


def _check_complete(project: Project) -> None:
    category = project.category
    items = list(project.cost_items.filter(corrected=False))
    if not items:
        raise BudgetError("no_costs", _("Add at least one line to the cost table."))
    total = sum(item.total for item in items)
    if total < category.min_cost or total > category.max_cost:
        raise BudgetError(
            "cost_out_of_limits",
            _("The total cost %(total)s UAH is outside the category's limits (%(min)s – %(max)s UAH).")
            % {"total": money(total), "min": money(category.min_cost), "max": money(category.max_cost)},
        )
    for name in ("title", "summary", "description", "expected_result", "beneficiaries"):
        if not str(getattr(project, name) or "").strip():
            raise BudgetError("incomplete", _("Fill in every required field before submitting."))
    eligible = list(category.districts.all())
    if eligible and project.district not in eligible:
        raise BudgetError("district_not_eligible", _("This category does not accept projects in that district."))


def project_submit(*, project: Project, author: Any, accept_rules: bool) -> Project:
    """Submit the author's draft after checking it is complete and within the category limits."""
    cycle = project.cycle
    _project_error_if_closed(cycle, [Phase.SUBMISSION], _("Projects can be submitted only during submission."))
    if project.author_id != author.pk or project.status != ProjectStatus.DRAFT:
        raise BudgetError("not_editable", _("Only the author's own draft can be submitted."))
    if not accept_rules:
        raise BudgetError("rules_not_accepted", _("Confirm that you accept the rules of the participatory budget."))
    decision = participation_decision(author, cycle.community, "budget.propose")
    if not decision.allowed:
        raise BudgetError("not_eligible", _("You do not meet the conditions to propose a project."))
    _check_complete(project)
    with transaction.atomic():
        project.status = ProjectStatus.SUBMITTED
        project.rules_accepted = True
        project.submitted_at = timezone.now()
        project.save(update_fields=["status", "rules_accepted", "submitted_at"])
        audit.record(
            action="budget.project_submitted",
            actor=author,
            obj=project,
            community=cycle.community,
            summary={"title": project.title, "total_cost": project.total_cost},
        )
    return project


def project_assign(*, project: Project, actor: Any, reviewer: Any, department: str) -> Project:
    with transaction.atomic():
        project.reviewer = reviewer
        project.department = department
        project.save(update_fields=["reviewer", "department"])
        audit.record(
            action="budget.project_assigned",
            actor=actor,
            obj=project,
            community=project.cycle.community,
            summary={"reviewer": reviewer.pk, "department": department},
        )
    return project


def review_record(
    *,
    project: Project,
    reviewer: Any,
    conclusion: str,
    public_reason: str,
    checklist: Mapping[str, bool],
    corrected_costs: Sequence[CostLine] = (),
) -> Review:
    """Record an official review. Admitted needs a full checklist; every conclusion needs a public reason.

    Reviews happen in the review phase; appeal decisions also in the revision phase.
    """
    cycle = project.cycle
    appeal = project.status == ProjectStatus.APPEALED
    resubmitted = project.status == ProjectStatus.SUBMITTED
    if not (appeal or resubmitted):
        raise BudgetError("not_reviewable", _("This project is not waiting for a review."))
    phases = [Phase.REVIEW, Phase.REVISION]
    _project_error_if_closed(cycle, phases, _("Reviews are recorded during the review and revision phases."))
    if not public_reason.strip():
        raise BudgetError("reason_required", _("Give the public reason for the conclusion."))
    if conclusion == Conclusion.ADMITTED and not all(checklist.values()):
        raise BudgetError("checklist_incomplete", _("A project can be admitted only when every check is met."))
    if appeal and conclusion == Conclusion.NEEDS_REVISION:
        raise BudgetError("appeal_final", _("An appeal is decided finally: admit or reject."))
    with transaction.atomic():
        corrected_total = _write_costs(project, corrected_costs, corrected=True) if corrected_costs else None
        review = Review.objects.create(
            project=project,
            reviewer=reviewer,
            conclusion=conclusion,
            public_reason=public_reason,
            corrected_cost=corrected_total,
            is_appeal_decision=appeal,
            **{k: bool(v) for k, v in checklist.items()},
        )
        project.status = {
            Conclusion.ADMITTED: ProjectStatus.ADMITTED,
            Conclusion.NEEDS_REVISION: ProjectStatus.NEEDS_REVISION,
            Conclusion.REJECTED: ProjectStatus.REJECTED,
        }[Conclusion(conclusion)]
        if corrected_total is not None and conclusion == Conclusion.ADMITTED:
            project.total_cost = corrected_total
        project.save(update_fields=["status", "total_cost"])
        audit.record(
            action="budget.project_reviewed",
            actor=reviewer,
            obj=project,
            community=cycle.community,
            summary={"conclusion": conclusion, "appeal": appeal, "corrected_cost": corrected_total},
        )
    return review


def project_revise(*, project: Project, author: Any, values: Mapping[str, Any], costs: Sequence[CostLine]) -> Project:
    """The author answers "needs revision" during the revision phase; the project goes back to review."""
    _project_error_if_closed(project.cycle, [Phase.REVISION], _("Revisions are accepted only in the revision phase."))
    if project.author_id != author.pk or project.status != ProjectStatus.NEEDS_REVISION:
        raise BudgetError("not_revisable", _("Only a project that needs revision can be revised, by its author."))
    with transaction.atomic():
        for name in PROJECT_FIELDS:
            if name in values:
                setattr(project, name, values[name])
        project.save()
        project.total_cost = _write_costs(project, costs)
        _check_complete(project)
        project.status = ProjectStatus.SUBMITTED
        project.save(update_fields=["total_cost", "status"])
        audit.record(
            action="budget.project_revised",
            actor=author,
            obj=project,
            community=project.cycle.community,
            summary={"total_cost": project.total_cost},
        )
    return project


def project_appeal(*, project: Project, author: Any, text: str) -> Project:
    """The author appeals a rejection once, during the revision phase."""
    _project_error_if_closed(project.cycle, [Phase.REVISION], _("Appeals are accepted only in the revision phase."))
    if project.author_id != author.pk or project.status != ProjectStatus.REJECTED:
        raise BudgetError("not_appealable", _("Only the author of a rejected project can appeal."))
    if project.appeal_used:
        raise BudgetError("appeal_used", _("A project can be appealed only once."))
    if not text.strip():
        raise BudgetError("reason_required", _("Explain why the decision should change."))
    with transaction.atomic():
        project.status = ProjectStatus.APPEALED
        project.appeal_used = True
        project.appeal_text = text
        project.save(update_fields=["status", "appeal_used", "appeal_text"])
        audit.record(action="budget.project_appealed", actor=author, obj=project, community=project.cycle.community)
    return project


# ---- voting ---------------------------------------------------------------------------------


def voter_token(cycle: BudgetCycle, user: Any) -> str:
    """Keyed hash linking a person to their ballot (needed to replace it before close). Without the
    key it reveals nothing; the ballot row stores only this."""
    message = f"budget-voter:{cycle.pk}:{user.pk}".encode()
    return hmac.new(settings.IDENTITY_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_receipt_code() -> str:
    # 32 symbols divide 256, so a random byte modulo 32 is uniform: 60 random bits per code.
    raw = "".join(_RECEIPT_ALPHABET[byte % 32] for byte in secrets.token_bytes(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_receipt(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw


def receipt_voter_id(receipt: str) -> str:
    """The voter id of a ballot in the published file: a hash of its receipt code."""
    return hashlib.sha256(f"uchast-receipt:{receipt}".encode()).hexdigest()[:20]


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
        category = chosen[0].category
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
    return projects


@dataclass(frozen=True)
class CastResult:
    ballot: Ballot
    replaced: bool


def _check_voting_open(cycle: BudgetCycle, now: datetime) -> None:
    if cycle.status == Phase.SUSPENDED:
        raise BudgetError("suspended", _("The budget is suspended: %(reason)s") % {"reason": cycle.suspension_reason})
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
    decision = participation_decision(user, cycle.community, "budget.vote", conditions=cycle.conditions_override)
    if not decision.allowed:
        raise BudgetError("not_eligible", _("You do not meet the conditions to vote."))
    projects = validate_selection(cycle, project_ids)
    token = voter_token(cycle, user)
    evidence = evidence_for(user, cycle.community)
    band = age_band(age_on(evidence.birth_date, now.date()) if evidence.birth_date else None)
    district_code = evidence.district or ""
    if expected_receipt in (None, ""):
        ballot = _insert_first_ballot(
            cycle=cycle, user=user, token=token, projects=projects, now=now, age_band=band, district_code=district_code
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
    projects = validate_selection(fresh, project_ids, memoised=False)
    return _cast_locked(
        cycle=fresh,
        user=user,
        token=token,
        projects=projects,
        expected_receipt=expected_receipt,
        now=now,
        age_band=band,
        district_code=district_code,
    )


def _insert_first_ballot(
    *,
    cycle: BudgetCycle,
    user: Any,
    token: str,
    projects: Sequence[Project],
    now: datetime,
    age_band: str,
    district_code: str,
) -> Ballot | None:
    """Insert the voter's first ballot and its choices, or nothing (returns None) when the voter
    already has a ballot or when the cycle in the database is not voting with the same conditions,
    or a chosen project is no longer admitted. The ballot comes out ``flagged`` when a paper ballot
    of the same person (through their active verification's identity key) is already in the cycle.

    On PostgreSQL this is one statement (ballot and choices through a data-modifying CTE): one round
    trip, atomic without an explicit transaction, so the voting peak costs the database the least.
    SQLite has no data-modifying CTE: there it is two statements in one transaction.
    """
    receipt = new_receipt_code()
    ids = [p.pk for p in projects]
    db = connections[DEFAULT_DB_ALIAS]
    postgres = db.vendor == "postgresql"
    insert_ballot, insert_choices = _first_ballot_statements(postgres, 0 if postgres else len(ids))
    chosen: list[Any] = [ids] if postgres else list(ids)
    params: list[Any] = [
        token,
        receipt,
        False,
        True,
        user.pk,
        VerificationStatus.ACTIVE,
        BallotStatus.FLAGGED,
        BallotStatus.COUNTED,
        age_band,
        district_code,
        now,
        cycle.pk,
        Phase.VOTING,
        now,
        now,
        cycle.conditions,
        ProjectStatus.ADMITTED,
        *chosen,
        len(ids),
    ]
    with hot_cursor() as cursor:
        if postgres:
            cursor.execute(insert_ballot, [*params, *chosen])
            row = cursor.fetchone()
        else:
            with transaction.atomic():
                cursor.execute(insert_ballot, params)
                row = cursor.fetchone()
                if row is not None:
                    cursor.execute(insert_choices, [row[0], *chosen])
    if row is None:
        return None
    return Ballot(
        pk=row[0],
        cycle=cycle,
        voter_token=token,
        receipt_code=receipt,
        status=row[1],
        age_band=age_band,
        district_code=district_code,
        cast_at=now,
    )


@functools.lru_cache(maxsize=64)
def _first_ballot_statements(postgres: bool, count: int) -> tuple[str, str]:
    """The statements of ``_insert_first_ballot``, built once: on PostgreSQL one text for any
    number of projects (``= ANY``), so it stays prepared; on SQLite one per number of projects."""
    chosen = "p.id = ANY(%s)" if postgres else f"p.id IN ({', '.join(['%s'] * count)})"
    ballot_table, choice_table, project_table = (m._meta.db_table for m in (Ballot, BallotChoice, Project))
    insert_ballot = f"""
        INSERT INTO {ballot_table}
            (cycle_id, voter_token, identity_key, receipt_code, is_paper, status, age_band, district_code, cast_at)
        SELECT c.id, %s, '', %s, %s,
            CASE WHEN EXISTS (
                SELECT 1 FROM {ballot_table} paper
                JOIN {Verification._meta.db_table} v ON v.identity_key = paper.identity_key
                WHERE paper.cycle_id = c.id AND paper.identity_key <> '' AND paper.is_paper = %s
                    AND v.user_id = %s AND v.community_id = c.community_id AND v.status = %s
            ) THEN %s ELSE %s END,
            %s, %s, %s
        FROM {BudgetCycle._meta.db_table} c
        WHERE c.id = %s AND c.status = %s AND c.voting_opens <= %s AND c.voting_closes > %s AND c.conditions = %s
            AND (SELECT COUNT(*) FROM {project_table} p WHERE p.cycle_id = c.id AND p.status = %s AND {chosen}) = %s
        ON CONFLICT DO NOTHING
        RETURNING id, status"""  # noqa: S608 (only table names and placeholders are formatted in)
    if postgres:
        # Ballot and choices in one statement (a data-modifying CTE): one round trip, atomic alone.
        both = f"""
            WITH new_ballot AS ({insert_ballot}),
            choices AS (
                INSERT INTO {choice_table} (ballot_id, project_id)
                SELECT new_ballot.id, p.id FROM new_ballot, {project_table} p WHERE {chosen} RETURNING 1
            )
            SELECT id, status FROM new_ballot"""  # noqa: S608
        return both, ""
    choices = (
        f"INSERT INTO {choice_table} (ballot_id, project_id) SELECT %s, p.id FROM {project_table} p WHERE {chosen}"  # noqa: S608
    )
    return insert_ballot, choices


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
    """Replace the voter's ballot (or create it after a lost race) under a row lock."""
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


# ---- paper ballots --------------------------------------------------------------------------


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


def paper_identity_key(kind: str, number: str) -> str:
    """The same keyed hash verification stores, so a paper voter is matched to their online account."""
    try:
        return identity_key_for(kind, number)
    except IdentityNumberError as error:
        raise BudgetError("identity_number", _("The identity number is not valid for its kind.")) from error


def paper_ballot_enter(
    *,
    batch: PaperBatch,
    actor: Any,
    position: int,
    identity_kind: str,
    identity_number: str,
    project_ids: Iterable[int],
) -> Ballot:
    """Enter one paper ballot. A person who already voted (online or on paper) gets the new ballot
    flagged for staff instead of counted."""
    cycle = batch.cycle
    if cycle.results_published_at is not None:
        raise BudgetError("phase_closed", _("Results are published; no more paper ballots."))
    key = paper_identity_key(identity_kind, identity_number)
    projects = validate_selection(cycle, project_ids)
    duplicate = Ballot.objects.filter(cycle=cycle, identity_key=key).exists()
    if not duplicate:
        user_ids = Verification.objects.filter(community=cycle.community, identity_key=key).values_list(
            "user_id", flat=True
        )
        tokens = [voter_token(cycle, _UserRef(pk)) for pk in user_ids]
        duplicate = bool(tokens) and Ballot.objects.filter(cycle=cycle, voter_token__in=tokens).exists()
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                cycle=cycle,
                identity_key=key,
                receipt_code=new_receipt_code(),
                is_paper=True,
                batch=batch,
                batch_position=position,
                cast_at=timezone.now(),
                status=BallotStatus.FLAGGED if duplicate else BallotStatus.COUNTED,
            )
            BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, project=p) for p in projects)
            audit.record(
                action="budget.paper_ballot_entered",
                actor=actor,
                obj=batch,
                community=cycle.community,
                summary={"position": position, "flagged": duplicate},
            )
    except IntegrityError as error:
        raise BudgetError("position_taken", _("This position in the batch is already entered.")) from error
    return ballot


@dataclass(frozen=True)
class _UserRef:
    pk: int


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


@dataclass(frozen=True)
class Mismatch:
    position: int
    first: list[int]
    second: list[int] | None


def paper_mismatches(batch: PaperBatch) -> list[Mismatch]:
    """Positions where the two entries differ, or where only one exists."""
    first = {
        int(b.batch_position or 0): sorted(c.project_id for c in b.choices.all())
        for b in batch.ballots.prefetch_related("choices")
    }
    second = {e.batch_position: e.project_ids for e in batch.check_entries.all()}
    out = []
    for position in sorted(set(first) | set(second)):
        if first.get(position) != second.get(position):
            out.append(Mismatch(position, first.get(position, []), second.get(position)))
    return out


def ballot_resolve(*, ballot: Ballot, actor: Any, count_it: bool, reason: str) -> Ballot:
    """Staff decide on a flagged ballot (counted or not), with the reason on the audit log."""
    if ballot.status != BallotStatus.FLAGGED:
        raise BudgetError("not_flagged", _("Only flagged ballots are decided by staff."))
    if not reason.strip():
        raise BudgetError("reason_required", _("Give the reason for the decision."))
    with transaction.atomic():
        ballot.status = BallotStatus.COUNTED if count_it else BallotStatus.REJECTED
        ballot.save(update_fields=["status"])
        audit.record(
            action="budget.ballot_resolved",
            actor=actor,
            obj=ballot.cycle,
            community=ballot.cycle.community,
            summary={"ballot": ballot.pk, "counted": count_it, "reason": reason},
        )
    return ballot


# ---- counting and results -------------------------------------------------------------------

META_RULE = {CountingRule.GREEDY: "greedy", CountingRule.MES: "equalshares/add1", CountingRule.PHRAGMEN: "phragmen"}


def category_election(category: Category, *, selected: Iterable[str] = ()) -> tally.Election:
    """The category as a tally election: admitted projects, counted ballots (voter id = receipt hash)."""
    cycle = category.cycle
    chosen = set(selected)
    projects = list(
        Project.objects.filter(
            category=category, status__in=[ProjectStatus.ADMITTED, ProjectStatus.WINNER, ProjectStatus.NOT_SELECTED]
        ).order_by("pk")
    )
    ids = {p.pk for p in projects}
    votes: dict[int, list[str]] = {}
    receipts: dict[int, str] = {}
    rows = (
        BallotChoice.objects.filter(ballot__cycle=cycle, ballot__status=BallotStatus.COUNTED, project_id__in=ids)
        .values_list("ballot_id", "ballot__receipt_code", "project_id")
        .order_by("ballot_id", "project_id")
    )
    for ballot_id, receipt, project_id in rows:
        votes.setdefault(ballot_id, []).append(str(project_id))
        receipts[ballot_id] = receipt
    return tally.Election(
        projects=tuple(
            tally.Project(
                str(p.pk),
                cost=p.total_cost,
                name=p.title,
                extra=(("selected", "1" if str(p.pk) in chosen else "0"),) if selected != () else (),
            )
            for p in projects
        ),
        ballots=tuple(tally.ApprovalBallot(tuple(v), voter_id=receipt_voter_id(receipts[b])) for b, v in votes.items()),
        budget=category.budget,
        kind=tally.BallotKind.APPROVAL,
        money_scale=2,
        meta=(
            ("description", f"{cycle.title}: {category.name}"),
            ("country", "Ukraine"),
            ("unit", cycle.community.name_uk),
            ("instance", str(cycle.year)),
            ("subunit", category.name),
            ("currency", "UAH"),
            ("rule", META_RULE[CountingRule(category.counting_rule)]),
        ),
    )


def _count_category(category: Category) -> tally.Outcome:
    election = category_election(category)
    if category.counting_rule == CountingRule.PHRAGMEN:
        return tally.count(election, "phragmen")
    # The same variant the file's META rule names, so `uchast tally --check` reproduces it.
    return tally.count_spec(election, tally.spec_for_meta_rule(election))


def cycle_count(*, cycle: BudgetCycle, actor: Any = None) -> list[CategoryResult]:
    """Count every category with its rule; store outcome, Pabulib file and its SHA-256.

    Precondition: voting has closed (phase ``results``) and results are not yet published.
    """
    if cycle.status != Phase.RESULTS or cycle.results_published_at is not None:
        raise BudgetError("not_countable", _("Ballots are counted after voting closes and before publication."))
    results = []
    with transaction.atomic():
        for category in cycle.categories.all():
            outcome = _count_category(category)
            published = category_election(category, selected=outcome.selected)
            text = tally.pabulib_text(published)
            result, _created = CategoryResult.objects.update_or_create(
                category=category,
                defaults={
                    "outcome": outcome.to_dict(),
                    "pabulib": text,
                    "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                },
            )
            for project_result in outcome.projects:
                Project.objects.filter(pk=int(project_result.project_id)).update(votes=project_result.votes)
            results.append(result)
        audit.record(
            action="budget.counted",
            actor=actor,
            obj=cycle,
            community=cycle.community,
            summary={r.category.name: r.sha256 for r in results},
        )
    return results


def cycle_publish(*, cycle: BudgetCycle, actor: Any) -> BudgetCycle:
    """Publish the reviewed count: winners marked, files and hashes public, phase → implementation."""
    if cycle.status != Phase.RESULTS or cycle.results_published_at is not None:
        raise BudgetError("not_publishable", _("Only counted, unpublished results can be published."))
    results = list(CategoryResult.objects.filter(category__cycle=cycle).select_related("category"))
    if len(results) != cycle.categories.count():
        raise BudgetError("not_counted", _("Count the ballots before publishing."))
    if Ballot.objects.filter(cycle=cycle, status=BallotStatus.FLAGGED).exists():
        raise BudgetError("flagged_left", _("Decide on every flagged ballot before publishing."))
    with transaction.atomic():
        winners = [int(pid) for r in results for pid in r.outcome["selected"]]
        Project.objects.filter(cycle=cycle, status=ProjectStatus.ADMITTED).update(status=ProjectStatus.NOT_SELECTED)
        Project.objects.filter(pk__in=winners).update(status=ProjectStatus.WINNER)
        cycle.results_published_at = timezone.now()
        cycle.status = Phase.IMPLEMENTATION
        cycle.save(update_fields=["results_published_at", "status"])
        audit.record(
            action="budget.results_published",
            actor=actor,
            obj=cycle,
            community=cycle.community,
            summary={"winners": winners, "sha256": {r.category.name: r.sha256 for r in results}},
        )
    return cycle


# ---- implementation -------------------------------------------------------------------------


def milestone_save(
    *, project: Project, actor: Any, values: Mapping[str, Any], milestone: Milestone | None = None
) -> Milestone:
    if project.status != ProjectStatus.WINNER:
        raise BudgetError("not_winner", _("Milestones are kept for winning projects only."))
    if not 0 <= int(values.get("progress", 0)) <= 100:
        raise BudgetError("progress", _("Progress is a percentage from 0 to 100."))
    with transaction.atomic():
        if milestone is None:
            milestone = Milestone.objects.create(project=project, **dict(values))
        else:
            for key, value in values.items():
                setattr(milestone, key, value)
            milestone.save()
        audit.record(
            action="budget.milestone_saved",
            actor=actor,
            obj=project,
            community=project.cycle.community,
            summary={"milestone": milestone.title, "status": milestone.status, "progress": milestone.progress},
        )
        notifications.notify(
            recipients=notifications.followers(project),
            topic="followed",
            subject=gettext_noop("Project update: %(title)s"),
            template="budget/email/milestone.txt",
            context={"title": project.title, "milestone": milestone.title, "progress": milestone.progress},
            url=f"/budget/projects/{project.pk}/",
        )
    return milestone


def project_follow(*, project: Project, user: Any, follow: bool) -> None:
    """Subscribe to (or leave) a winning project's implementation news."""
    if follow:
        notifications.follow(user, project)
    else:
        notifications.unfollow(user, project)


def money(kopiykas: int) -> str:
    """Kopiykas as hryvnias with a thin space between thousands: ``1 250 000,50``."""
    whole, cents = divmod(int(kopiykas), 100)
    text = f"{whole:,}".replace(",", "\u202f")
    return f"{text},{cents:02d}" if cents else text
