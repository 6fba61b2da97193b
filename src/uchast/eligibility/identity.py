"""Identity numbers: normalise, validate, and turn into keyed hashes.

A census extract or a verification request carries an identity number. We never store
the number itself: it is normalised (so that "КВ 123456", "kb123456" and "КВ123456" are
the same person), validated (so that typos are caught while the person is still at the
desk), and turned into :func:`identity_key`, an HMAC-SHA256 under a secret kept outside
the database.

Kinds:

* ``rnokpp`` -- РНОКПП, the taxpayer card number: 10 digits. Digits 1-5 are the birth
  date as a count of days since 1899-12-31 (1 = 1900-01-01); digit 10 is a control digit
  (weights -1, 5, 7, 9, 4, 6, 10, 5, 7 over digits 1-9; the weighted sum mod 11, then
  mod 10). Digit 9 encodes sex by parity; we deliberately expose nothing about it.
* ``id_card`` -- the number of the ID-card passport: 9 digits (no public control digit).
* ``passport_book`` -- the old booklet passport: a series of 2 Cyrillic letters and 6
  digits. Latin look-alikes (A, B, C, E, H, I, K, M, O, P, T, X, Y, either case) are
  read as the Cyrillic letters they imitate, because people and OCR type them
  interchangeably.
* ``idp_certificate`` -- the number of the IDP registration certificate (довідка про
  взяття на облік внутрішньо переміщеної особи). Its printed layout has changed over
  time, so the format is deliberately permissive: digits with optional dashes/spaces, 4
  to 20 digits; the normal form keeps the digits only.
* ``birth_certificate`` -- the birth certificate (свідоцтво про народження) of a child
  without an РНОКПП or passport: a series of a Roman numeral, a hyphen and 2 Cyrillic
  letters, then 6 digits ("I-БК №123456"). The numeral is read in Latin letters (Cyrillic
  І and Х become I and X); the letters as for the passport booklet. Normal form
  ``I-БК123456``.

People who refused an РНОКПП for religious reasons have a passport without one; that is
why passport kinds exist alongside it. Errors are :class:`IdentityNumberError` with a
stable ``code`` and ``params`` for translation.

**The person key** (:func:`person_key`): one key per human being, whichever method proved
them, derived from the *person number*: the РНОКПП, or for a person without one the
passport (ID card or booklet) or, for a child, the birth certificate
(:data:`PERSON_KINDS`; an IDP certificate names a registration, not a person, so it never
gives a person key). It is an HMAC, under a second secret, of the identity key of that
number, so stored identity keys can be turned into person keys without the plain numbers.

Pure module: no Django import.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

__all__ = [
    "IDP_CERTIFICATE_MAX_DIGITS",
    "IDP_CERTIFICATE_MIN_DIGITS",
    "MIN_SECRET_BYTES",
    "PERSON_KINDS",
    "RNOKPP_EPOCH",
    "IdentityKind",
    "IdentityNumberError",
    "identity_key",
    "is_person_kind",
    "normalise_identity_number",
    "person_key",
    "rnokpp_birth_date",
    "rnokpp_check_digit",
    "rnokpp_matches_birth_date",
]


class IdentityKind(StrEnum):
    """The kinds of identity number the platform accepts."""

    RNOKPP = "rnokpp"
    ID_CARD = "id_card"
    PASSPORT_BOOK = "passport_book"
    IDP_CERTIFICATE = "idp_certificate"
    BIRTH_CERTIFICATE = "birth_certificate"


#: The kinds of *person number* a person key is derived from, in the order a person uses them:
#: the РНОКПП whenever the person has one; otherwise a passport; a child, the birth certificate.
PERSON_KINDS: Final[tuple[IdentityKind, ...]] = (
    IdentityKind.RNOKPP,
    IdentityKind.ID_CARD,
    IdentityKind.PASSPORT_BOOK,
    IdentityKind.BIRTH_CERTIFICATE,
)


class IdentityNumberError(ValueError):
    """An identity number that cannot be accepted.

    ``code`` is one of ``unknown_kind``, ``empty``, ``invalid_characters``,
    ``wrong_length``, ``bad_series``, ``bad_checksum``, ``not_normalised``,
    ``weak_secret``; ``params`` holds plain values for the translated message (never the
    full number, which must not reach logs).
    """

    def __init__(self, code: str, message: str, **params: str | int) -> None:
        super().__init__(message)
        self.code = code
        self.params: Mapping[str, str | int] = MappingProxyType(params)


#: Day 0 of the РНОКПП date count; day 1 is 1900-01-01.
RNOKPP_EPOCH: Final[date] = date(1899, 12, 31)
_RNOKPP_WEIGHTS: Final[tuple[int, ...]] = (-1, 5, 7, 9, 4, 6, 10, 5, 7)

IDP_CERTIFICATE_MIN_DIGITS: Final[int] = 4
IDP_CERTIFICATE_MAX_DIGITS: Final[int] = 20

#: Shortest HMAC secret accepted. With ~10^9 possible РНОКПП values, the keys are only as
#: safe as the secret: a guessable one makes every key reversible by enumeration.
MIN_SECRET_BYTES: Final[int] = 16

# Separators people type or OCR produces inside numbers: spaces of every width, hyphens
# and dashes, the numero sign.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212№]+")

_UKRAINIAN_CAPITALS: Final[frozenset[str]] = frozenset("АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ")
_LATIN_LOOKALIKES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "A": "А",
        "B": "В",
        "C": "С",
        "E": "Е",
        "H": "Н",
        "I": "І",
        "K": "К",
        "M": "М",
        "O": "О",
        "P": "Р",
        "T": "Т",
        "X": "Х",
        "Y": "У",
    }
)


def _clean(kind: IdentityKind, raw: str) -> str:
    # NFKC folds full-width digits and compatibility letters into their plain forms.
    # Separators go before NFKC too, because NFKC spells "№" as the letters "No".
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", _SEPARATORS.sub("", raw)))
    if not text:
        raise IdentityNumberError("empty", "the number is empty", kind=str(kind))
    return text


def _require_digits(kind: IdentityKind, text: str) -> None:
    if not (text.isascii() and text.isdigit()):
        raise IdentityNumberError("invalid_characters", "the number may contain digits only", kind=str(kind))


def _require_length(kind: IdentityKind, text: str, expected: int) -> None:
    if len(text) != expected:
        raise IdentityNumberError(
            "wrong_length",
            f"expected {expected} characters, got {len(text)}",
            kind=str(kind),
            expected_length=expected,
            length=len(text),
        )


def rnokpp_check_digit(first_nine_digits: str) -> int:
    """The control digit for the first 9 digits of an РНОКПП.

    Precondition: exactly 9 ASCII digits. Python's ``%`` is non-negative, so the
    (theoretical) negative weighted sums are handled consistently.
    """
    if len(first_nine_digits) != 9 or not (first_nine_digits.isascii() and first_nine_digits.isdigit()):
        raise ValueError("expected exactly 9 digits")
    total = sum(weight * int(digit) for weight, digit in zip(_RNOKPP_WEIGHTS, first_nine_digits, strict=True))
    return total % 11 % 10


def _normalise_rnokpp(raw: str) -> str:
    kind = IdentityKind.RNOKPP
    text = _clean(kind, raw)
    _require_digits(kind, text)
    _require_length(kind, text, 10)
    if rnokpp_check_digit(text[:9]) != int(text[9]):
        raise IdentityNumberError(
            "bad_checksum",
            "the control digit does not match; check for a typo",
            kind=str(kind),
        )
    return text


def _normalise_id_card(raw: str) -> str:
    kind = IdentityKind.ID_CARD
    text = _clean(kind, raw)
    _require_digits(kind, text)
    _require_length(kind, text, 9)
    return text


def _normalise_passport_book(raw: str) -> str:
    kind = IdentityKind.PASSPORT_BOOK
    text = _clean(kind, raw).upper()
    _require_length(kind, text, 8)
    series = "".join(_LATIN_LOOKALIKES.get(letter, letter) for letter in text[:2])
    if any(letter not in _UKRAINIAN_CAPITALS for letter in series):
        raise IdentityNumberError(
            "bad_series",
            "the series must be two Ukrainian Cyrillic letters",
            kind=str(kind),
        )
    digits = text[2:]
    _require_digits(kind, digits)
    return series + digits


def _normalise_idp_certificate(raw: str) -> str:
    kind = IdentityKind.IDP_CERTIFICATE
    text = _clean(kind, raw)
    _require_digits(kind, text)
    if not IDP_CERTIFICATE_MIN_DIGITS <= len(text) <= IDP_CERTIFICATE_MAX_DIGITS:
        raise IdentityNumberError(
            "wrong_length",
            f"expected {IDP_CERTIFICATE_MIN_DIGITS} to {IDP_CERTIFICATE_MAX_DIGITS} digits, got {len(text)}",
            kind=str(kind),
            min_length=IDP_CERTIFICATE_MIN_DIGITS,
            max_length=IDP_CERTIFICATE_MAX_DIGITS,
            length=len(text),
        )
    return text


_ROMAN_NUMERAL = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
_ROMAN_LOOKALIKES: Final[Mapping[str, str]] = MappingProxyType({"І": "I", "Х": "X"})


def _normalise_birth_certificate(raw: str) -> str:
    kind = IdentityKind.BIRTH_CERTIFICATE
    text = _clean(kind, raw).upper()
    if len(text) < 9:
        raise IdentityNumberError("wrong_length", "expected a series and 6 digits", kind=str(kind), length=len(text))
    numeral = "".join(_ROMAN_LOOKALIKES.get(letter, letter) for letter in text[:-8])
    letters = "".join(_LATIN_LOOKALIKES.get(letter, letter) for letter in text[-8:-6])
    digits = text[-6:]
    if not numeral or not _ROMAN_NUMERAL.fullmatch(numeral) or any(c not in _UKRAINIAN_CAPITALS for c in letters):
        raise IdentityNumberError(
            "bad_series",
            "the series must be a Roman numeral and two Ukrainian Cyrillic letters",
            kind=str(kind),
        )
    _require_digits(kind, digits)
    return f"{numeral}-{letters}{digits}"


_NORMALISERS: Final = MappingProxyType(
    {
        IdentityKind.RNOKPP: _normalise_rnokpp,
        IdentityKind.ID_CARD: _normalise_id_card,
        IdentityKind.PASSPORT_BOOK: _normalise_passport_book,
        IdentityKind.IDP_CERTIFICATE: _normalise_idp_certificate,
        IdentityKind.BIRTH_CERTIFICATE: _normalise_birth_certificate,
    }
)


def _kind(kind: IdentityKind | str) -> IdentityKind:
    try:
        return IdentityKind(kind)
    except ValueError:
        raise IdentityNumberError("unknown_kind", f"unknown identity number kind {kind!r}", kind=str(kind)) from None


def normalise_identity_number(kind: IdentityKind | str, raw: str) -> str:
    """Return the canonical form of ``raw`` for ``kind``, or raise :class:`IdentityNumberError`.

    Invariant: the result is a fixed point -- normalising it again returns it unchanged.
    """
    identity_kind = _kind(kind)
    return _NORMALISERS[identity_kind](raw)


def rnokpp_birth_date(number: str) -> date | None:
    """The birth date encoded in an РНОКПП, or None when digits 1-5 are ``00000``.

    ``number`` is normalised and validated first (so a typo raises instead of giving a
    wrong date).
    """
    normalised = _normalise_rnokpp(number)
    days = int(normalised[:5])
    if days == 0:
        return None
    return RNOKPP_EPOCH + timedelta(days=days)


def rnokpp_matches_birth_date(number: str, birth_date: date) -> bool:
    """Whether ``birth_date`` is the date encoded in the РНОКПП ``number``.

    A mismatch is a reason for staff to look again, not proof of fraud: numbers issued
    with a wrong date exist. False when no date is encoded.
    """
    return rnokpp_birth_date(number) == birth_date


def identity_key(secret: bytes, kind: IdentityKind | str, normalised_number: str) -> str:
    """Hex HMAC-SHA256 of ``"<kind>:<number>"`` under ``secret``.

    Preconditions: ``secret`` has at least :data:`MIN_SECRET_BYTES` bytes and stays the
    same for the life of the data (rotating it means re-keying every stored key);
    ``normalised_number`` is already in normal form (checked: keying a raw input would
    give the same person two keys). The kind is part of the message so that equal digit
    strings of different kinds never collide.
    """
    if len(secret) < MIN_SECRET_BYTES:
        raise IdentityNumberError(
            "weak_secret",
            f"the secret must have at least {MIN_SECRET_BYTES} bytes",
            min_bytes=MIN_SECRET_BYTES,
        )
    identity_kind = _kind(kind)
    if normalise_identity_number(identity_kind, normalised_number) != normalised_number:
        raise IdentityNumberError(
            "not_normalised",
            "normalise the number before computing its key",
            kind=str(identity_kind),
        )
    message = f"{identity_kind.value}:{normalised_number}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


_IDENTITY_KEY = re.compile(r"[0-9a-f]{64}")


def is_person_kind(kind: IdentityKind | str) -> bool:
    """Whether numbers of ``kind`` identify a person (see :data:`PERSON_KINDS`)."""
    return kind in {k.value for k in PERSON_KINDS}


def person_key(secret: bytes, identity_key_of_person_number: str) -> str:
    """Hex HMAC-SHA256 of ``"person:<identity key>"`` under ``secret``: the person key.

    Preconditions: ``identity_key_of_person_number`` is the :func:`identity_key` (64 lower-case
    hex digits) of a number of a :data:`PERSON_KINDS` kind -- the caller knows the kind, this
    function cannot; ``secret`` has at least :data:`MIN_SECRET_BYTES` bytes, differs from the
    identity key's secret and never changes (person keys outlive accounts, so they cannot be
    re-keyed). Keying the identity key (not the number) lets identity keys already stored become
    person keys, and means whoever holds only one of the two secrets cannot enumerate numbers.
    """
    if len(secret) < MIN_SECRET_BYTES:
        raise IdentityNumberError(
            "weak_secret",
            f"the secret must have at least {MIN_SECRET_BYTES} bytes",
            min_bytes=MIN_SECRET_BYTES,
        )
    if not _IDENTITY_KEY.fullmatch(identity_key_of_person_number):
        raise IdentityNumberError("not_normalised", "expected an identity key (64 hex digits)")
    message = f"person:{identity_key_of_person_number}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
