"""The scope check of a staff operation, for every floor's endpoints (core's own included).

Token authentication (``uchast.accounts.apiauth``) leaves the token it accepted on
``request.api_token``; an operation that needs more than its method's scope (reads ``read``, writes
``participate``) calls :func:`require_scope`. It lives in the toolkit, not beside the
authentication, so that core's operations, which may not import accounts, check scopes the same way.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from uchast.core.api.errors import require_permission
from uchast.core.errors import ActionRefused


def insufficient_scope(scope: str) -> ActionRefused:
    return ActionRefused(
        "insufficient_scope",
        _("This token may not do this: it lacks the “%(scope)s” scope.") % {"scope": scope},
        status=403,
    )


def require_scope(request: HttpRequest, scope: str) -> None:
    """Refuse (403 ``insufficient_scope``) a token without ``scope``; a session has every scope."""
    token = getattr(request, "api_token", None)
    if token is not None and not token.has_scope(scope):
        raise insufficient_scope(scope)


def require_staff(request: HttpRequest, permission: str, obj: Any = None) -> None:
    """A staff operation's one check: a token needs the ``staff`` scope (made only after a fresh
    second factor), and the person the permission the staff page checks, else the one 403."""
    require_scope(request, "staff")
    require_permission(request, permission, obj)
