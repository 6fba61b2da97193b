"""The commission's work and after: staff check eligibility, members declare conflicts and score,
staff publish the results (aggregation, ranking, money line), winners report and staff decide."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.core import audit, notifications
from uchast.core.errors import ActionRefused
from uchast.core.files import atomic_with_files
from uchast.organisations import scoring
from uchast.organisations.models import (
    Application,
    ApplicationStatus,
    CommissionMember,
    Competition,
    ConflictDeclaration,
    Membership,
    Phase,
    Report,
    ReportKind,
    ReportSpending,
    ReportStatus,
    Score,
)
from uchast.organisations.services import uploads
from uchast.organisations.services.competitions import competition_sync_phase


def _require_review(competition: Competition) -> Competition:
    competition = competition_sync_phase(competition=competition)
    if competition.status != Phase.REVIEW:
        raise ActionRefused(
            "wrong_phase",
            _("This is done while the commission reviews applications (now: %(phase)s).")
            % {"phase": competition.get_status_display()},
            status=409,
        )
    return competition


def _seat(competition: Competition, user: Any) -> CommissionMember:
    seat = CommissionMember.objects.select_for_update().filter(competition=competition, user=user).first()
    if seat is None:
        raise ActionRefused("not_commission", _("Only members of the commission can do this."), status=403)
    return seat


def application_set_eligibility(
    *, application: Application, actor: Any, eligible: bool, reason: str = ""
) -> Application:
    """Staff's eligibility check; an ineligible application needs a reason, which is published."""
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise ActionRefused("reason_required", _("Give the reason the application is ineligible."))
    _require_review(application.competition)
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
        if locked.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE):
            raise ActionRefused("already_decided", _("The results are already published."), status=409)
        locked.status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
        locked.ineligibility_reason = "" if eligible else reason[:2000]
        locked.save(update_fields=["status", "ineligibility_reason"])
        audit.record(
            action="competition.eligibility",
            actor=actor,
            obj=locked,
            community=locked.competition.community,
            summary={"eligible": eligible, "reason": locked.ineligibility_reason},
        )
    return locked


def conflict_declare(*, application: Application, member_user: Any, note: str) -> ConflictDeclaration:
    """A member declares a conflict of interest; their scores of the application, if any, are removed."""
    note = (note or "").strip()
    if not note:
        raise ActionRefused("note_required", _("Say what the conflict of interest is."))
    competition = _require_review(application.competition)
    with transaction.atomic():
        seat = _seat(competition, member_user)
        declaration, created = ConflictDeclaration.objects.get_or_create(
            member=seat, application=application, defaults={"note": note[:2000]}
        )
        if not created:
            raise ActionRefused("already_declared", _("You have already declared this conflict."), status=409)
        removed, _detail = Score.objects.filter(member=seat, application=application).delete()
        audit.record(
            action="competition.conflict_declared",
            actor=member_user,
            obj=application,
            community=competition.community,
            summary={"member": seat.pk, "scores_removed": removed},
        )
    return declaration


def scores_submit(*, application: Application, member_user: Any, values: Mapping[int, int]) -> list[Score]:
    """A member's scores of one application, one per published criterion (replacing earlier ones
    until the results are published). Refused after a declared conflict of interest."""
    competition = _require_review(application.competition)
    criteria = list(competition.criteria.all())
    if set(values) != {c.pk for c in criteria}:
        raise ActionRefused("all_criteria", _("Score the application on every published criterion."))
    for criterion in criteria:
        if not 0 <= values[criterion.pk] <= criterion.max_score:
            raise ActionRefused(
                "score_out_of_range",
                _("«%(criterion)s» is scored from 0 to %(max)s.")
                % {"criterion": criterion.title, "max": criterion.max_score},
            )
    with transaction.atomic():
        # The member's seat is locked: a conflict declared at the same moment waits, then wins.
        seat = _seat(competition, member_user)
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if ConflictDeclaration.objects.filter(member=seat, application=locked).exists():
            raise ActionRefused(
                "conflict_of_interest",
                _("You declared a conflict of interest with this application, so you cannot score it."),
                status=403,
            )
        if locked.status != ApplicationStatus.ELIGIBLE:
            raise ActionRefused(
                "not_eligible_application", _("Only applications found eligible are scored."), status=409
            )
        scores = []
        for criterion in criteria:
            score, _created = Score.objects.update_or_create(
                application=locked, member=seat, criterion=criterion, defaults={"value": values[criterion.pk]}
            )
            scores.append(score)
        audit.record(
            action="competition.scored",
            actor=member_user,
            obj=locked,
            community=competition.community,
            summary={"member": seat.pk, "scores": {str(k): v for k, v in values.items()}},
        )
    return scores


def _final_scores(competition: Competition) -> dict[int, Any]:
    totals: dict[int, dict[int, int]] = {}
    for score in Score.objects.filter(
        application__competition=competition, application__status=ApplicationStatus.ELIGIBLE
    ):
        member_totals = totals.setdefault(score.application_id, {})
        member_totals[score.member_id] = member_totals.get(score.member_id, 0) + score.value
    return {pk: scoring.aggregate(list(t.values()), competition.aggregation) for pk, t in totals.items()}


def results_publish(*, competition: Competition, actor: Any) -> Competition:
    """Aggregate, rank, draw the money line and publish. Refused while an application is unchecked
    or an eligible one has no score."""
    competition = _require_review(competition)
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        applications = list(locked.applications.select_for_update())
        if any(a.status == ApplicationStatus.SUBMITTED for a in applications):
            raise ActionRefused("unchecked", _("Check the eligibility of every application first."), status=409)
        finals = _final_scores(locked)
        eligible = [a for a in applications if a.status == ApplicationStatus.ELIGIBLE]
        if any(finals.get(a.pk) is None for a in eligible):
            raise ActionRefused("unscored", _("Every eligible application needs scores first."), status=409)
        placed = scoring.rank(
            [scoring.Candidate(a.pk, finals[a.pk], a.requested_total, i) for i, a in enumerate(eligible)], locked.budget
        )
        by_pk = {a.pk: a for a in eligible}
        for place in placed:
            app = by_pk[place.key]
            app.rank = place.rank
            app.final_score = Decimal(finals[app.pk].numerator) / Decimal(finals[app.pk].denominator)
            app.final_score = app.final_score.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            app.status = ApplicationStatus.WINNER if place.funded else ApplicationStatus.NOT_FUNDED
            app.save(update_fields=["rank", "final_score", "status"])
        locked.status, locked.results_published_at = Phase.RESULTS, timezone.now()
        locked.save(update_fields=["status", "results_published_at"])
        audit.record(
            action="competition.results_published",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"winners": [p.key for p in placed if p.funded]},
        )
    return locked


def report_submit(
    *,
    application: Application,
    actor: Any,
    kind: str,
    text: str,
    spending: Sequence[tuple[int, int]],
    photos: Sequence[Any] = (),
) -> Report:
    """A winner's interim or final report: text and spending per budget line (line id, kopiykas),
    and ``photos`` (uploads, added to those a returned report keeps; at most ``uploads.MAX_PHOTOS``).
    A returned report may be filed again; an accepted or waiting one may not."""
    text = (text or "").strip()
    if kind not in ReportKind.values:
        raise ActionRefused("bad_kind", _("Choose interim or final report."))
    if not text or len(text) > 10000:
        raise ActionRefused("text_required", _("Describe what was done (at most 10000 characters)."))
    line_ids = set(application.lines.values_list("pk", flat=True))
    if any(pk not in line_ids or amount < 0 for pk, amount in spending):
        raise ActionRefused("bad_spending", _("Spending is reported per line of the programme's budget, in UAH."))
    uploads.check_photos(photos)
    with atomic_with_files():
        locked = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
        if locked.status != ApplicationStatus.WINNER:
            raise ActionRefused("not_winner", _("Only funded programmes report."), status=409)
        if not Membership.objects.filter(organisation_id=locked.organisation_id, user=actor).exists():
            raise ActionRefused(
                "not_member", _("Only members of the organisation can report on its programme."), status=403
            )
        report = Report.objects.filter(application=locked, kind=kind).first()
        if report is not None and report.status != ReportStatus.RETURNED:
            raise ActionRefused("already_reported", _("This report has already been filed."), status=409)
        report = report or Report(application=locked, kind=kind)
        report.text, report.status, report.submitted_by, report.staff_note = text, ReportStatus.SUBMITTED, actor, ""
        report.save()
        report.spending.all().delete()
        ReportSpending.objects.bulk_create(ReportSpending(report=report, line_id=pk, spent=a) for pk, a in spending)
        stored = uploads.store_photos(report, uploads.check_photos(photos, already=report.photos.count()), by=actor)
        audit.record(
            action="competition.report_filed",
            actor=actor,
            obj=locked,
            community=locked.competition.community,
            summary={"kind": kind, "spent": sum(a for _pk, a in spending), "photos": [p.pk for p in stored]},
        )
    return report


def report_decide(*, report: Report, actor: Any, accept: bool, note: str = "") -> Report:
    note = (note or "").strip()
    if not accept and not note:
        raise ActionRefused("reason_required", _("Say what must be changed in the report."))
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("application__competition").get(pk=report.pk)
        if locked.status != ReportStatus.SUBMITTED:
            raise ActionRefused("already_decided", _("This report has already been decided."), status=409)
        locked.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        locked.staff_note = note[:2000]
        locked.save(update_fields=["status", "staff_note"])
        application = locked.application
        audit.record(
            action=f"competition.report_{locked.status}",
            actor=actor,
            obj=application,
            community=application.competition.community,
            summary={"kind": locked.kind, "note": locked.staff_note},
        )
        notifications.notify(
            recipients=[locked.submitted_by],
            topic=None,
            subject=gettext_noop("Your report on «%(title)s»: %(outcome)s"),
            template="organisations/email/report_decided.txt",
            context={"title": application.title, "outcome": locked.get_status_display(), "note": locked.staff_note},
            url=application.get_absolute_url(),
        )
    return locked
