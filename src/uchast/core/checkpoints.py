"""Signed checkpoints of the audit chain: what lets people outside the council check its history.

The chain alone proves only that the log is consistent with itself: whoever can write to the
database can rewrite the last entries and recompute their hashes, or delete them and step the head
back. A *checkpoint* is the chain's head (sequence and hash) at a moment, signed with an Ed25519 key
that lives only in the server's environment (``AUDIT_SIGNING_KEY``), and published every day. An
observer who keeps checkpoints (the feed, or the file) detects any rewrite of history before the
last one they hold: the entry at that sequence no longer has that hash, or is gone.

The signed message is plain text, so anyone can verify it with any Ed25519 tool::

    uchast-audit-checkpoint v1
    sequence: 1234
    hash: <64 hex digits>
    signed-at: 2026-12-04T00:00:00.000000+00:00

This module is about keys and messages only; storing and publishing is ``core.audit`` and views.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

VERSION = "uchast-audit-checkpoint v1"


class SigningKeyError(ValueError):
    """``AUDIT_SIGNING_KEY`` is not the base64 of 32 bytes."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def load_signing_key(text: str) -> SigningKey:
    """The signing key from its environment form: base64 of the 32-byte Ed25519 seed."""
    try:
        seed = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SigningKeyError("AUDIT_SIGNING_KEY is not base64") from None
    if len(seed) != 32:
        raise SigningKeyError("AUDIT_SIGNING_KEY must be the base64 of 32 bytes")
    return SigningKey(seed)


def new_key_pair() -> tuple[str, str]:
    """(secret for ``AUDIT_SIGNING_KEY``, public key to publish), both base64."""
    key = SigningKey.generate()
    return _b64(bytes(key)), _b64(key.verify_key.encode())


def public_key_of(key: SigningKey) -> str:
    return _b64(key.verify_key.encode())


@dataclass(frozen=True)
class Checkpoint:
    """A signed head of the chain. ``public_key`` names the key that signed it (base64)."""

    sequence: int
    entry_hash: str
    signed_at: datetime
    signature: str
    public_key: str

    def message(self) -> bytes:
        return message_for(self.sequence, self.entry_hash, self.signed_at)

    def as_record(self) -> dict[str, Any]:
        return {
            "format": VERSION,
            "sequence": self.sequence,
            "hash": self.entry_hash,
            "signed_at": self.signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "signature": self.signature,
            "public_key": self.public_key,
            "message": self.message().decode("utf-8"),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Checkpoint:
        """Raises ValueError (or KeyError/TypeError) when the record is not a checkpoint."""
        if record.get("format") != VERSION:
            raise ValueError("not a v1 checkpoint")
        return cls(
            sequence=int(record["sequence"]),
            entry_hash=str(record["hash"]),
            signed_at=datetime.fromisoformat(str(record["signed_at"])),
            signature=str(record["signature"]),
            public_key=str(record["public_key"]),
        )


def message_for(sequence: int, entry_hash: str, signed_at: datetime) -> bytes:
    stamp = signed_at.astimezone(UTC).isoformat(timespec="microseconds")
    return f"{VERSION}\nsequence: {sequence}\nhash: {entry_hash}\nsigned-at: {stamp}\n".encode()


def sign(key: SigningKey, sequence: int, entry_hash: str, signed_at: datetime) -> Checkpoint:
    signature = key.sign(message_for(sequence, entry_hash, signed_at)).signature
    return Checkpoint(sequence, entry_hash, signed_at, _b64(signature), public_key_of(key))


def signature_valid(checkpoint: Checkpoint, public_key: str | None = None) -> bool:
    """Whether ``checkpoint`` was signed by ``public_key`` (default: the key it names; pass the key
    you trust, e.g. the one published on the audit page, to exclude a forged key)."""
    try:
        verify_key = VerifyKey(base64.b64decode(public_key or checkpoint.public_key, validate=True))
        verify_key.verify(checkpoint.message(), base64.b64decode(checkpoint.signature, validate=True))
    except (BadSignatureError, binascii.Error, ValueError, TypeError):
        return False
    return True
