"""Writes of verification state. Every method (document review, census, codes, OIDC) ends in
:func:`verification_grant`, so the invariants and the audit entry live in one place."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.core import audit, notifications
from uchast.core.errors import ActionRefused
from uchast.core.files import process_image, validate_upload
from uchast.core.models import Community, District
from uchast.eligibility import BASES, IdentityNumberError
from uchast.verification.identity import NUMBER_KINDS, identity_error_message, key_for, secret
from uchast.verification.models import (
    Basis,
    CensusEntry,
    CensusImport,
    CodeBatch,
    DocumentKind,
    DocumentSubmission,
    MethodSetting,
    OidcProvider,
    OneTimeCode,
    Verification,
    VerificationStatus,
)

#: How long a confirmation stays valid unless a method says otherwise.
DEFAULT_VALIDITY_DAYS = 365
#: Upload limit for document scans.
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
#: Retention: a document not reviewed within this many days is deleted and the request closed.
DOCUMENT_RETENTION_DAYS = 30
#: Code redemption limits per 15 minutes.
CODE_ATTEMPTS_PER_USER = 5
CODE_ATTEMPTS_PER_IP = 20
CODE_ATTEMPT_WINDOW_SECONDS = 15 * 60
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


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
        _mark_revoked(locked, actor=actor, reason=reason.strip(), community=locked.community)
    locked.user.__dict__.pop("_uchast_evidence", None)
    return locked


def _mark_revoked(
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


def _identity_taken(community: Community, key: str, user: Any) -> bool:
    return (
        Verification.objects.filter(community=community, identity_key=key, status=VerificationStatus.ACTIVE)
        .exclude(user=user)
        .exists()
    )


def _identity_in_use_error() -> VerificationError:
    return VerificationError(
        "identity_in_use",
        _("This identity is already confirmed for another account. If it is yours, contact the council."),
    )


def _key(kind: str, number: str) -> str:
    try:
        return key_for(kind, number)
    except IdentityNumberError as error:
        raise VerificationError("bad_number", identity_error_message(error)) from None


# --- Method switches ------------------------------------------------------------------------


def method_set_enabled(*, community: Community, method: str, enabled: bool, actor: Any) -> None:
    with transaction.atomic():
        MethodSetting.objects.update_or_create(community=community, method=method, defaults={"enabled": enabled})
        audit.record(
            action="verification.method_switched",
            actor=actor,
            community=community,
            summary={"method": method, "enabled": enabled},
        )


# --- Identity providers (OpenID Connect) ----------------------------------------------------

#: The fields of the claims map, and the claim each reads when the map leaves it out.
PROVIDER_CLAIM_FIELDS = ("birth_date", "katottg", "document_number")
PROVIDER_VALIDITY_MAX_DAYS = 3650
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
_CLAIM_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")  # RFC 6749 scope-token
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: Environment variables the platform itself reads for its secrets: a provider naming one of them
#: would send that secret to the provider's token endpoint.
RESERVED_ENV_NAMES = frozenset({"SECRET_KEY", "IDENTITY_HASH_KEY", "DATABASE_URL", "CACHE_URL", "EMAIL_URL"})


class ProviderConfigError(VerificationError):
    """Refused provider settings; ``errors`` maps each form field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("provider_invalid", _("The identity provider was not saved; correct the marked fields."))
        self.errors = errors


def _provider_problems(
    *,
    community: Community,
    provider: OidcProvider | None,
    slug: str,
    name: str,
    issuer: str,
    client_id: str,
    client_secret_env: str,
    scopes: list[str],
    claims_map: dict[str, str],
    identity_kind: str,
    validity_days: int,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or len(slug) > 40:
        errors["slug"] = _("Use 1 to 40 small Latin letters, digits and hyphens, for example bankid.")
    else:
        taken = OidcProvider.objects.filter(community=community, slug=slug)
        if provider is not None:
            taken = taken.exclude(pk=provider.pk)
        if taken.exists():
            errors["slug"] = _("Another identity provider of this community already uses this short name.")
    if not name or len(name) > 120:
        errors["name"] = _("Give a name of up to 120 characters.")
    try:
        URLValidator(schemes=["https", "http"])(issuer)
        parts = urlsplit(issuer)
    except ValidationError:
        errors["issuer"] = _("Enter the issuer's address, for example https://id.example.gov.ua.")
    else:
        if len(issuer) > 200 or parts.query or parts.fragment:
            errors["issuer"] = _("The issuer is an address of up to 200 characters without ? or #.")
        elif parts.scheme != "https" and not (settings.DEBUG or parts.hostname in _LOOPBACK_HOSTS):
            errors["issuer"] = _("The issuer must use https://.")
    if not client_id or len(client_id) > 200 or any(c.isspace() for c in client_id):
        errors["client_id"] = _("Give the client id the provider issued: up to 200 characters, no spaces.")
    if not _ENV_NAME.fullmatch(client_secret_env) or len(client_secret_env) > 100:
        errors["client_secret_env"] = _(
            "Give the name of an environment variable: capital Latin letters, digits and _, for example "
            "UCHAST_OIDC_BANKID_SECRET."
        )
    elif client_secret_env in RESERVED_ENV_NAMES:
        errors["client_secret_env"] = _("This variable holds a secret of the platform itself; choose another name.")
    if "openid" not in scopes:
        errors["scopes"] = _("The scopes must include openid.")
    elif not all(_SCOPE_TOKEN.fullmatch(s) for s in scopes) or len(" ".join(scopes)) > 200:
        errors["scopes"] = _("Separate scopes with spaces; up to 200 characters without quotes or backslashes.")
    for key, path in claims_map.items():
        if key not in PROVIDER_CLAIM_FIELDS:
            errors["claims_map"] = _("Unknown field in the claims map.")
        elif not _CLAIM_PATH.fullmatch(path) or len(path) > 100:
            errors["claim_" + key] = _(
                "A claim name, or names joined by dots for a nested claim, for example address.katottg."
            )
    if identity_kind not in {value for value, _label in NUMBER_KINDS}:
        errors["identity_kind"] = _("Choose the kind of document number.")
    if not 1 <= validity_days <= PROVIDER_VALIDITY_MAX_DAYS:
        errors["validity_days"] = _("A confirmation is valid from 1 to 3650 days.")
    return errors


def oidc_provider_save(
    *,
    community: Community,
    actor: Any,
    provider: OidcProvider | None = None,
    slug: str,
    name: str,
    issuer: str,
    client_id: str,
    client_secret_env: str,
    scopes: str,
    claims_map: dict[str, str],
    identity_kind: str,
    validity_days: int,
) -> OidcProvider:
    """Add an identity provider to ``community`` (``provider`` is None) or change ``provider``.

    Only the *name* of the environment variable with the client secret is stored, never the secret.
    Refused with :class:`ProviderConfigError` (every bad field at once); the slug is unique per
    community (a database constraint, so two parallel saves cannot both take it). A new provider
    starts enabled.
    """
    if provider is not None and provider.community_id != community.pk:
        raise VerificationError("not_found", _("This identity provider does not exist."))
    values: dict[str, Any] = {
        "slug": slug.strip(),
        "name": name.strip(),
        "issuer": issuer.strip(),
        "client_id": client_id.strip(),
        "client_secret_env": client_secret_env.strip(),
        "scopes": " ".join(scopes.split()),
        "claims_map": {k: v.strip() for k, v in claims_map.items() if v and v.strip()},
        "identity_kind": identity_kind,
        "validity_days": validity_days,
    }
    errors = _provider_problems(
        community=community, provider=provider, **{**values, "scopes": values["scopes"].split()}
    )
    if errors:
        raise ProviderConfigError(errors)
    try:
        with transaction.atomic():
            if provider is None:
                provider = OidcProvider.objects.create(community=community, enabled=True, **values)
                action, changed = "verification.provider_added", sorted(values)
            else:
                locked = OidcProvider.objects.select_for_update().get(pk=provider.pk)
                changed = sorted(k for k, v in values.items() if getattr(locked, k) != v)
                if not changed:
                    return locked
                for key, value in values.items():
                    setattr(locked, key, value)
                locked.save()
                provider, action = locked, "verification.provider_changed"
            audit.record(
                action=action,
                actor=actor,
                obj=provider,
                community=community,
                # Settings only: the secret is never known here, just the variable's name.
                summary={"slug": provider.slug, "changed": {k: values[k] for k in changed}},
            )
    except IntegrityError:
        raise ProviderConfigError(
            {"slug": _("Another identity provider of this community already uses this short name.")}
        ) from None
    return provider


def oidc_provider_set_enabled(*, provider: OidcProvider, enabled: bool, actor: Any) -> OidcProvider:
    """Switch a provider on or off. A switched-off provider disappears from the start page, and its
    sign-in and any answer still on its way are refused; confirmations already given stay."""
    with transaction.atomic():
        locked = OidcProvider.objects.select_for_update().get(pk=provider.pk)
        if locked.enabled != enabled:
            locked.enabled = enabled
            locked.save(update_fields=["enabled"])
            audit.record(
                action="verification.provider_switched",
                actor=actor,
                obj=locked,
                community=locked.community,
                summary={"slug": locked.slug, "enabled": enabled},
            )
    return locked


# --- Document review ------------------------------------------------------------------------


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
) -> DocumentSubmission:
    """A pending verification with a private scan. Nothing is stored when any input is refused."""
    if document_kind not in DocumentKind.values:
        raise VerificationError("bad_document_kind", _("Choose the kind of document."))
    key = _key(number_kind, number)
    try:
        kind = validate_upload(upload, kinds={"image", "pdf"}, max_bytes=DOCUMENT_MAX_BYTES)
    except ValidationError as error:
        raise VerificationError("bad_file", " ".join(error.messages)) from None
    stored = process_image(upload) if kind == "image" else upload
    if _identity_taken(community, key, user):
        raise _identity_in_use_error()
    already_pending = VerificationError(
        "already_pending", _("You already sent a document; wait for the decision before sending another.")
    )
    if Verification.objects.filter(user=user, community=community, status=VerificationStatus.PENDING).exists():
        raise already_pending
    try:
        with transaction.atomic():
            basis = Basis.IDP if document_kind == DocumentKind.IDP_CERTIFICATE else Basis.REGISTERED
            verification = Verification.objects.create(
                user=user,
                community=community,
                method="document",
                basis=basis,
                birth_date=birth_date,
                district=district,
                identity_key=key,
                status=VerificationStatus.PENDING,
            )
            submission = DocumentSubmission(
                verification=verification, document_kind=document_kind, number_kind=number_kind
            )
            submission.file.save(f"{secrets.token_hex(16)}{_suffix(stored)}", stored, save=False)
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
        name = submission.file.name or ""
        storage = submission.file.storage
        submission.file = None  # type: ignore[assignment]
        submission.file_deleted_at = timezone.now()
        submission.save(update_fields=["file", "file_deleted_at"])
        # Deleted after commit: a rolled-back decision must not lose the file.
        transaction.on_commit(lambda: storage.delete(name))


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
        verification.identity_key = ""
        verification.save(update_fields=["status", "decided_at", "verified_by", "decision_reason", "identity_key"])
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
            verification.identity_key = ""
            verification.decision_reason = _("Not reviewed within the retention period; the document was deleted.")
            verification.save(update_fields=["status", "decided_at", "identity_key", "decision_reason"])
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


# --- Census list ----------------------------------------------------------------------------

CENSUS_COLUMNS = ("number", "kind", "birth_date", "basis")


@dataclass
class CensusReport:
    total: int = 0
    added: int = 0
    removed: int = 0
    withdrawn: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class CensusImportError(VerificationError):
    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__("census_invalid", _("The file was not imported; fix the lines listed below."))
        self.errors = errors


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CensusImportError([(0, _("The file is neither UTF-8 nor Windows-1251 text. Save it as CSV (UTF-8)."))])


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def census_import(*, community: Community, actor: Any, data: bytes) -> CensusReport:
    """Replace the census list with the CSV ``data`` (columns number, kind, birth_date, basis and
    optionally district; comma or semicolon; UTF-8 or Windows-1251). Any bad line: nothing changes
    and every bad line is reported. Only keyed hashes are stored."""
    if not data.strip():
        raise CensusImportError([(0, _("The file is empty."))])
    text = _decode(data)
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in CENSUS_COLUMNS if c not in header]
    if missing:
        raise CensusImportError(
            [
                (
                    1,
                    _("Missing columns: %(missing)s. Expected: number, kind, birth_date, basis, district (optional).")
                    % {"missing": ", ".join(missing)},
                )
            ]
        )
    index = {name: header.index(name) for name in header}
    districts = {d.code: d for d in District.objects.filter(community=community)}
    rows: dict[str, tuple[date, str, District | None]] = {}
    errors: list[tuple[int, str]] = []
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            errors.append((line_number, _("Too few values in the line.")))
            continue
        kind = row[index["kind"]].strip().lower()
        try:
            key = key_for(kind, row[index["number"]])
        except IdentityNumberError as error:
            errors.append((line_number, identity_error_message(error)))
            continue
        birth_date = _parse_date(row[index["birth_date"]])
        if birth_date is None:
            errors.append((line_number, _("Birth date must look like 2001-05-17 or 17.05.2001.")))
            continue
        basis = row[index["basis"]].strip().lower()
        if basis not in BASES or basis == Basis.PROVIDER:
            errors.append((line_number, _("Unknown basis; use registered, idp, census or in_person.")))
            continue
        district = None
        if "district" in index and row[index["district"]].strip():
            district = districts.get(row[index["district"]].strip())
            if district is None:
                errors.append((line_number, _("Unknown district code.")))
                continue
        if key in rows:
            errors.append((line_number, _("The same person is listed twice.")))
            continue
        rows[key] = (birth_date, basis, district)
    if errors:
        raise CensusImportError(errors)
    if not rows:
        raise CensusImportError([(0, _("The file has a header but no people."))])
    with transaction.atomic():
        existing = set(CensusEntry.objects.filter(community=community).values_list("identity_key", flat=True))
        removed = existing - rows.keys()
        CensusEntry.objects.filter(community=community, identity_key__in=removed).delete()
        CensusEntry.objects.filter(community=community, identity_key__in=existing & rows.keys()).delete()
        CensusEntry.objects.bulk_create(
            CensusEntry(community=community, identity_key=key, birth_date=b, basis=basis, district=d)
            for key, (b, basis, d) in rows.items()
        )
        record = CensusImport.objects.create(
            community=community,
            imported_by=actor,
            total=len(rows),
            added=len(rows.keys() - existing),
            removed=len(removed),
        )
        withdrawn = _withdraw_census_confirmations(community, actor, rows, record)
        report = CensusReport(total=record.total, added=record.added, removed=record.removed, withdrawn=withdrawn)
        audit.record(
            action="verification.census_imported",
            actor=actor,
            obj=record,
            community=community,
            summary={"total": report.total, "added": report.added, "removed": report.removed, "withdrawn": withdrawn},
        )
    return report


def _withdraw_census_confirmations(
    community: Community,
    actor: Any,
    rows: dict[str, tuple[date, str, District | None]],
    record: CensusImport,
) -> int:
    """Revoke the active census confirmations the new list no longer supports: the person is not
    listed any more, or is listed with another birth date, basis or district (then they confirm
    again at once, with the facts as listed now). Each person is told why; each revocation is on
    the audit log. Returns how many were revoked."""

    def still_listed(verification: Verification) -> bool:
        listed = rows.get(verification.identity_key)
        if listed is None:
            return False
        birth_date, basis, district = listed
        facts = (verification.birth_date, verification.basis, verification.district_id)
        return (birth_date, basis, district.pk if district else None) == facts

    stale = [
        verification
        for verification in Verification.objects.select_for_update().filter(
            community=community, method="census", status=VerificationStatus.ACTIVE
        )
        if not still_listed(verification)
    ]
    reason = gettext_noop("The council's updated census list no longer lists you this way.")
    for verification in stale:
        # The person reads the reason in the staff's language; the audit log keeps the message id.
        _mark_revoked(
            verification,
            actor=actor,
            reason=_(reason),
            community=community,
            audit_summary={"reason": reason, "census_import": record.pk},
        )
    notifications.notify(
        recipients=[v.user for v in stale],
        topic=None,
        subject=gettext_noop("Your confirmation through the census list was withdrawn"),
        template="verification/email/census_withdrawn.txt",
        url=reverse("verification:start"),
    )
    return len(stale)


def census_claim(*, user: Any, community: Community, kind: str, number: str, birth_date: date) -> Verification:
    """Verified at once when the keyed number and the birth date match the census list."""
    key = _key(kind, number)
    entry = CensusEntry.objects.filter(community=community, identity_key=key, birth_date=birth_date).first()
    if entry is None:
        raise VerificationError(
            "not_in_census",
            _(
                "We did not find this number with this birth date in the council's list. Check both, "
                "or choose another way to confirm."
            ),
        )
    if _identity_taken(community, key, user):
        raise _identity_in_use_error()
    return verification_grant(
        user=user,
        community=community,
        method="census",
        basis=entry.basis,
        birth_date=entry.birth_date,
        district=entry.district,
        identity_key=key,
        verified_by_label="census",
        expires_on=default_expiry(),
    )


# --- One-time codes -------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hmac.new(secret(), ("code:" + normalise_code(code)).encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def code_batch_create(
    *,
    community: Community,
    actor: Any,
    label: str,
    size: int,
    expires_on: date,
    basis: str = Basis.IN_PERSON,
    district: District | None = None,
) -> tuple[CodeBatch, list[str]]:
    """A batch of ``size`` codes. The plain codes are returned once, for printing; only their
    keyed hashes are stored."""
    if not 1 <= size <= 500:
        raise VerificationError("bad_size", _("A sheet holds from 1 to 500 codes."))
    if expires_on <= timezone.localdate():
        raise VerificationError("bad_expiry", _("The expiry date must be in the future."))
    if basis not in BASES or basis == Basis.PROVIDER:
        raise VerificationError("bad_basis", _("Choose the basis the codes confirm."))
    codes: list[str] = []
    while len(codes) < size:
        code = _new_code()
        if code not in codes:
            codes.append(code)
    with transaction.atomic():
        batch = CodeBatch.objects.create(
            community=community,
            label=label.strip() or _("Codes"),
            basis=basis,
            district=district,
            expires_on=expires_on,
            created_by=actor,
            size=size,
        )
        OneTimeCode.objects.bulk_create(OneTimeCode(batch=batch, code_hash=code_hash(c)) for c in codes)
        audit.record(
            action="verification.codes_issued",
            actor=actor,
            obj=batch,
            community=community,
            summary={"size": size, "basis": basis, "expires_on": expires_on},
        )
    return batch, codes


def _count_attempt(key: str, limit: int) -> bool:
    """Counts one attempt; False when the limit for the window is exceeded."""
    cache.add(key, 0, CODE_ATTEMPT_WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:
        cache.set(key, 1, CODE_ATTEMPT_WINDOW_SECONDS)
        attempts = 1
    return attempts <= limit


def code_redeem(
    *, user: Any, community: Community, code: str, ip: str = "", birth_date: date | None = None
) -> Verification:
    """Redeem a one-time code. Each code works once: the UPDATE only matches an unredeemed row,
    so of two parallel redemptions exactly one succeeds. Attempts are rate-limited per account and
    per IP address."""
    user_ok = _count_attempt(f"verification:code:user:{user.pk}", CODE_ATTEMPTS_PER_USER)
    ip_ok = _count_attempt(f"verification:code:ip:{ip}", CODE_ATTEMPTS_PER_IP) if ip else True
    if not (user_ok and ip_ok):
        raise VerificationError(
            "too_many_attempts", _("Too many attempts. Wait 15 minutes and try again, or ask staff for help.")
        )
    digest = code_hash(code)
    wrong = VerificationError("bad_code", _("This code is not valid. Check it and try again."))
    if len(normalise_code(code)) != 12:
        raise wrong
    with transaction.atomic():
        row = OneTimeCode.objects.select_related("batch", "batch__district").filter(code_hash=digest).first()
        if row is None or row.batch.community_id != community.pk:
            raise wrong
        if row.redeemed_at is not None:
            raise VerificationError("code_used", _("This code has already been used."))
        if row.batch.expires_on < timezone.localdate():
            raise VerificationError("code_expired", _("This code has expired. Ask for a new one."))
        claimed = OneTimeCode.objects.filter(pk=row.pk, redeemed_at__isnull=True).update(
            redeemed_at=timezone.now(), redeemed_by=user
        )
        if claimed != 1:
            raise VerificationError("code_used", _("This code has already been used."))
        verification = verification_grant(
            user=user,
            community=community,
            method="code",
            basis=row.batch.basis,
            birth_date=birth_date,
            district=row.batch.district,
            verified_by_label=f"code batch {row.batch_id}",
            expires_on=default_expiry(),
        )
    return verification


def verification_anonymise(user: Any) -> None:
    """Account deletion: drop every document file, fingerprint and birth date of the person; end
    their confirmations (history rows stay, without personal data)."""
    for submission in DocumentSubmission.objects.filter(verification__user=user):
        _delete_file(submission)
    Verification.objects.filter(user=user, status__in=[VerificationStatus.ACTIVE, VerificationStatus.PENDING]).update(
        status=VerificationStatus.REVOKED, revoked_at=timezone.now(), decision_reason="account deleted"
    )
    Verification.objects.filter(user=user).update(identity_key="", birth_date=None)
