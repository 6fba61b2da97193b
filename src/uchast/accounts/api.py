"""A person's own API tokens through the API (issue 18): listing them and revoking one, with the
same service, permission and audit entry as the profile page (``views.revoke_token``).

Mounted by the assembly at ``/me/`` (``/api/v1/me/tokens``). Creating a token stays in the browser
(a token that mints tokens would outlive its own revocation; a staff token needs the second factor
typed by a person).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema

from uchast.accounts import selectors, services
from uchast.accounts.apiauth import AUTHENTICATED
from uchast.accounts.models import ApiToken
from uchast.core.api.operations import SIGNED_IN_ERRORS, SIGNED_IN_ITEM_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.web import UchastRequest

router = Router(tags=["accounts"])


class ApiTokenOut(Schema):
    id: int
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: (
        datetime | None
    )  # to the hour (a write at most hourly); ballots cast through the fast lane not counted
    current: bool  # the token this request was made with

    @staticmethod
    def resolve_scopes(token: ApiToken) -> list[str]:
        return token.scopes.split()

    @staticmethod
    def resolve_current(token: ApiToken, context: dict[str, Any]) -> bool:
        used = getattr(context["request"], "api_token", None)
        return used is not None and used.pk == token.pk


class ApiTokenRevokedOut(Schema):
    id: int
    revoked: bool


def _may_manage_tokens(request: UchastRequest) -> None:
    if not request.user.has_perm("accounts.manage_tokens", request.user):
        raise PermissionDenied


@router.get(
    "/tokens",
    response={200: list[ApiTokenOut], **SIGNED_IN_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("My API tokens, newest first")),
)
def list_my_tokens(request: UchastRequest, paging: Query[PageIn]) -> list[ApiToken]:
    _may_manage_tokens(request)
    return page(selectors.tokens_of(request.user).order_by("-created_at", "-pk"), paging)


@router.delete(
    "/tokens/{token_id}",
    response={200: ApiTokenRevokedOut, **SIGNED_IN_ITEM_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Revoke one of my API tokens (also the one sending this)")),
)
def revoke_my_token(request: UchastRequest, token_id: int) -> ApiTokenRevokedOut:
    """A token may revoke itself: it works for this request and never again."""
    _may_manage_tokens(request)
    services.api_token_revoke(user=request.user, token_id=token_id)
    return ApiTokenRevokedOut(id=token_id, revoked=True)
