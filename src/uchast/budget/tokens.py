"""The identifiers a ballot carries instead of its voter: the keyed voter and person tokens, the
receipt code a voter keeps, and the voter id under which the ballot is published. Pure functions of
their inputs (and ``settings.VOTER_TOKEN_KEY``, a key of its own: docs/budget.md, threat model); no
query."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings


def _keyed(message: str) -> str:
    return hmac.new(str(settings.VOTER_TOKEN_KEY).encode(), message.encode(), hashlib.sha256).hexdigest()


def voter_token(cycle: Any, user: Any) -> str:
    """Keyed hash linking an account to its online ballot, needed to replace it until voting closes
    (then it is erased). Without the key it reveals nothing. ``cycle`` and ``user`` need only ``pk``."""
    return _keyed(f"budget-voter:{cycle.pk}:{user.pk}")


def person_token(cycle: Any, person_key: str) -> str:
    """Keyed hash linking a person (their person key) to their ballots of one cycle, online and on
    paper, so the cycle's duplicate rule can flag the ballot that does not count; erased when the
    results are published."""
    return _keyed(f"budget-person:{cycle.pk}:{person_key}")


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
