"""Writes of verification state. Every method (document review, census, codes, OIDC) ends in
:func:`verification_grant`, so the invariants and the audit entry live in one place."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.core import audit
from uchast.core.models import Community, District
from uchast.verification.models import Verification, VerificationStatus


class VerificationError(Exception):
    """A refusal with a message fit to show the resident."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def verification_grant(
    *,
    user: Any,
    community: Community,
    method: str,
    basis: str,
    birth_date: date | None = None,
    district: District | None = None,
    identity_key: str = "",
    verified_by: Any = None,
    verified_by_label: str = "",
    expires_on: date | None = None,
    pending: Verification | None = None,
) -> Verification:
    """Make ``user`` verified in ``community``; a previous active verification is superseded.

    Refused (``VerificationError('identity_in_use')``) when another account already holds an active
    verification with the same identity key — enforced by a unique constraint, so two parallel
    requests cannot both succeed.
    """
    try:
        with transaction.atomic():
            previous = list(
                Verification.objects.select_for_update().filter(
                    user=user, community=community, status=VerificationStatus.ACTIVE
                )
            )
            Verification.objects.filter(pk__in=[v.pk for v in previous]).update(status=VerificationStatus.SUPERSEDED)
            fields = {
                "method": method,
                "basis": basis,
                "birth_date": birth_date,
                "district": district,
                "identity_key": identity_key,
                "verified_by": verified_by if getattr(verified_by, "is_authenticated", False) else None,
                "verified_by_label": verified_by_label,
                "decided_at": timezone.now(),
                "expires_on": expires_on,
                "status": VerificationStatus.ACTIVE,
            }
            if pending is not None:
                for name, value in fields.items():
                    setattr(pending, name, value)
                pending.save()
                verification = pending
            else:
                verification = Verification.objects.create(user=user, community=community, **fields)
            audit.record(
                action="verification.granted",
                actor=verified_by,
                obj=verification,
                community=community,
                summary={
                    "user": user.pk,
                    "method": method,
                    "basis": basis,
                    "expires_on": expires_on,
                    "renewal_of": [v.pk for v in previous],
                },
            )
    except IntegrityError:
        raise VerificationError(
            "identity_in_use",
            _("This identity is already confirmed for another account. If it is yours, contact the council."),
        ) from None
    user.__dict__.pop("_uchast_evidence", None)
    return verification


def verification_revoke(*, verification: Verification, actor: Any, reason: str) -> Verification:
    if not reason.strip():
        raise VerificationError("reason_required", _("Give the reason for revoking."))
    with transaction.atomic():
        locked = Verification.objects.select_for_update().get(pk=verification.pk)
        if locked.status != VerificationStatus.ACTIVE:
            raise VerificationError("not_active", _("Only an active verification can be revoked."))
        locked.status = VerificationStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.decision_reason = reason.strip()
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "decision_reason"])
        audit.record(
            action="verification.revoked",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"user": locked.user_id, "reason": locked.decision_reason},
        )
    locked.user.__dict__.pop("_uchast_evidence", None)
    return locked
