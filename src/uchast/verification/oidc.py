"""OpenID Connect client for identity providers (authorization code flow with PKCE).

State, nonce and the PKCE verifier live in the session under the state value and are removed on
first use, so a replayed callback is refused. The ID token's RS256/ES256 signature is checked
against the provider's JWKS, and ``iss``, ``aud``, ``exp`` and ``nonce`` are validated.
"""

from __future__ import annotations

import os
import warnings
from datetime import date
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc.errors import JoseError as JoserfcError  # Authlib 1.6+ validates through joserfc

with warnings.catch_warnings():
    # Authlib 1.x announces joserfc as the successor; authlib.jose stays supported until 2.0.
    warnings.simplefilter("ignore")
    from authlib.jose import JsonWebKey, jwt
    from authlib.jose.errors import JoseError
    from authlib.oidc.core import CodeIDToken
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from uchast.core.models import Community, District
from uchast.eligibility import IdentityNumberError
from uchast.verification.identity import key_for
from uchast.verification.models import Basis, OidcProvider, Verification
from uchast.verification.services.grants import (
    VerificationError,
    default_expiry,
    person_key_from,
    require_identity_free,
    verification_grant,
)

SESSION_KEY = "verification_oidc"
TIMEOUT = 10
MAX_PENDING = 5


def _failure(detail: str = "") -> VerificationError:
    return VerificationError(
        "oidc_failed",
        _("The identity provider could not confirm you. Try again, or choose another way.")
        + (" " + detail if detail else ""),
    )


def discovery(provider: OidcProvider) -> dict[str, Any]:
    key = f"verification:oidc:discovery:{provider.pk}:{provider.issuer}"
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(provider.issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError):
            raise _failure(_("The provider is not reachable.")) from None
        if document.get("issuer") != provider.issuer:
            raise _failure()
        cache.set(key, document, 3600)
    return dict(document)


def _client_secret(provider: OidcProvider) -> str:
    value = os.environ.get(provider.client_secret_env, "")
    if not value:
        raise VerificationError("oidc_misconfigured", _("This sign-in method is not configured yet."))
    return value


def _session(provider: OidcProvider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=_client_secret(provider),
        scope=provider.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name, not a secret
    )


def begin(session_store: Any, provider: OidcProvider, redirect_uri: str) -> str:
    """The provider's authorization URL; remembers state, nonce and the PKCE verifier."""
    config = discovery(provider)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    client = _session(provider, redirect_uri)
    url, _state = client.create_authorization_url(
        config["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    pending = dict(session_store.get(SESSION_KEY, {}))
    while len(pending) >= MAX_PENDING:
        pending.pop(next(iter(pending)))
    pending[state] = {"provider": provider.pk, "nonce": nonce, "verifier": verifier}
    session_store[SESSION_KEY] = pending
    return str(url)


def _claim(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def complete(
    session_store: Any, *, user: Any, community: Community, params: dict[str, str], redirect_uri: str
) -> Verification:
    """Finish the flow: check the state (once), exchange the code with the PKCE verifier, verify the
    ID token, map claims and grant the verification."""
    state = params.get("state", "")
    pending = dict(session_store.get(SESSION_KEY, {}))
    attempt = pending.pop(state, None) if state else None
    session_store[SESSION_KEY] = pending
    if attempt is None:
        raise VerificationError(
            "oidc_state",
            _("This sign-in answer was already used or has expired. Start the sign-in with the provider again."),
        )
    provider = OidcProvider.objects.filter(pk=attempt["provider"], community=community, enabled=True).first()
    if provider is None:
        raise _failure()
    if params.get("error"):
        raise VerificationError("oidc_denied", _("The sign-in with the provider was cancelled or refused."))
    config = discovery(provider)
    client = _session(provider, redirect_uri)
    try:
        token = client.fetch_token(
            config["token_endpoint"], code=params.get("code", ""), code_verifier=attempt["verifier"], timeout=TIMEOUT
        )
        jwks = requests.get(config["jwks_uri"], timeout=TIMEOUT).json()
        claims = jwt.decode(
            token["id_token"],
            JsonWebKey.import_key_set(jwks),
            claims_cls=CodeIDToken,
            claims_options={"iss": {"essential": True, "value": provider.issuer}},
            claims_params={"nonce": attempt["nonce"], "client_id": provider.client_id},
        )
        claims.validate(leeway=60)
    except (requests.RequestException, AuthlibBaseError, JoseError, JoserfcError, KeyError, ValueError, TypeError):
        # Provider down, token refused (bad code, PKCE mismatch), bad signature or claims.
        raise _failure() from None
    values: dict[str, Any] = dict(claims)
    userinfo_endpoint = config.get("userinfo_endpoint")
    if userinfo_endpoint and token.get("access_token"):
        try:
            info = client.get(userinfo_endpoint, timeout=TIMEOUT).json()
        except (requests.RequestException, ValueError):
            info = {}
        if info.get("sub") == claims["sub"]:
            values = {**info, **values}
    return _grant_from_claims(user=user, community=community, provider=provider, claims=values)


def _grant_from_claims(
    *, user: Any, community: Community, provider: OidcProvider, claims: dict[str, Any]
) -> Verification:
    mapping = provider.claims_map or {}
    birth_date: date | None = None
    raw_birth = _claim(claims, mapping.get("birth_date", "birthdate"))
    if isinstance(raw_birth, str):
        try:
            birth_date = date.fromisoformat(raw_birth[:10])
        except ValueError:
            birth_date = None
    key = ""
    raw_number = _claim(claims, mapping["document_number"]) if mapping.get("document_number") else None
    if isinstance(raw_number, str) and raw_number:
        try:
            key = key_for(provider.identity_kind, raw_number)
        except IdentityNumberError:
            raise _failure(_("The provider sent a document number we cannot read.")) from None
    basis = Basis.PROVIDER
    district: District | None = None
    katottg = _claim(claims, mapping["katottg"]) if mapping.get("katottg") else None
    if isinstance(katottg, str) and katottg:
        district = District.objects.filter(community=community).filter(~Q(katottg=""), katottg=katottg).first()
        if district is not None or katottg == community.katottg:
            basis = Basis.REGISTERED  # the provider confirms a registered address in the community
    if key:
        require_identity_free(community, key, user)
    return verification_grant(
        user=user,
        community=community,
        method=f"oidc:{provider.slug}",
        basis=basis,
        birth_date=birth_date,
        district=district,
        identity_key=key,
        person_key=person_key_from(provider.identity_kind, key),
        verified_by_label=provider.name,
        expires_on=default_expiry(provider.validity_days),
    )
