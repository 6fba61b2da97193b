"""How API callers sign in: a personal token (``Authorization: Bearer`` or ``X-API-Key``) or the
site's session. A token is refused when expired; its scopes (``read``, ``participate``, ``staff``,
issue 18) limit what it may do on top of its owner's permissions: reads need ``read``, writes
``participate``, and staff operations call :func:`require_scope` for ``staff``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from uchast.accounts.selectors import token_for_api_key
from uchast.accounts.services import api_token_mark_used
from uchast.core.api.scopes import insufficient_scope, require_scope

__all__ = ["AUTHENTICATED", "BearerTokenAuth", "HeaderTokenAuth", "require_scope"]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _signed_in_with(request: HttpRequest, key: str) -> Any:
    token = token_for_api_key(key)
    if token is None:
        return None
    needed = "read" if request.method in SAFE_METHODS else "participate"
    if not token.has_scope(needed) and not (needed == "participate" and token.has_scope("staff")):
        raise insufficient_scope(needed)
    api_token_mark_used(token)
    request.user = token.user
    request.api_token = token  # type: ignore[attr-defined]
    return token.user


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer uch_...`` with a personal token from the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = self.user_for(request, token)
        if user is not None:
            request.user = user
        return user

    def user_for(self, request: HttpRequest, token: str) -> Any:
        """The active user owning the live ``token``, or None (an endpoint may read more in the same query)."""
        return _signed_in_with(request, token)


class HeaderTokenAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _signed_in_with(request, key) if key else None


# Token methods first: ninja stops at the first method that raises, and SessionAuth raises on a write
# without a CSRF token — which a token client never has. Session writes still need CSRF.
AUTHENTICATED = [BearerTokenAuth(), HeaderTokenAuth(), SessionAuth()]
