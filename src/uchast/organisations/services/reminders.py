"""Report deadlines: the winners' members are reminded a week before a report is due and once
when it is overdue (each once: a ``ReportReminder`` row per application, report and stage, under a
unique constraint). Run by the periodic job ``organisations.report_reminders`` (``tasks.py``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from uchast.core import notifications
from uchast.organisations import selectors
from uchast.organisations.models import (
    Application,
    ApplicationStatus,
    Membership,
    ReminderStage,
    ReportKind,
    ReportReminder,
)

#: How many days before a report is due its organisation's members are reminded.
REMIND_DAYS_BEFORE = 7

SUBJECTS = {
    ReminderStage.DUE_SOON: gettext_noop("The %(kind)s report on «%(title)s» is due on %(due)s"),
    ReminderStage.OVERDUE: gettext_noop("The %(kind)s report on «%(title)s» is overdue (due on %(due)s)"),
}


def _stage(due: date, today: date) -> str | None:
    if due < today:
        return ReminderStage.OVERDUE
    if due - timedelta(days=REMIND_DAYS_BEFORE) <= today:
        return ReminderStage.DUE_SOON
    return None


def _unfiled(today: date) -> list[tuple[Application, str, date]]:
    """(winner, report kind, due date) of every report due within the reminder window or overdue,
    not filed yet."""
    horizon = today + timedelta(days=REMIND_DAYS_BEFORE)
    found: list[tuple[Application, str, date]] = []
    for kind in ReportKind.values:
        field = f"competition__{kind}_report_due"
        winners = selectors.unfiled(
            Application.objects.filter(status=ApplicationStatus.WINNER, **{f"{field}__lte": horizon}), kind
        ).select_related("competition__community")
        found.extend((application, kind, application.competition.report_due(kind)) for application in winners)
    return found


def _remind(application: Application, kind: str, due: date, stage: str) -> bool:
    try:
        with transaction.atomic():
            ReportReminder.objects.create(application=application, kind=kind, stage=stage, due=due)
            members = [m.user for m in Membership.objects.filter(organisation_id=application.organisation_id)
                       .select_related("user")]  # fmt: skip
            notifications.notify(
                recipients=members,
                topic=None,
                subject=SUBJECTS[ReminderStage(stage)],
                template="organisations/email/report_due.txt",
                context={
                    "title": application.title,
                    "kind": ReportKind(kind).label,
                    "due": due.strftime("%d.%m.%Y"),
                    "overdue": stage == ReminderStage.OVERDUE,
                },
                url=application.get_absolute_url(),
            )
    except IntegrityError:  # already sent, by this run's twin
        return False
    return True


def report_reminders(today: date | None = None) -> dict[str, int]:
    """Remind the winners' members of reports due within ``REMIND_DAYS_BEFORE`` days, and tell them
    once a report is overdue; each reminder once. Returns how many of each were sent."""
    today = today or timezone.localdate()
    sent = {ReminderStage.DUE_SOON.value: 0, ReminderStage.OVERDUE.value: 0}
    done = set(ReportReminder.objects.values_list("application_id", "kind", "stage"))
    for application, kind, due in _unfiled(today):
        stage = _stage(due, today)
        if stage is None or (application.pk, kind, stage) in done:
            continue
        if _remind(application, kind, due, stage):
            sent[stage] += 1
    return sent
