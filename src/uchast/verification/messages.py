"""Human words for what a resident still needs before taking part (Ukrainian and English)."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uchast.eligibility import Decision, Missing, MissingCode

BASIS_LABELS = {
    "registered": gettext_lazy("registered address in the community"),
    "idp": gettext_lazy("IDP certificate naming the community"),
    "census": gettext_lazy("listed in the council's census extract"),
    "in_person": gettext_lazy("checked in person at an IDP hub or ЦНАП"),
    "provider": gettext_lazy("confirmed by an identity provider"),
}


def _bases(values: object) -> str:
    if not isinstance(values, tuple) or not values:
        return ""
    return "; ".join(str(BASIS_LABELS.get(v, v)) for v in values)


def _date(value: object) -> str:
    return date_format(value, "DATE_FORMAT") if isinstance(value, date) else str(value)


def describe_missing(missing: Missing) -> str:
    """One sentence saying what is missing and how to fix it."""
    p = missing.params
    if missing.code == MissingCode.NOT_VERIFIED:
        if p.get("revoked"):
            return _("Your confirmation of residence was revoked. Confirm it again to take part.")
        bases = _bases(p.get("accepted_bases"))
        if bases:
            return _("You need to confirm your connection to the community. Accepted grounds: %(bases)s.") % {
                "bases": bases
            }
        return _("You need to confirm your connection to the community.")
    if missing.code == MissingCode.VERIFICATION_EXPIRED:
        return _("Your confirmation of residence expired on %(date)s. Renew it to take part.") % {
            "date": _date(p.get("expired_on"))
        }
    if missing.code == MissingCode.TOO_YOUNG:
        return _("You can take part from the age of %(age)s (from %(date)s).") % {
            "age": p.get("min_age"),
            "date": _date(p.get("eligible_on")),
        }
    if missing.code == MissingCode.BIRTH_DATE_UNKNOWN:
        return _("Taking part requires an age of %(age)s or more, and your birth date is not confirmed yet.") % {
            "age": p.get("min_age")
        }
    if missing.code == MissingCode.BASIS_NOT_ACCEPTED:
        return _("This needs a different ground of connection to the community: %(bases)s.") % {
            "bases": _bases(p.get("accepted_bases"))
        }
    if missing.code == MissingCode.DISTRICT_NOT_ELIGIBLE:
        return _("This is open only to residents of certain districts, and your district is not one of them.")
    if missing.code == MissingCode.DISTRICT_UNKNOWN:
        return _("This is open only to residents of certain districts; your district is not confirmed yet.")
    return str(format_lazy("{}", missing.code))


def describe_decision(decision: Decision) -> list[str]:
    return [describe_missing(m) for m in decision.missing]


def needs_verification(decision: Decision) -> bool:
    return any(
        m.code
        in {
            MissingCode.NOT_VERIFIED,
            MissingCode.VERIFICATION_EXPIRED,
            MissingCode.BIRTH_DATE_UNKNOWN,
            MissingCode.DISTRICT_UNKNOWN,
            MissingCode.BASIS_NOT_ACCEPTED,
        }
        for m in decision.missing
    )
