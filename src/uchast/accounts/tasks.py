from __future__ import annotations

from django_tasks import task

from uchast.accounts import throttle


@task()
def purge_throttle_counters() -> int:
    """Delete attempt counters whose window has passed (database store only; Redis expires its own)."""
    return throttle.purge_expired()
