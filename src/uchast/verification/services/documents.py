"""Document review: a resident sends a scan, staff approve or reject it; the scan is private and is
deleted with the decision (or after the retention period, ``purge_expired_documents``)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.core import audit
from uchast.core.files import atomic_with_files, delete_after_commit, process_image, store_file, validate_upload
from uchast.core.models import Community, District
from uchast.verification.models import (
    Basis,
    DocumentKind,
    DocumentSubmission,
    OneTimeCode,
    Verification,
    VerificationStatus,
)
from uchast.verification.services.grants import (
    VerificationError,
    default_expiry,
    identity_key_of,
    person_key_from,
    require_identity_free,
    verification_grant,
)

#: Upload limit for document scans.
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
#: Retention: a document not reviewed within this many days is deleted and the request closed.
DOCUMENT_RETENTION_DAYS = 30


def document_submit(
    *,
    user: Any,
    community: Community,
    document_kind: str,
    number_kind: str,
    number: str,
    birth_date: date,
    district: District | None,
    upload: Any,
    person_kind: str = "",
    person_number: str = "",
) -> DocumentSubmission:
    """A pending verification with a private scan. Nothing is stored when any input is refused.
    The person key comes from the number when it is a person number, else from ``person_number``
    (staff compare both numbers with the scan)."""
    if document_kind not in DocumentKind.values:
        raise VerificationError("bad_document_kind", _("Choose the kind of document."))
    key = identity_key_of(number_kind, number)
    person_key = person_key_from(number_kind, key, person_kind, person_number)
    try:
        kind = validate_upload(upload, kinds={"image", "pdf"}, max_bytes=DOCUMENT_MAX_BYTES)
    except ValidationError as error:
        raise VerificationError("bad_file", " ".join(error.messages)) from None
    stored = process_image(upload) if kind == "image" else upload
    require_identity_free(community, key, user)
    already_pending = VerificationError(
        "already_pending", _("You already sent a document; wait for the decision before sending another.")
    )
    if Verification.objects.filter(user=user, community=community, status=VerificationStatus.PENDING).exists():
        raise already_pending
    try:
        with atomic_with_files():  # a refusal or a lost race after the scan is written deletes it
            basis = Basis.IDP if document_kind == DocumentKind.IDP_CERTIFICATE else Basis.REGISTERED
            verification = Verification.objects.create(
                user=user,
                community=community,
                method="document",
                basis=basis,
                birth_date=birth_date,
                district=district,
                identity_key=key,
                person_key=person_key,
                status=VerificationStatus.PENDING,
            )
            submission = DocumentSubmission(
                verification=verification, document_kind=document_kind, number_kind=number_kind
            )
            store_file(submission.file, stored, f"{secrets.token_hex(16)}{_suffix(stored)}")
            submission.save()
            audit.record(
                action="verification.document_submitted",
                actor=user,
                obj=verification,
                community=community,
                summary={"document_kind": document_kind, "basis": basis},
            )
    except IntegrityError:
        # A parallel submission won: the partial unique constraint allows one pending request.
        raise already_pending from None
    return submission


def _suffix(upload: Any) -> str:
    name = str(getattr(upload, "name", "") or "").lower()
    for suffix in (".pdf", ".png", ".jpg"):
        if name.endswith(suffix):
            return suffix
    return ".jpg" if name.endswith(".jpeg") else ".bin"


def _delete_file(submission: DocumentSubmission) -> None:
    if submission.file:
        # Deleted after commit: a rolled-back decision must not lose the file.
        delete_after_commit(submission.file)
        submission.file = None  # type: ignore[assignment]
        submission.file_deleted_at = timezone.now()
        submission.save(update_fields=["file", "file_deleted_at"])


def _lock_pending(submission: DocumentSubmission) -> Verification:
    verification = Verification.objects.select_for_update().get(pk=submission.verification_id)
    if verification.status != VerificationStatus.PENDING:
        raise VerificationError("already_decided", _("This request has already been decided."))
    return verification


def document_approve(*, submission: DocumentSubmission, actor: Any, expires_on: date | None = None) -> Verification:
    """Approve: the resident becomes verified; the scan is deleted; the keyed hash stays."""
    with transaction.atomic():
        verification = _lock_pending(submission)
        granted = verification_grant(
            user=verification.user,
            community=verification.community,
            method="document",
            basis=verification.basis,
            birth_date=verification.birth_date,
            district=verification.district,
            identity_key=verification.identity_key,
            person_key=verification.person_key,
            verified_by=actor,
            expires_on=expires_on or default_expiry(),
            pending=verification,
        )
        _delete_file(submission)
    return granted


def document_reject(*, submission: DocumentSubmission, actor: Any, reason: str) -> Verification:
    """Reject with a reason the resident sees; the scan and the keyed hash are deleted."""
    if not reason.strip():
        raise VerificationError("reason_required", _("Give the reason for the rejection."))
    with transaction.atomic():
        verification = _lock_pending(submission)
        verification.status = VerificationStatus.REJECTED
        verification.decided_at = timezone.now()
        verification.verified_by = actor
        verification.decision_reason = reason.strip()
        verification.identity_key = verification.person_key = ""
        verification.save(
            update_fields=["status", "decided_at", "verified_by", "decision_reason", "identity_key", "person_key"]
        )
        _delete_file(submission)
        audit.record(
            action="verification.document_rejected",
            actor=actor,
            obj=verification,
            community=verification.community,
            summary={"user": verification.user_id, "reason": verification.decision_reason},
        )
    return verification


def purge_expired_documents(*, now: datetime | None = None) -> int:
    """Retention: close document requests nobody reviewed within DOCUMENT_RETENTION_DAYS and delete
    their files; also delete codes that expired unused. Returns the number of documents purged."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=DOCUMENT_RETENTION_DAYS)
    purged = 0
    stale = DocumentSubmission.objects.filter(
        verification__status=VerificationStatus.PENDING, verification__created_at__lt=cutoff
    ).select_related("verification")
    for submission in stale:
        with transaction.atomic():
            try:
                verification = _lock_pending(submission)
            except VerificationError:
                continue
            verification.status = VerificationStatus.REJECTED
            verification.decided_at = now
            verification.identity_key = verification.person_key = ""
            verification.decision_reason = _("Not reviewed within the retention period; the document was deleted.")
            verification.save(update_fields=["status", "decided_at", "identity_key", "person_key", "decision_reason"])
            _delete_file(submission)
            audit.record(
                action="verification.document_expired",
                obj=verification,
                community=verification.community,
                summary={"user": verification.user_id},
            )
            purged += 1
    with transaction.atomic():
        expired_codes = OneTimeCode.objects.filter(
            redeemed_at__isnull=True, batch__expires_on__lt=timezone.localdate(now)
        )
        deleted, _detail = expired_codes.delete()
        if deleted:
            audit.record(action="verification.codes_expired", summary={"deleted": deleted})
    return purged


def verification_anonymise(user: Any) -> None:
    """Account deletion: drop every document file, fingerprint (identity and person key) and birth
    date of the person; end their confirmations (history rows stay, without personal data). The
    participation register keeps its bare person keys, now linked to nothing: the person cannot
    take part twice in a process by coming back with a new account."""
    for submission in DocumentSubmission.objects.filter(verification__user=user):
        _delete_file(submission)
    Verification.objects.filter(user=user, status__in=[VerificationStatus.ACTIVE, VerificationStatus.PENDING]).update(
        status=VerificationStatus.REVOKED, revoked_at=timezone.now(), decision_reason="account deleted"
    )
    Verification.objects.filter(user=user).update(identity_key="", person_key="", birth_date=None)
