"""Granting and revoking a verification: every method ends in :func:`verification_grant`, so the
invariants (one active verification per person and community; one account per identity) and the
audit entry live in one place. Also the identity checks the methods share, and the method switches."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.models import Community, District
from uchast.eligibility import IdentityNumberError, is_person_kind
from uchast.verification.identity import identity_error_message, key_for, person_key_for, person_key_of_identity
from uchast.verification.models import MethodSetting, Verification, VerificationStatus

#: How long a confirmation stays valid unless a method says otherwise.
DEFAULT_VALIDITY_DAYS = 365


class VerificationError(ActionRefused):
    """Verification's refusals (the shared refusal, so views and the API treat them alike)."""


def verification_grant(
    *,
    user: Any,
    community: Community,
    method: str,
    basis: str,
    birth_date: date | None = None,
    district: District | None = None,
    identity_key: str = "",
    person_key: str = "",
    verified_by: Any = None,
    verified_by_label: str = "",
    expires_on: date | None = None,
    pending: Verification | None = None,
) -> Verification:
    """Make ``user`` verified in ``community``; a previous active verification is superseded.

    ``person_key`` (``person_key_from``) is what lets the person decide: without one the
    verification proves a basis but the participation register refuses votes, signatures and
    supports until the person adds their person number (``verification_add_person_number``).

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
                "person_key": person_key,
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
                    "person_number": bool(person_key),
                    "renewal_of": [v.pk for v in previous],
                },
            )
    except IntegrityError:
        raise _identity_in_use() from None
    forget_cached(user)
    return verification


def forget_cached(user: Any) -> None:
    """Drop what the request cached about the user's verification (evidence, person key)."""
    user.__dict__.pop("_uchast_evidence", None)
    user.__dict__.pop("_uchast_person_key", None)


def verification_revoke(*, verification: Verification, actor: Any, reason: str) -> Verification:
    if not reason.strip():
        raise VerificationError("reason_required", _("Give the reason for revoking."))
    with transaction.atomic():
        locked = Verification.objects.select_for_update().get(pk=verification.pk)
        if locked.status != VerificationStatus.ACTIVE:
            raise VerificationError("not_active", _("Only an active verification can be revoked."))
        mark_revoked(locked, actor=actor, reason=reason.strip(), community=locked.community)
    forget_cached(locked.user)
    return locked


def mark_revoked(
    verification: Verification,
    *,
    actor: Any,
    reason: str,
    community: Community,
    audit_summary: dict[str, Any] | None = None,
) -> None:
    """Revoke a locked, active verification with a reason the person sees; on the audit log with
    ``audit_summary`` (by default the user and the reason as given)."""
    verification.status = VerificationStatus.REVOKED
    verification.revoked_at = timezone.now()
    verification.revoked_by = actor
    verification.decision_reason = reason
    verification.save(update_fields=["status", "revoked_at", "revoked_by", "decision_reason"])
    audit.record(
        action="verification.revoked",
        actor=actor,
        obj=verification,
        community=community,
        summary={"user": verification.user_id, "reason": reason, **(audit_summary or {})},
    )


def default_expiry(days: int = DEFAULT_VALIDITY_DAYS) -> date:
    return timezone.localdate() + timedelta(days=days)


def _identity_in_use() -> VerificationError:
    return VerificationError(
        "identity_in_use",
        _("This identity is already confirmed for another account. If it is yours, contact the council."),
    )


def require_identity_free(community: Community, key: str, user: Any) -> None:
    """Refuse (``identity_in_use``) when another account holds an active verification with ``key``:
    the early, friendly check; the unique constraint in :func:`verification_grant` is the guard."""
    taken = (
        Verification.objects.filter(community=community, identity_key=key, status=VerificationStatus.ACTIVE)
        .exclude(user=user)
        .exists()
    )
    if taken:
        raise _identity_in_use()


def identity_key_of(kind: str, number: str) -> str:
    """The keyed hash of a typed identity number, or a refusal (``bad_number``) saying what is wrong."""
    try:
        return key_for(kind, number)
    except IdentityNumberError as error:
        raise VerificationError("bad_number", identity_error_message(error)) from None


def person_key_from(kind: str, identity_key: str, person_kind: str = "", person_number: str = "") -> str:
    """The person key a verification proves: from the method's own number when that is a person
    number (``identity_key`` is its key), else from the person number the resident typed (checked;
    refused as ``bad_person_number``), else "" (an IDP certificate alone names no person)."""
    if identity_key and is_person_kind(kind):
        return person_key_of_identity(identity_key)
    if person_number.strip():
        try:
            return person_key_for(person_kind, person_number)
        except IdentityNumberError as error:
            raise VerificationError("bad_person_number", identity_error_message(error)) from None
    return ""


def verification_add_person_number(*, user: Any, community: Community, kind: str, number: str) -> Verification:
    """Add the person number to an active verification that has no person key yet (a code redeemed
    without it, an IDP certificate, a confirmation from before person keys). Set once: a person key
    is never changed, so nobody moves their voice to another number."""
    key = person_key_from("", "", kind, number) if number.strip() else ""
    if not key:
        raise VerificationError("bad_person_number", _("Enter the number."))
    with transaction.atomic():
        verification = (
            Verification.objects.select_for_update()
            .filter(user=user, community=community, status=VerificationStatus.ACTIVE)
            .first()
        )
        if verification is None:
            raise VerificationError("not_active", _("Confirm your residence first."))
        if verification.person_key:
            raise VerificationError("person_number_set", _("Your confirmation already includes your person number."))
        verification.person_key = key
        verification.save(update_fields=["person_key"])
        audit.record(
            action="verification.person_number_added",
            actor=user,
            obj=verification,
            community=community,
            summary={"user": user.pk},
        )
    forget_cached(user)
    return verification


def method_set_enabled(*, community: Community, method: str, enabled: bool, actor: Any) -> None:
    with transaction.atomic():
        MethodSetting.objects.update_or_create(community=community, method=method, defaults={"enabled": enabled})
        audit.record(
            action="verification.method_switched",
            actor=actor,
            community=community,
            summary={"method": method, "enabled": enabled},
        )
