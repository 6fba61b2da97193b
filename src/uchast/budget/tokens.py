"""The identifiers a ballot carries instead of its voter: the keyed voter token, the receipt code a
voter keeps, and the voter id under which the ballot is published. Pure functions of their inputs
(and ``settings.IDENTITY_HASH_KEY``); no query."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings


def voter_token(cycle: Any, user: Any) -> str:
    """Keyed hash linking a person to their ballot (needed to replace it before close). Without the
    key it reveals nothing; the ballot row stores only this. ``cycle`` and ``user`` need only ``pk``."""
    message = f"budget-voter:{cycle.pk}:{user.pk}".encode()
    return hmac.new(settings.IDENTITY_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_receipt_code() -> str:
    # 32 symbols divide 256, so a random byte modulo 32 is uniform: 60 random bits per code.
    raw = "".join(_RECEIPT_ALPHABET[byte % 32] for byte in secrets.token_bytes(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_receipt(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw


def receipt_voter_id(receipt: str) -> str:
    """The voter id of a ballot in the published file: a hash of its receipt code."""
    return hashlib.sha256(f"uchast-receipt:{receipt}".encode()).hexdigest()[:20]
