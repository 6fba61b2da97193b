"""Competitions: staff announce one (criteria, commission, dates), the dates move its phase,
staff may suspend and resume it, and members of eligible organisations apply with a budget table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.files import atomic_with_files
from uchast.core.models import Community
from uchast.core.timeline import PhaseState
from uchast.organisations import scoring
from uchast.organisations.actions import OrganisationAction
from uchast.organisations.models import (
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TIMELINE,
    Application,
    BudgetLine,
    CommissionKind,
    CommissionMember,
    Competition,
    Criterion,
    Membership,
    Organisation,
    OrganisationStatus,
    Phase,
)
from uchast.organisations.services import uploads
from uchast.verification.selectors import require_eligible

MAX_LINES = 20

TABLE_PROBLEMS = {
    "no_lines": gettext_noop("Fill in at least one line of the budget table."),
    "negative": gettext_noop("Amounts in the budget table cannot be negative."),
    "own_mismatch": gettext_noop(
        "The own contribution in the budget table adds up to %(own)s UAH, not the %(declared_own)s UAH declared."
    ),
    "requested_mismatch": gettext_noop(
        "The requested amounts in the budget table add up to %(requested)s UAH, "
        "not the %(declared_requested)s UAH declared."
    ),
    "own_share_too_small": gettext_noop("The own contribution must be at least %(percent)s%% of the programme's cost."),
    "over_limit": gettext_noop("The competition finances at most %(limit)s UAH per programme."),
}


def uah(kopiykas: int) -> str:
    return f"{kopiykas // 100:,}.{kopiykas % 100:02d}".replace(",", " ")


def competition_announce(
    *,
    actor: Any,
    community: Community,
    values: dict[str, Any],
    criteria: Sequence[tuple[str, int]],
    commission: Sequence[tuple[Any, str]],
) -> Competition:
    """A competition with its published criteria (title, maximum score) and commission (user, kind)."""
    title = " ".join(str(values.get("title") or "").split())
    if not title or len(title) > NAME_MAX_LENGTH:
        raise ActionRefused("title_required", _("Give the competition a title (at most 300 characters)."))
    if not criteria or any(not t.strip() or m < 1 for t, m in criteria):
        raise ActionRefused("criteria_required", _("Publish at least one criterion with a maximum score."))
    if not commission or any(kind not in CommissionKind.values for _u, kind in commission):
        raise ActionRefused("commission_required", _("Name the members of the commission."))
    if values["max_per_programme"] > values["budget"] or values["budget"] <= 0:
        raise ActionRefused("bad_budget", _("The limit per programme cannot exceed the competition's budget."))
    TIMELINE.check_dates(values)
    _check_report_dates(values)
    with transaction.atomic():
        competition = Competition.objects.create(community=community, created_by=actor, **{**values, "title": title})
        Criterion.objects.bulk_create(
            Criterion(competition=competition, title=t.strip(), max_score=m, position=i)
            for i, (t, m) in enumerate(criteria)
        )
        CommissionMember.objects.bulk_create(
            CommissionMember(competition=competition, user=u, kind=k) for u, k in commission
        )
        _apply_due_phase(competition, timezone.now())
        audit.record(action="competition.announced", actor=actor, obj=competition, community=community)
    return competition


def _check_report_dates(values: dict[str, Any]) -> None:
    """Reports are due after the results, which come after applications close; interim before final."""
    interim, final = values.get("interim_report_due"), values.get("final_report_due")
    closes = timezone.localdate(values["applications_close_at"])
    if any(due is not None and due <= closes for due in (interim, final)):
        raise ActionRefused(
            "bad_report_dates",
            _("Reports are due after the results, so after applications close (%(day)s).")
            % {"day": closes.strftime("%d.%m.%Y")},
        )
    if interim is not None and final is not None and interim >= final:
        raise ActionRefused("bad_report_dates", _("The interim report must be due before the final one."))


def _apply_due_phase(competition: Competition, now: datetime) -> bool:
    due = TIMELINE.due_phase(PhaseState.of(competition), TIMELINE.dates_of(competition), now)
    if due is None:
        return False
    competition.status = due
    competition.save(update_fields=["status"])
    return True


def competition_sync_phase(*, competition: Competition, now: datetime | None = None) -> Competition:
    """Move the competition to the phase its dates give (never backward, never while suspended)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        if _apply_due_phase(locked, now):
            audit.record(
                action="competition.phase", obj=locked, community=locked.community, summary={"phase": locked.status}
            )
    return locked


def competition_suspend(*, competition: Competition, actor: Any, reason: str) -> Competition:
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        if locked.status == Phase.RESULTS:
            raise ActionRefused("wrong_phase", _("The results are published; the competition is over."), status=409)
        state = TIMELINE.suspend(PhaseState.of(locked), reason=reason, now=timezone.now())
        locked.save(update_fields=state.apply_to(locked))
        audit.record(
            action="competition.suspended",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"reason": locked.suspension_reason},
        )
    return locked


def competition_resume(
    *, competition: Competition, actor: Any, applications_open_at: datetime, applications_close_at: datetime
) -> Competition:
    dates = {"applications_open_at": applications_open_at, "applications_close_at": applications_close_at}
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        _check_report_dates(
            {**dates, "interim_report_due": locked.interim_report_due, "final_report_due": locked.final_report_due}
        )
        state = TIMELINE.resume(PhaseState.of(locked), dates, timezone.now())
        locked.applications_open_at, locked.applications_close_at = applications_open_at, applications_close_at
        locked.save(update_fields=[*state.apply_to(locked), *dates])
        audit.record(action="competition.resumed", actor=actor, obj=locked, community=locked.community, summary=dates)
    return locked


def _require_open(competition: Competition, now: datetime) -> None:
    if competition.status == Phase.SUSPENDED:
        raise ActionRefused(
            "suspended",
            _("The competition is suspended: %(reason)s") % {"reason": competition.suspension_reason},
            status=409,
        )
    phase = TIMELINE.phase_at(TIMELINE.dates_of(competition), now)
    if phase == Phase.ANNOUNCED:
        raise ActionRefused("not_open_yet", _("Applications are not accepted yet."), status=409)
    if phase != Phase.APPLICATIONS or competition.status not in (Phase.ANNOUNCED, Phase.APPLICATIONS):
        raise ActionRefused("deadline_passed", _("The deadline for applications has passed."), status=409)


def _require_eligible_organisation(competition: Competition, organisation: Organisation, actor: Any) -> None:
    if organisation.status != OrganisationStatus.CONFIRMED or organisation.community_id != competition.community_id:
        raise ActionRefused("not_confirmed", _("Only organisations confirmed in this community can apply."))
    if not Membership.objects.filter(organisation=organisation, user=actor).exists():
        raise ActionRefused("not_member", _("Only members of the organisation can apply for it."), status=403)
    months = competition.min_registered_months
    today = timezone.localdate()
    month_count = (today.year - organisation.registered_on.year) * 12 + today.month - organisation.registered_on.month
    if month_count - (today.day < organisation.registered_on.day) < months:
        raise ActionRefused(
            "registered_too_recently",
            _("The competition is open to organisations registered at least %(months)s months ago.")
            % {"months": months},
        )


def _check_table(competition: Competition, lines: Sequence[tuple[str, int, int]], own: int, requested: int) -> None:
    if len(lines) > MAX_LINES or any(not item.strip() or len(item) > 300 for item, _o, _r in lines):
        raise ActionRefused("bad_lines", _("Each line of the budget table needs an item (at most 300 characters)."))
    check = scoring.check_budget_table(
        [(o, r) for _i, o, r in lines],
        declared_own=own,
        declared_requested=requested,
        min_own_percent=competition.min_own_percent,
        max_requested=competition.max_per_programme,
    )
    if check.problem is not None:
        words = {
            "own": uah(check.own),
            "requested": uah(check.requested),
            "declared_own": uah(own),
            "declared_requested": uah(requested),
            "percent": competition.min_own_percent,
            "limit": uah(competition.max_per_programme),
        }
        raise ActionRefused(f"table_{check.problem}", _(TABLE_PROBLEMS[check.problem]) % words)


def application_submit(
    *,
    competition: Competition,
    organisation: Organisation,
    actor: Any,
    values: dict[str, Any],
    lines: Sequence[tuple[str, int, int]],
    documents: Sequence[Any] = (),
) -> Application:
    """An organisation's programme, with its budget table (item, own, requested kopiykas); the
    declared totals (``own_total``, ``requested_total`` in ``values``) must be what the lines add up to.
    ``documents``: uploads (PDF or office documents, at most ``uploads.MAX_DOCUMENTS``), private."""
    texts = {k: str(values.get(k) or "").strip() for k in ("title", "goals", "activities", "schedule")}
    if any(not v for v in texts.values()) or any(len(v) > TEXT_MAX_LENGTH for v in texts.values()):
        raise ActionRefused("texts_required", _("Fill in the title, goals, activities and timeline of the programme."))
    if len(texts["title"]) > NAME_MAX_LENGTH:
        raise ActionRefused(
            "title_too_long", _("The title is too long: at most %(limit)d characters.") % {"limit": 300}
        )
    own, requested = int(values["own_total"]), int(values["requested_total"])
    _check_table(competition, lines, own, requested)
    checked = uploads.check_documents(documents)
    require_eligible(actor, competition.community, OrganisationAction.APPLY)
    try:
        with atomic_with_files():
            locked = Competition.objects.select_for_update().get(pk=competition.pk)
            _require_open(locked, timezone.now())
            _require_eligible_organisation(locked, organisation, actor)
            application = Application.objects.create(
                competition=locked,
                organisation=organisation,
                submitted_by=actor,
                own_total=own,
                requested_total=requested,
                **texts,
            )
            BudgetLine.objects.bulk_create(
                BudgetLine(application=application, item=i.strip(), own_amount=o, requested_amount=r)
                for i, o, r in lines
            )
            stored = uploads.store_documents(application, checked, by=actor)
            audit.record(
                action="competition.applied",
                actor=actor,
                obj=application,
                community=locked.community,
                summary={
                    "organisation": organisation.pk,
                    "requested": requested,
                    "own": own,
                    "documents": [d.pk for d in stored],
                },
            )
    except IntegrityError as error:
        raise ActionRefused(
            "already_applied", _("This organisation has already applied to this competition."), status=409
        ) from error
    return application
