from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from uchast.core.permissions import permission_required
from uchast.core.registry import ProcessCard, registry
from uchast.core.selectors import districts_of
from uchast.core.web import UchastRequest

#: Every public page goes through the ``core.view_public`` permission; a visitor without it gets
#: the 403 page, never a sign-in prompt (the same checkpoint as any view's).
public_view = permission_required("core.view_public", raise_exception=True)


@require_safe
@public_view
def home(request: UchastRequest) -> HttpResponse:
    community = request.community
    processes: list[ProcessCard] = []
    districts = []
    if community is not None:
        for provider in registry.open_process_providers:
            processes.extend(provider(community, request.user))
        districts = list(districts_of(community))
    return render(request, "core/home.html", {"processes": processes, "districts": districts})


@require_safe
@public_view
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def _api_error(request: HttpRequest, status: int) -> HttpResponse | None:
    """Under ``/api/`` an error Django answers itself (an unknown path, a refused host, an uncaught
    exception — logged by Django before this runs) still has the API's one JSON error shape."""
    if not request.path.startswith("/api/"):
        return None
    code, message = {
        400: ("bad_request", _("The request could not be understood.")),
        403: ("forbidden", _("You do not have permission to do this.")),
        404: ("not_found", _("Not found.")),
        500: ("server_error", _("Something went wrong on our side. Please try again in a minute.")),
    }[status]
    return JsonResponse({"error": {"code": code, "message": message, "details": []}}, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 400) or render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403) or render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404) or render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return _api_error(request, 500) or render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
