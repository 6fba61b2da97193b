"""Core's periodic work."""

from __future__ import annotations

from django_tasks import task


@task()
def sign_audit_checkpoint() -> bool:
    """Hourly: sign the audit chain's head when the last checkpoint is a day old (or none exists)."""
    from uchast.core.audit import checkpoint_sign

    return checkpoint_sign() is not None
