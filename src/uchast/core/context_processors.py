from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from uchast.core.notifications import unread_count
from uchast.core.registry import registry


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "community": getattr(request, "community", None),
        "main_navigation": registry.navigation,
        # Lazy: computed only if the page shows it, and then from the cache (notifications.unread_count).
        "inbox_unread": SimpleLazyObject(lambda: _unread(request)),
        "return_to": _return_to(request),
    }


def _unread(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)


def _return_to(request: HttpRequest) -> str:
    """``?next=`` for the header's sign-in and sign-up links: a person who starts from a petition
    or a ballot comes back to it. Not from the account pages themselves (nor the API)."""
    path = request.get_full_path()
    if request.method != "GET" or path.startswith(("/accounts/", "/me/", "/api/", "/admin/")) or path == "/":
        return ""
    return "?" + urlencode({"next": path})
