"""One JSON error shape for every API failure: ``{"error": {"code", "message", "details"}}``.

``message`` is in the request's language (Accept-Language or the language cookie). A service's
:class:`~uchast.core.errors.ActionRefused` is answered with its own status and code, so endpoints
let refusals through and never map them; an endpoint refuses for itself by raising one too.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from uchast.core.errors import ActionRefused, throttled


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "details": details if details is not None else []}}
    return api.create_response(request, body, status=status)


def _describe_validation_error(error: dict[str, Any]) -> dict[str, Any]:
    location = [str(part) for part in error.get("loc", ())]
    return {"field": ".".join(location), "type": error.get("type", ""), "message": error.get("msg", "")}


def install_error_handlers(api: NinjaAPI) -> None:
    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api,
            request,
            422,
            "invalid_input",
            _("Some values are missing or have the wrong type."),
            [_describe_validation_error(e) for e in exc.errors],
        )

    def on_authentication(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 401, "not_authenticated", _("Sign in or send a valid API token."))

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 403, "forbidden", _("You do not have permission to do this."))

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    def on_throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        refusal = throttled(exc.wait)  # django-ninja sets Retry-After from the same wait
        return error_response(api, request, 429, refusal.code, refusal.message, refusal.details)

    def on_refused(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, exc.status, exc.code, exc.message, exc.details)

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 422, "invalid_input", " ".join(exc.messages))

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, exc.status_code, "http_error", str(exc))

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(AuthorizationError, on_forbidden)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(ActionRefused, on_refused)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(HttpError, on_http_error)
