"""The periodic work: reminders before the term ends, overdue notices to heads, retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from uchast.appeals.models import OPEN_STATUSES, AccessLog, Appeal, CoSigner
from uchast.appeals.services.common import handlers, tell, today
from uchast.core import audit


def _remind(day: date) -> int:
    """Tell the department once when the answer is due within ``UCHAST_APPEALS_REMIND_DAYS`` days."""
    horizon = day + timedelta(days=int(settings.UCHAST_APPEALS_REMIND_DAYS))
    count = 0
    due_soon = Appeal.objects.filter(status__in=OPEN_STATUSES, due_date__gte=day, due_date__lte=horizon)
    for appeal in due_soon.filter(reminder_sent_on__isnull=True).select_related("department", "community"):
        with transaction.atomic():
            if Appeal.objects.filter(pk=appeal.pk, reminder_sent_on__isnull=True).update(reminder_sent_on=day):
                tell(appeal, handlers(appeal), "reminder")
                count += 1
    return count


def _overdue(day: date) -> int:
    """Tell the head of the department once about an appeal past its term (the queue highlights it)."""
    count = 0
    late = Appeal.objects.filter(status__in=OPEN_STATUSES, due_date__lt=day, overdue_notified_on__isnull=True)
    for appeal in late.select_related("department__head", "community"):
        with transaction.atomic():
            if Appeal.objects.filter(pk=appeal.pk, overdue_notified_on__isnull=True).update(overdue_notified_on=day):
                head = appeal.department.head if appeal.department else None
                tell(appeal, [head] if head else handlers(appeal), "overdue")
                count += 1
    return count


def _retention_cutoff(day: date) -> datetime:
    years = int(settings.UCHAST_APPEALS_RETENTION_YEARS)
    try:
        start = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        start = day.replace(year=day.year - years, day=28)
    return timezone.make_aware(datetime.combine(start, datetime.min.time()))


def anonymise_appeal(appeal: Appeal) -> None:
    """Erase the personal data and files of one appeal; the figures for statistics stay."""
    with transaction.atomic():
        for stored in appeal.files.all():
            stored.file.delete(save=False)
        appeal.files.all().delete()
        CoSigner.objects.filter(appeal=appeal).delete()
        AccessLog.objects.filter(appeal=appeal).delete()
        Appeal.objects.filter(pk=appeal.pk).update(
            full_name="",
            residence="",
            current_address="",
            contact="",
            text="",
            answer_text="" if not appeal.publish else appeal.answer_text,
            anonymised_at=timezone.now(),
        )
        audit.record(action="appeal.anonymised", obj=appeal, community=appeal.community)


def enforce_retention(day: date) -> int:
    """Appeals answered more than ``UCHAST_APPEALS_RETENTION_YEARS`` ago lose their personal data."""
    old = Appeal.objects.filter(answered_at__lt=_retention_cutoff(day), anonymised_at__isnull=True)
    count = 0
    for appeal in old.select_related("community"):
        anonymise_appeal(appeal)
        count += 1
    return count


def appeals_tick(day: date | None = None) -> dict[str, int]:
    day = day or today()
    return {"reminded": _remind(day), "overdue": _overdue(day), "anonymised": enforce_retention(day)}


def anonymise_user(user: Any) -> None:
    """Account deletion: the person's appeals lose their personal data now (the answers stay in the
    register's figures); co-signatures go."""
    for appeal in Appeal.objects.filter(author=user, anonymised_at__isnull=True).select_related("community"):
        anonymise_appeal(appeal)
    CoSigner.objects.filter(user=user).delete()
