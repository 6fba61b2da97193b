from __future__ import annotations

from django_tasks import task

from uchast.verification.services import purge_expired_documents as purge


@task()
def purge_expired_documents() -> int:
    """Retention: delete documents nobody reviewed in time and codes that expired unused."""
    return purge()
