from __future__ import annotations

from django_tasks import task

from uchast.organisations.services.reminders import report_reminders


@task()
def report_reminders_task() -> dict[str, int]:
    """Periodic: remind winners' members of reports due soon or overdue (each reminder once)."""
    return report_reminders()
