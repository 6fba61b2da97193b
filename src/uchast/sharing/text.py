"""A share as printable text: ``<scope>-<k>-<index>-<value>-<check>``.

``value`` is the share's 32 bytes in RFC 4648 base32 (52 letters and digits 2-7, no padding),
printed in groups of four; ``check`` is 8 base32 characters of a SHA-256 over everything before it.
Reading ignores spaces, line breaks and case, so a share copied from paper reads back; a typo
anywhere (scope, index, value) breaks the check, so it is told apart from a share that is well
typed but belongs to another scope, or is simply not one of the shares of the secret (the caller
compares :func:`share_digest` with the digests kept when the secret was split).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from uchast.sharing.shamir import MAX_SHARES, PRIME, Share

_VALUE_LENGTH = 52
_CHECK_LENGTH = 8
_GROUP = 4


class ShareTextError(ValueError):
    """The text is not a share (``reason`` = ``malformed``) or is mistyped (``checksum``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _encode_value(value: int) -> str:
    return base64.b32encode(value.to_bytes(32, "big")).decode().rstrip("=")


def _check(scope: int, threshold: int, index: int, value_text: str) -> str:
    digest = hashlib.sha256(f"uchast-share:{scope}:{threshold}:{index}:{value_text}".encode()).digest()
    return base64.b32encode(digest[:5]).decode()


def format_share(scope: int, share: Share) -> str:
    """The share as text to print: value in groups of four letters."""
    value_text = _encode_value(share.value)
    grouped = " ".join(value_text[i : i + _GROUP] for i in range(0, len(value_text), _GROUP))
    check = _check(scope, share.threshold, share.index, value_text)
    return f"{scope}-{share.threshold}-{share.index}-{grouped}-{check}"


def parse_share(text: str) -> tuple[int, Share]:
    """The scope and the share written in ``text``; ``ShareTextError`` when it is no share or
    mistyped."""
    compact = re.sub(r"\s+", "", text).upper()
    parts = compact.split("-")
    if len(parts) != 5 or not all(p.isdigit() for p in parts[:3]):
        raise ShareTextError("malformed")
    scope, threshold, index = (int(p) for p in parts[:3])
    value_text, check = parts[3], parts[4]
    if len(value_text) != _VALUE_LENGTH or len(check) != _CHECK_LENGTH:
        raise ShareTextError("malformed")
    if _check(scope, threshold, index, value_text) != check:
        raise ShareTextError("checksum")
    try:
        value = int.from_bytes(base64.b32decode(value_text + "===="), "big")
    except (binascii.Error, ValueError) as error:
        raise ShareTextError("malformed") from error
    if not (1 <= threshold <= MAX_SHARES and 1 <= index <= MAX_SHARES and value < PRIME):
        raise ShareTextError("malformed")
    return scope, Share(index=index, value=value, threshold=threshold)


def share_digest(scope: int, share: Share) -> str:
    """A digest to recognise a genuine share later without keeping it: SHA-256 of scope, index and
    value. A share's value is a uniformly random 255-bit number (k >= 2), so the digest cannot be
    inverted by trying values; for k = 1 the share is the secret itself, which only the digest of a
    256-bit random number protects just as well."""
    return hashlib.sha256(f"uchast-share-digest:{scope}:{share.index}:{share.value}".encode()).hexdigest()
