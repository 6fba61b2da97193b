"""Core's periodic work."""

from __future__ import annotations

from django_tasks import task


@task()
def sign_audit_checkpoint() -> bool:
    """Hourly: sign the audit chain's head when the last checkpoint is a day old (or none exists)."""
    from uchast.core.audit import checkpoint_sign

    return checkpoint_sign() is not None


@task()
def build_open_data() -> int:
    """Nightly: a new snapshot of every dataset and the archive of all (``core.opendata``), per community."""
    from uchast.core.models import Community
    from uchast.core.opendata.snapshot import build

    communities = list(Community.objects.all())
    for community in communities:
        build(community)
    return len(communities)


@task()
def sweep_files() -> int:
    """Hourly: delete the uploaded files no row names, older than an hour (``core.filesweep``)."""
    from uchast.core.filesweep import sweep

    return sum(orphan.deleted for orphan in sweep(delete=True))
