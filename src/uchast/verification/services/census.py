"""The council's census list: imported from CSV as keyed hashes (never plain numbers); a resident
listed with their number and birth date is confirmed at once.

Guessing is slowed three ways: claims are limited per account, address and birth date (a known
birth date leaves 10,000 РНОКПП to try, so all guesses for one birth date count together, whoever
makes them); and an entry whose number is claimed with wrong birth dates too often is locked until
staff review it, and its owner is told."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.accounts import throttle
from uchast.core import audit, notifications
from uchast.core.models import Community, District
from uchast.eligibility import BASES, IdentityNumberError
from uchast.verification.identity import identity_error_message, key_for
from uchast.verification.models import Basis, CensusEntry, CensusImport, Verification, VerificationStatus
from uchast.verification.services.grants import (
    VerificationError,
    default_expiry,
    identity_key_of,
    mark_revoked,
    person_key_from,
    require_identity_free,
    verification_grant,
)

CENSUS_COLUMNS = ("number", "kind", "birth_date", "basis")
#: Bounds of an import: a value longer than any real one (a number, a date, a district code) or a
#: file larger than a community's list is refused with the line named, never parsed at length.
CENSUS_MAX_FIELD = 200
CENSUS_MAX_ROWS = 500_000
CENSUS_MAX_BYTES = 20 * 1024 * 1024
_MAX_REPORTED = 50  # faulty lines listed before reading stops


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


#: One listed person, keyed by their identity key: birth date, basis, district (or None).
Listed = tuple[date, str, District | None]


class _BadLine(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _census_line(row: list[str], index: dict[str, int], districts: dict[str, District]) -> tuple[str, Listed]:
    """One line of the list as (identity key, facts); ``_BadLine`` says what is wrong with it."""
    kind = row[index["kind"]].strip().lower()
    try:
        key = key_for(kind, row[index["number"]])
    except IdentityNumberError as error:
        raise _BadLine(identity_error_message(error)) from None
    birth_date = _parse_date(row[index["birth_date"]])
    if birth_date is None:
        raise _BadLine(_("Birth date must look like 2001-05-17 or 17.05.2001."))
    basis = row[index["basis"]].strip().lower()
    if basis not in BASES or basis == Basis.PROVIDER:
        raise _BadLine(_("Unknown basis; use registered, idp, census or in_person."))
    district = None
    code = row[index["district"]].strip() if "district" in index else ""
    if code:
        district = districts.get(code)
        if district is None:
            raise _BadLine(_("Unknown district code."))
    return key, (birth_date, basis, district)


def _unreadable() -> str:
    return _("The line cannot be read as CSV (a value is far too long or malformed).")


def _too_long() -> str:
    return _("A value is longer than %(max)d characters.") % {"max": CENSUS_MAX_FIELD}


def _records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str] | _BadLine]]:
    """``(line number, values)`` of each record after the header; a record the CSV reader cannot
    take (a field over its own limit, e.g. 5 MB in one cell) or with a value longer than
    ``CENSUS_MAX_FIELD`` comes as ``(line number, _BadLine)``, and reading stops after the first
    reader fault (what follows it cannot be trusted)."""
    line_number = 1
    while True:
        line_number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield line_number, _BadLine(_unreadable())
            return
        yield line_number, (_BadLine(_too_long()) if any(len(cell) > CENSUS_MAX_FIELD for cell in row) else row)


def _census_header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error:
        raise CensusImportError([(1, _unreadable())]) from None
    if any(len(h) > CENSUS_MAX_FIELD for h in header):
        raise CensusImportError([(1, _too_long())])
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
    return header


def _census_rows(text: str, districts: dict[str, District]) -> dict[str, Listed]:
    """Every person of the CSV ``text``, or a refusal listing the bad lines (at most
    ``_MAX_REPORTED`` of them) or naming the line past ``CENSUS_MAX_ROWS``."""
    head = text[:65536].splitlines()  # the header, without splitting a 20 MB text into lines
    first_line = head[0] if head else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = _census_header(reader)
    index = {name: header.index(name) for name in header}
    rows: dict[str, Listed] = {}
    errors: list[tuple[int, str]] = []
    for line_number, row in _records(reader):
        if line_number > CENSUS_MAX_ROWS + 1:
            message = _("The list is longer than %(max)d people, the most one import takes.") % {"max": CENSUS_MAX_ROWS}
            errors.append((line_number, message))
            break
        if isinstance(row, _BadLine):
            errors.append((line_number, row.message))
        elif any(cell.strip() for cell in row):
            try:
                if len(row) < len(header):
                    raise _BadLine(_("Too few values in the line."))
                key, listed = _census_line(row, index, districts)
                if key in rows:
                    raise _BadLine(_("The same person is listed twice."))
            except _BadLine as error:
                errors.append((line_number, error.message))
            else:
                rows[key] = listed
        if len(errors) >= _MAX_REPORTED:
            errors.append((0, _("Reading stopped here: fix these lines first.")))
            break
    if errors:
        raise CensusImportError(errors)
    if not rows:
        raise CensusImportError([(0, _("The file has a header but no people."))])
    return rows


def census_import(*, community: Community, actor: Any, data: bytes) -> CensusReport:
    """Replace the census list with the CSV ``data`` (columns number, kind, birth_date, basis and
    optionally district; comma or semicolon; UTF-8 or Windows-1251). Any bad line: nothing changes
    and every bad line is reported. Only keyed hashes are stored."""
    if len(data) > CENSUS_MAX_BYTES:
        limit = CENSUS_MAX_BYTES // (1024 * 1024)
        raise CensusImportError([(0, _("The file is too large; the limit is %(mb)d MB.") % {"mb": limit})])
    if not data.strip():
        raise CensusImportError([(0, _("The file is empty."))])
    rows = _census_rows(_decode(data), {d.code: d for d in District.objects.filter(community=community)})
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
    rows: dict[str, Listed],
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
        mark_revoked(
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


def census_claim(
    *,
    user: Any,
    community: Community,
    kind: str,
    number: str,
    birth_date: date,
    person_kind: str = "",
    person_number: str = "",
    ip: str = "",
) -> Verification:
    """Verified at once when the keyed number and the birth date match the census list. The person
    key comes from the number when it is a person number, else from ``person_number``.

    Every attempt counts (``census_claim`` in ``UCHAST_THROTTLES``) against the account, the address
    ``ip`` and the birth date named. A listed number claimed with another birth date counts against
    its entry (:func:`_count_failed_claim`); a locked entry confirms no one until staff unlock it.
    """
    throttle.check("census_claim", account=user, ip=ip, identity=f"{community.pk}:{birth_date.isoformat()}")
    key = identity_key_of(kind, number)
    person_key = person_key_from(kind, key, person_kind, person_number)
    entry = CensusEntry.objects.filter(community=community, identity_key=key).first()
    if entry is not None and entry.locked_at is not None:
        raise VerificationError(
            "census_locked",
            _(
                "This entry of the council's list is locked after too many failed attempts and waits "
                "for staff review. Contact the council, or choose another way to confirm."
            ),
            status=409,
        )
    if entry is None or entry.birth_date != birth_date:
        if entry is not None:
            _count_failed_claim(entry)
        raise VerificationError(
            "not_in_census",
            _(
                "We did not find this number with this birth date in the council's list. Check both, "
                "or choose another way to confirm."
            ),
        )
    require_identity_free(community, key, user)
    return verification_grant(
        user=user,
        community=community,
        method="census",
        basis=entry.basis,
        birth_date=entry.birth_date,
        district=entry.district,
        identity_key=key,
        person_key=person_key,
        verified_by_label="census",
        expires_on=default_expiry(),
    )


def _count_failed_claim(entry: CensusEntry) -> None:
    """One more claim of ``entry``'s number with a wrong birth date, committed at once (the claim is
    refused after). The claim that reaches ``UCHAST_CENSUS_LOCK_AFTER`` locks the entry (one of
    parallel claims does: the conditional UPDATE), on the audit log; the person confirmed through
    it, if any, is told by e-mail, and the staff census page lists it either way."""
    with transaction.atomic():
        CensusEntry.objects.filter(pk=entry.pk).update(failed_claims=F("failed_claims") + 1)
        locked = CensusEntry.objects.filter(
            pk=entry.pk, locked_at__isnull=True, failed_claims__gte=settings.UCHAST_CENSUS_LOCK_AFTER
        ).update(locked_at=timezone.now())
        if not locked:
            return
        # No actor: the failed claims may be anyone's, and the public log names no suspect.
        audit.record(
            action="verification.census_entry_locked",
            obj=entry,
            community=entry.community,
            summary={"failed_claims": settings.UCHAST_CENSUS_LOCK_AFTER},
        )
        owners = Verification.objects.filter(
            community=entry.community, identity_key=entry.identity_key, status=VerificationStatus.ACTIVE
        ).select_related("user")
        notifications.notify(
            recipients=[v.user for v in owners],
            topic=None,
            subject=gettext_noop("Someone tried to confirm with your census entry"),
            template="verification/email/census_locked.txt",
            url=reverse("verification:start"),
        )


def census_entry_unlock(*, entry: CensusEntry, actor: Any) -> None:
    """Staff reviewed a locked entry: it takes claims again, its count of failed claims restarts."""
    with transaction.atomic():
        unlocked = CensusEntry.objects.filter(pk=entry.pk, locked_at__isnull=False).update(
            locked_at=None, failed_claims=0
        )
        if not unlocked:
            raise VerificationError("wrong_status", _("This entry is not locked."))
        audit.record(action="verification.census_entry_unlocked", actor=actor, obj=entry, community=entry.community)
