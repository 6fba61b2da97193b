"""Verification methods: one small interface, a registry by name, a per-community switch.

A method says what it is (name, label, description, the bases it can give) and where the resident
starts it. The work itself is done by the services each method's view calls, and every method ends
in :func:`uchast.verification.services.verification_grant`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from uchast.core.models import Community
from uchast.verification.models import MethodSetting, OidcProvider


@dataclass(frozen=True)
class MethodEntry:
    """One way the resident can start (an OIDC method gives one entry per provider)."""

    name: str
    label: Any
    description: Any
    url: str


class VerificationMethod:
    name: str = ""
    label: Any = ""
    description: Any = ""
    bases: tuple[str, ...] = ()
    order: int = 50

    def entries(self, community: Community) -> list[MethodEntry]:
        return [MethodEntry(self.name, self.label, self.description, reverse(f"verification:{self.name}"))]


class DocumentReview(VerificationMethod):
    name = "document"
    label = _("Send a photo of your document")
    description = _(
        "Upload the IDP certificate or the passport page with the registered address. Staff check it, "
        "usually within two working days; the file is deleted after the decision."
    )
    bases = ("idp", "registered")
    order = 30


class CensusList(VerificationMethod):
    name = "census"
    label = _("Find yourself in the council's list")
    description = _("If the council listed you, enter your number and birth date and you are confirmed at once.")
    bases = ("census", "registered", "idp", "in_person")
    order = 20


class OneTimeCodes(VerificationMethod):
    name = "code"
    label = _("Enter a code from an IDP hub or ЦНАП")
    description = _("Staff at an IDP hub or ЦНАП check your documents in person and give you a one-time code.")
    bases = ("in_person",)
    order = 40


class OidcLogin(VerificationMethod):
    name = "oidc"
    label = _("Sign in with an identity provider")
    description = _("Confirm yourself with a digital identity (for example a bank or a state e-service).")
    bases = ("provider", "registered")
    order = 10

    def entries(self, community: Community) -> list[MethodEntry]:
        providers = OidcProvider.objects.filter(community=community, enabled=True).order_by("name")
        return [
            MethodEntry(
                self.name,
                _("Sign in with %(provider)s") % {"provider": p.name},
                self.description,
                reverse("verification:oidc_start", args=[p.slug]),
            )
            for p in providers
        ]


METHODS: dict[str, VerificationMethod] = {}


def register(method: VerificationMethod) -> None:
    METHODS[method.name] = method


for _method in (OidcLogin(), CensusList(), DocumentReview(), OneTimeCodes()):
    register(_method)


def is_enabled(community: Community, name: str) -> bool:
    if name not in METHODS:
        return False
    setting = MethodSetting.objects.filter(community=community, method=name).first()
    return setting is None or setting.enabled


def enabled_methods(community: Community) -> list[VerificationMethod]:
    switched_off = set(
        MethodSetting.objects.filter(community=community, enabled=False).values_list("method", flat=True)
    )
    return sorted((m for n, m in METHODS.items() if n not in switched_off), key=lambda m: m.order)


def method_entries(community: Community) -> list[MethodEntry]:
    return [entry for method in enabled_methods(community) for entry in method.entries(community)]
