from __future__ import annotations

from django_tasks import task

from uchast.petitions.services import petitions_tick


@task()
def petitions_tick_task() -> dict[str, int]:
    """Periodic: end collections past their deadline, remind officials, archive old answers."""
    return petitions_tick()
