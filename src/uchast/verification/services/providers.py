"""Identity providers (OpenID Connect) of a community, as administrators configure them. The sign-in
itself is ``uchast.verification.oidc``."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from uchast.core import audit
from uchast.core.models import Community
from uchast.verification.identity import NUMBER_KINDS
from uchast.verification.models import OidcProvider
from uchast.verification.services.grants import VerificationError

#: The fields of the claims map, and the claim each reads when the map leaves it out.
PROVIDER_CLAIM_FIELDS = ("birth_date", "katottg", "document_number")
PROVIDER_VALIDITY_MAX_DAYS = 3650
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
_CLAIM_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")  # RFC 6749 scope-token
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: Environment variables the platform itself reads for its secrets: a provider naming one of them
#: would send that secret to the provider's token endpoint.
RESERVED_ENV_NAMES = frozenset(
    {
        "SECRET_KEY",
        "IDENTITY_HASH_KEY",
        "PERSON_KEY_SECRET",
        "VOTER_TOKEN_KEY",
        "DATABASE_URL",
        "CACHE_URL",
        "EMAIL_URL",
    }
)


class ProviderConfigError(VerificationError):
    """Refused provider settings; ``errors`` maps each form field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("provider_invalid", _("The identity provider was not saved; correct the marked fields."))
        self.errors = errors


def _slug_problem(community: Community, provider: OidcProvider | None, slug: str) -> str | None:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or len(slug) > 40:
        return _("Use 1 to 40 small Latin letters, digits and hyphens, for example bankid.")
    taken = OidcProvider.objects.filter(community=community, slug=slug)
    if provider is not None:
        taken = taken.exclude(pk=provider.pk)
    if taken.exists():
        return _("Another identity provider of this community already uses this short name.")
    return None


def _issuer_problem(issuer: str) -> str | None:
    try:
        URLValidator(schemes=["https", "http"])(issuer)
        parts = urlsplit(issuer)
    except ValidationError:
        return _("Enter the issuer's address, for example https://id.example.gov.ua.")
    if len(issuer) > 200 or parts.query or parts.fragment:
        return _("The issuer is an address of up to 200 characters without ? or #.")
    if parts.scheme != "https" and not (settings.DEBUG or parts.hostname in _LOOPBACK_HOSTS):
        return _("The issuer must use https://.")
    return None


def _secret_env_problem(name: str) -> str | None:
    if not _ENV_NAME.fullmatch(name) or len(name) > 100:
        return _(
            "Give the name of an environment variable: capital Latin letters, digits and _, for example "
            "UCHAST_OIDC_BANKID_SECRET."
        )
    if name in RESERVED_ENV_NAMES:
        return _("This variable holds a secret of the platform itself; choose another name.")
    return None


def _scopes_problem(scopes: list[str]) -> str | None:
    if "openid" not in scopes:
        return _("The scopes must include openid.")
    if not all(_SCOPE_TOKEN.fullmatch(s) for s in scopes) or len(" ".join(scopes)) > 200:
        return _("Separate scopes with spaces; up to 200 characters without quotes or backslashes.")
    return None


def _claims_problems(claims_map: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, path in claims_map.items():
        if key not in PROVIDER_CLAIM_FIELDS:
            errors["claims_map"] = _("Unknown field in the claims map.")
        elif not _CLAIM_PATH.fullmatch(path) or len(path) > 100:
            errors["claim_" + key] = _(
                "A claim name, or names joined by dots for a nested claim, for example address.katottg."
            )
    return errors


def _provider_problems(
    *,
    community: Community,
    provider: OidcProvider | None,
    slug: str,
    name: str,
    issuer: str,
    client_id: str,
    client_secret_env: str,
    scopes: list[str],
    claims_map: dict[str, str],
    identity_kind: str,
    validity_days: int,
) -> dict[str, str]:
    """What is wrong with each field (field name → message); empty when the settings can be saved."""
    problems = {
        "slug": _slug_problem(community, provider, slug),
        "name": _("Give a name of up to 120 characters.") if not name or len(name) > 120 else None,
        "issuer": _issuer_problem(issuer),
        "client_id": (
            _("Give the client id the provider issued: up to 200 characters, no spaces.")
            if not client_id or len(client_id) > 200 or any(c.isspace() for c in client_id)
            else None
        ),
        "client_secret_env": _secret_env_problem(client_secret_env),
        "scopes": _scopes_problem(scopes),
        "identity_kind": (
            _("Choose the kind of document number.")
            if identity_kind not in {value for value, _label in NUMBER_KINDS}
            else None
        ),
        "validity_days": (
            _("A confirmation is valid from 1 to 3650 days.")
            if not 1 <= validity_days <= PROVIDER_VALIDITY_MAX_DAYS
            else None
        ),
    }
    return {field: message for field, message in problems.items() if message} | _claims_problems(claims_map)


def oidc_provider_save(
    *,
    community: Community,
    actor: Any,
    provider: OidcProvider | None = None,
    slug: str,
    name: str,
    issuer: str,
    client_id: str,
    client_secret_env: str,
    scopes: str,
    claims_map: dict[str, str],
    identity_kind: str,
    validity_days: int,
) -> OidcProvider:
    """Add an identity provider to ``community`` (``provider`` is None) or change ``provider``.

    Only the *name* of the environment variable with the client secret is stored, never the secret.
    Refused with :class:`ProviderConfigError` (every bad field at once); the slug is unique per
    community (a database constraint, so two parallel saves cannot both take it). A new provider
    starts enabled.
    """
    if provider is not None and provider.community_id != community.pk:
        raise VerificationError("not_found", _("This identity provider does not exist."))
    values: dict[str, Any] = {
        "slug": slug.strip(),
        "name": name.strip(),
        "issuer": issuer.strip(),
        "client_id": client_id.strip(),
        "client_secret_env": client_secret_env.strip(),
        "scopes": " ".join(scopes.split()),
        "claims_map": {k: v.strip() for k, v in claims_map.items() if v and v.strip()},
        "identity_kind": identity_kind,
        "validity_days": validity_days,
    }
    errors = _provider_problems(
        community=community, provider=provider, **{**values, "scopes": values["scopes"].split()}
    )
    if errors:
        raise ProviderConfigError(errors)
    try:
        with transaction.atomic():
            if provider is None:
                provider = OidcProvider.objects.create(community=community, enabled=True, **values)
                action, changed = "verification.provider_added", sorted(values)
            else:
                locked = OidcProvider.objects.select_for_update().get(pk=provider.pk)
                changed = sorted(k for k, v in values.items() if getattr(locked, k) != v)
                if not changed:
                    return locked
                for key, value in values.items():
                    setattr(locked, key, value)
                locked.save()
                provider, action = locked, "verification.provider_changed"
            audit.record(
                action=action,
                actor=actor,
                obj=provider,
                community=community,
                # Settings only: the secret is never known here, just the variable's name.
                summary={"slug": provider.slug, "changed": {k: values[k] for k in changed}},
            )
    except IntegrityError:
        raise ProviderConfigError(
            {"slug": _("Another identity provider of this community already uses this short name.")}
        ) from None
    return provider


def oidc_provider_set_enabled(*, provider: OidcProvider, enabled: bool, actor: Any) -> OidcProvider:
    """Switch a provider on or off. A switched-off provider disappears from the start page, and its
    sign-in and any answer still on its way are refused; confirmations already given stay."""
    with transaction.atomic():
        locked = OidcProvider.objects.select_for_update().get(pk=provider.pk)
        if locked.enabled != enabled:
            locked.enabled = enabled
            locked.save(update_fields=["enabled"])
            audit.record(
                action="verification.provider_switched",
                actor=actor,
                obj=locked,
                community=locked.community,
                summary={"slug": locked.slug, "enabled": enabled},
            )
    return locked
