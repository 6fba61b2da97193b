"""The permission checkpoint for views: anonymous visitors go to sign in, signed-in people without
the permission get a 403 page that says so (rules' own decorator would send them to sign in again)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase


def permission_required(
    permission: str, fn: Callable[..., Any] | None = None, *, raise_exception: bool = False
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """``fn(request, *args, **kwargs)`` returns the object the permission is checked against.
    ``raise_exception=True`` answers 403 to anonymous visitors too (for POST-only endpoints)."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            obj = fn(request, *args, **kwargs) if fn is not None else None
            if request.user.has_perm(permission, obj):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated and not raise_exception:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        return wrapper

    return decorator
