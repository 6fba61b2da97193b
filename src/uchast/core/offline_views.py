"""Offline and installable (issue 14): the web app manifest, the service worker and the page it
shows when the network is gone. The worker is served from the site root (its scope is the whole
site) and rendered, so it names the current (fingerprinted) stylesheet and both languages' notices.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from uchast.core.views import public_view

#: Bumped when the worker's caching changes, so browsers drop what an older worker kept.
WORKER_VERSION = "1"


def _notices() -> dict[str, dict[str, str]]:
    notices = {}
    for language in ("uk", "en"):
        with translation.override(language):
            notices[language] = {
                "stale": _("You are offline. This is the copy of the page saved when you last opened it."),
            }
    return notices


@require_safe
@public_view
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "core/sw.js",
        {
            "version": WORKER_VERSION,
            "precache": json.dumps([static("uchast/uchast.css"), "/offline/", "/offline/?sent=1"]),
            "notices": json.dumps(_notices(), ensure_ascii=False),
        },
        content_type="application/javascript; charset=utf-8",
    )
    # Browsers check for a new worker at most daily anyway; never let a proxy keep an old one.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
@public_view
def manifest(request: HttpRequest) -> HttpResponse:
    community = getattr(request, "community", None)
    name = community.name if community else _("Uchast")
    data = {
        "name": name,
        "short_name": name[:24],
        "description": _("Take part in your community's decisions: petitions, consultations, the budget."),
        "lang": translation.get_language() or "uk",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b57a4",
        "icons": [{"src": static("uchast/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8")


@require_safe
@public_view
def offline(request: HttpRequest) -> HttpResponse:
    """Kept by the worker at install; shown for a page never opened (``sent`` absent) or a form sent
    without a network (``?sent=1``): it says plainly that nothing was sent and nothing is queued."""
    return render(request, "core/offline.html", {"sent": "sent" in request.GET})
