"""Background work of the channels (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_task(channel: str, notification_ids: list[int]) -> int:
    from uchast.channels.dispatch import deliver

    return deliver(channel, notification_ids)


@task()
def retry_due_task() -> int:
    from uchast.channels.dispatch import retry_due

    return retry_due()


@task()
def send_digests_task() -> int:
    from uchast.channels.digests import send_digests

    return send_digests()


@task()
def deadline_reminders_task() -> int:
    from uchast.channels.reminders import send_deadline_reminders

    return send_deadline_reminders()
