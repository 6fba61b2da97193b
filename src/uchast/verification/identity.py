"""Identity numbers on the Django side: normalise, key with the server secret, explain errors.

The plain number only ever lives in local variables of one request; what is stored is the key.

Two keys come out of a number: the *identity key* (``IDENTITY_HASH_KEY``; one account per
identity) and, for a person number (РНОКПП, else passport, else birth certificate), the *person
key* (``PERSON_KEY_SECRET`` over the identity key; one voice per person, the participation
register). The person key has a secret of its own so that the register, which outlives
accounts, links to no stored row (census entries and verifications hold identity keys) for
anyone without that second secret (docs/eligibility.md, "Person key").
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uchast.eligibility import (
    IdentityKind,
    IdentityNumberError,
    identity_key,
    is_person_kind,
    normalise_identity_number,
    person_key,
)

#: Person numbers, in the order a person uses them (the РНОКПП whenever they have one).
PERSON_NUMBER_KINDS = [
    (IdentityKind.RNOKPP.value, gettext_lazy("РНОКПП (taxpayer number, 10 digits)")),
    (IdentityKind.ID_CARD.value, gettext_lazy("ID-card passport number (9 digits)")),
    (IdentityKind.PASSPORT_BOOK.value, gettext_lazy("passport booklet (2 letters and 6 digits)")),
    (IdentityKind.BIRTH_CERTIFICATE.value, gettext_lazy("birth certificate (for example I-БК 123456)")),
]
NUMBER_KINDS = [
    *PERSON_NUMBER_KINDS[:3],
    (IdentityKind.IDP_CERTIFICATE.value, gettext_lazy("IDP certificate number")),
    PERSON_NUMBER_KINDS[3],
]


def identity_error_message(error: IdentityNumberError) -> str:
    """A sentence for the person; never repeats the number."""
    messages = {
        "empty": _("Enter the number."),
        "invalid_characters": _("The number may contain digits only."),
        "wrong_length": _("The number has the wrong length; check it against the document."),
        "bad_series": _("The passport series must be two Ukrainian letters, for example КВ."),
        "bad_checksum": _("The number does not pass the check; there is probably a typo."),
        "unknown_kind": _("Unknown kind of number."),
        "not_person_kind": _("Enter your РНОКПП, or if you have none, your passport or birth-certificate number."),
    }
    if error.code == "bad_series" and error.params.get("kind") == IdentityKind.BIRTH_CERTIFICATE:
        return _("The series of a birth certificate is a Roman numeral and two Ukrainian letters, for example I-БК.")
    return messages.get(error.code, _("The number cannot be accepted."))


def secret() -> bytes:
    return str(settings.IDENTITY_HASH_KEY).encode()


def key_for(kind: str, raw_number: str) -> str:
    """Keyed hash of the normalised number; raises IdentityNumberError for bad input."""
    normalised = normalise_identity_number(kind, raw_number)
    return identity_key(secret(), kind, normalised)


def person_secret() -> bytes:
    return str(settings.PERSON_KEY_SECRET).encode()


def person_key_of_identity(key: str) -> str:
    """The person key of a stored identity key; the caller knows the key is of a person number."""
    return person_key(person_secret(), key)


def person_key_for(kind: str, raw_number: str) -> str:
    """The person key of a typed person number; raises IdentityNumberError for bad input or for a
    number that does not identify a person (code ``not_person_kind``: an IDP certificate)."""
    if not is_person_kind(kind):
        raise IdentityNumberError("not_person_kind", "not a person number", kind=kind)
    return person_key_of_identity(key_for(kind, raw_number))
