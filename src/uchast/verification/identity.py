"""Identity numbers on the Django side: normalise, key with the server secret, explain errors.

The plain number only ever lives in local variables of one request; what is stored is the key.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uchast.eligibility import IdentityKind, IdentityNumberError, identity_key, normalise_identity_number

NUMBER_KINDS = [
    (IdentityKind.RNOKPP.value, gettext_lazy("РНОКПП (taxpayer number, 10 digits)")),
    (IdentityKind.ID_CARD.value, gettext_lazy("ID-card passport number (9 digits)")),
    (IdentityKind.PASSPORT_BOOK.value, gettext_lazy("passport booklet (2 letters and 6 digits)")),
    (IdentityKind.IDP_CERTIFICATE.value, gettext_lazy("IDP certificate number")),
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
    }
    return messages.get(error.code, _("The number cannot be accepted."))


def secret() -> bytes:
    return str(settings.IDENTITY_HASH_KEY).encode()


def key_for(kind: str, raw_number: str) -> str:
    """Keyed hash of the normalised number; raises IdentityNumberError for bad input."""
    normalised = normalise_identity_number(kind, raw_number)
    return identity_key(secret(), kind, normalised)
