from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from uchast.accounts.selectors import user_for_api_key


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer uch_...`` with a personal token from the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = self.user_for(request, token)
        if user is not None:
            request.user = user
        return user

    def user_for(self, request: HttpRequest, token: str) -> Any:
        """The active user owning ``token``, or None (an endpoint may read more in the same query)."""
        return user_for_api_key(token)


class HeaderTokenAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = user_for_api_key(key) if key else None
        if user is not None:
            request.user = user
        return user


# Token methods first: ninja stops at the first method that raises, and SessionAuth raises on a write
# without a CSRF token — which a token client never has. Session writes still need CSRF.
AUTHENTICATED = [BearerTokenAuth(), HeaderTokenAuth(), SessionAuth()]
