"""One-time codes issued in person (at an IDP hub or the council's service centre): printed once,
stored as keyed hashes, each redeemable once, attempts limited (``accounts.throttle``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.accounts import throttle
from uchast.core import audit
from uchast.core.models import Community, District
from uchast.eligibility import BASES
from uchast.verification.identity import secret
from uchast.verification.models import Basis, CodeBatch, OneTimeCode, Verification
from uchast.verification.services.grants import (
    VerificationError,
    default_expiry,
    person_key_from,
    verification_grant,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


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
    number_required: bool = True,
) -> tuple[CodeBatch, list[str]]:
    """A batch of ``size`` codes. The plain codes are returned once, for printing; only their
    keyed hashes are stored. ``number_required``: redeeming needs the resident's person number."""
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
            number_required=number_required,
            created_by=actor,
            size=size,
        )
        OneTimeCode.objects.bulk_create(OneTimeCode(batch=batch, code_hash=code_hash(c)) for c in codes)
        audit.record(
            action="verification.codes_issued",
            actor=actor,
            obj=batch,
            community=community,
            summary={"size": size, "basis": basis, "expires_on": expires_on, "number_required": number_required},
        )
    return batch, codes


def code_redeem(
    *,
    user: Any,
    community: Community,
    code: str,
    ip: str = "",
    birth_date: date | None = None,
    person_kind: str = "",
    person_number: str = "",
) -> Verification:
    """Redeem a one-time code. Each code works once: the UPDATE only matches an unredeemed row,
    so of two parallel redemptions exactly one succeeds. Attempts are limited per account and per
    IP address (``code_redeem`` in ``UCHAST_THROTTLES``), in the store all workers share. The person
    number (checked before the code is used, so a typo does not spend it) gives the person key; a
    sheet that requires it refuses a redemption without it."""
    throttle.check("code_redeem", account=user, ip=ip)
    digest = code_hash(code)
    wrong = VerificationError("bad_code", _("This code is not valid. Check it and try again."))
    if len(normalise_code(code)) != 12:
        raise wrong
    person_key = person_key_from("", "", person_kind, person_number)
    with transaction.atomic():
        row = OneTimeCode.objects.select_related("batch", "batch__district").filter(code_hash=digest).first()
        if row is None or row.batch.community_id != community.pk:
            raise wrong
        if row.redeemed_at is not None:
            raise VerificationError("code_used", _("This code has already been used."))
        if row.batch.expires_on < timezone.localdate():
            raise VerificationError("code_expired", _("This code has expired. Ask for a new one."))
        if row.batch.number_required and not person_key:
            raise VerificationError(
                "number_required",
                _("This code needs your РНОКПП (or, if you have none, your passport or birth-certificate number)."),
            )
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
            person_key=person_key,
            verified_by_label=f"code batch {row.batch_id}",
            expires_on=default_expiry(),
        )
    return verification
