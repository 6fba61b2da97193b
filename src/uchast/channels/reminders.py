"""Deadline reminders: a day before a deadline in the community's calendar (a consultation closes,
a petition's collection ends, budget voting closes), its followers are told once, on their channels."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from uchast.channels.calendars import events
from uchast.channels.models import DeadlineReminder
from uchast.core.notifications import followers, notify
from uchast.core.selectors import current_community

AHEAD = timedelta(hours=24)


def _moment(deadline: date | datetime) -> datetime:
    if isinstance(deadline, datetime):
        return deadline
    # A date deadline ends with its day, in the community's time zone.
    return timezone.make_aware(datetime.combine(deadline, time(23, 59)))


def send_deadline_reminders(now: datetime | None = None) -> int:
    """Remind the followers of every deadline due within a day; returns how many deadlines."""
    now = now or timezone.now()
    reminded = 0
    for event in events(current_community(), None):
        if event.deadline is None or event.target is None:
            continue
        deadline = _moment(event.deadline)
        if not now < deadline <= now + AHEAD:
            continue
        try:
            with transaction.atomic():
                DeadlineReminder.objects.create(uid=event.uid, deadline=deadline)
                notify(
                    recipients=followers(event.target).iterator(chunk_size=1000),
                    topic="followed",
                    subject=gettext_noop("Deadline tomorrow: %(title)s"),
                    template="channels/email/deadline.txt",
                    context={"title": event.title, "deadline": timezone.localtime(deadline).strftime("%d.%m.%Y %H:%M")},
                    url=event.url,
                )
        except IntegrityError:
            continue  # already reminded (another worker, or an earlier run)
        reminded += 1
    return reminded
