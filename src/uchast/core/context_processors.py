from __future__ import annotations

from typing import Any

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
    }


def _unread(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)
