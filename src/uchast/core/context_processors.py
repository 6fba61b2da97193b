from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from uchast.core.registry import registry


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "community": getattr(request, "community", None),
        "main_navigation": registry.navigation,
    }
