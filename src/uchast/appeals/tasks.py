from __future__ import annotations

from django_tasks import task

from uchast.appeals.services import appeals_tick


@task()
def appeals_tick_task() -> dict[str, int]:
    """Periodic: remind departments before terms end, tell heads of overdue appeals, enforce retention."""
    return appeals_tick()
