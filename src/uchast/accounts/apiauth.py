"""How API callers sign in: a personal token (``Authorization: Bearer`` or ``X-API-Key``) or the
site's session. A token is refused when expired; its scopes (``read``, ``participate``, ``staff``,
issue 18) limit what it may do on top of its owner's permissions: reads need ``read``, writes
``participate``, and staff operations call :func:`require_scope` for ``staff``.

A token sent is read on every operation, the public reads too (:data:`PUBLIC`), by the same
:func:`_signed_in_with`; one that is unknown, expired or revoked is refused with 401, never taken
for "nobody" (or for the session beside it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import security
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBearer

from uchast.accounts.predicates import is_staff_member
from uchast.accounts.selectors import staff_without_second_factor, token_for_api_key
from uchast.accounts.services import api_token_mark_used
from uchast.core.api.scopes import insufficient_scope, require_scope, require_staff
from uchast.core.errors import ActionRefused

__all__ = [
    "AUTHENTICATED",
    "PUBLIC",
    "BearerTokenAuth",
    "HeaderTokenAuth",
    "SessionAuth",
    "require_scope",
    "require_staff",
    "second_factor_required",
]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def second_factor_required() -> ActionRefused:
    """The API's refusal of a staff member without a second factor: the site lets them do nothing
    but set it up (``StaffTwoFactorMiddleware``), and the API refuses them everything, by session or
    by token (a resident's token outlives a promotion)."""
    return ActionRefused(
        "second_factor_required",
        _("Staff set up a second factor (an authenticator app) first: sign in on the site to set it up."),
        status=403,
    )


def _with_second_factor(user: Any) -> Any:
    """``user``, unless a staff member without a second factor (:func:`second_factor_required`)."""
    if staff_without_second_factor(user):
        raise second_factor_required()
    return user


def _signed_in_with(request: HttpRequest, key: str, *, public: bool = False) -> Any:
    token = token_for_api_key(key)
    if token is None:
        raise AuthenticationError
    _with_second_factor(token.user)
    needed = "read" if request.method in SAFE_METHODS else "participate"
    if not token.has_scope(needed) and not (needed == "participate" and token.has_scope("staff")):
        raise insufficient_scope(needed)
    if public and not token.has_scope("staff") and is_staff_member(token.user):
        # A public read answers staff what staff may see (an appeal's personal data, a draft awaiting
        # moderation): with a token, that is a staff read, which needs the ``staff`` scope (made only
        # after a fresh second factor), as the staff operations do. Refused, not answered as to a
        # resident: a staff member's token never quietly shows less either.
        raise insufficient_scope("staff")
    api_token_mark_used(token)
    request.user = token.user
    request.api_token = token  # type: ignore[attr-defined]
    return token.user


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer uch_...`` with a personal token from the profile page. ``public``: on
    the public reads (:data:`PUBLIC`), where a staff member's token needs the ``staff`` scope."""

    def __init__(self, *, public: bool = False) -> None:
        super().__init__()
        self.public = public

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = self.user_for(request, token)
        if user is None:
            # The voter's lookup (``budget.api.VoterBearerAuth``) answers None for a token it cannot
            # use: refused like any other, never passed on to the session.
            raise AuthenticationError
        request.user = user
        return user

    def user_for(self, request: HttpRequest, token: str) -> Any:
        """The active user owning the live ``token`` (an endpoint may read more in the same query);
        refuses (401) one that is not live."""
        return _signed_in_with(request, token, public=self.public)


class HeaderTokenAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def __init__(self, *, public: bool = False) -> None:
        super().__init__()
        self.public = public

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _signed_in_with(request, key, public=self.public) if key else None


class SessionAuth(security.SessionAuth):
    """ninja's session authentication (CSRF on writes), refusing a staff member without a second
    factor. Named as ninja's: the schema names a security scheme after its class."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return None if user is None else _with_second_factor(user)


# Token methods first: ninja stops at the first method that raises, and SessionAuth raises on a write
# without a CSRF token — which a token client never has. Session writes still need CSRF.
AUTHENTICATED = [BearerTokenAuth(), HeaderTokenAuth(), SessionAuth()]


def _anyone(request: HttpRequest) -> bool:
    """No token: the caller is whoever the session says, or nobody, exactly as without this list
    (but a staff member without a second factor, refused as everywhere). Truthy so that ninja stops
    here."""
    if request.user.is_authenticated:
        _with_second_factor(request.user)
    return True


PUBLIC: list[Callable[..., Any]] = [BearerTokenAuth(public=True), HeaderTokenAuth(public=True), _anyone]
"""The API's default authentication (``NinjaAPI(auth=PUBLIC)``), so every public operation reads a
token the way :data:`AUTHENTICATED` does: a token sent signs the caller in, a bad one is refused.

Why a default of the API rather than a middleware for ``/api/``: ninja runs one list per operation
and stops at the first method that answers, so an operation declaring its own (``AUTHENTICATED``,
the budget's voter lookup) looks its token up once, by its own list, and a public one once, by this
one; a refusal (401, ``insufficient_scope``) is answered by the API's error handlers, in the
request's language; and the OpenAPI document lists the token methods per operation. A middleware
would find the token again for the operations that declare theirs and answer outside the handlers.
Without a token nothing runs but :func:`_anyone`: no session is asked for its CSRF token (the
public reads never did), the answer is the anonymous or session one as before."""
