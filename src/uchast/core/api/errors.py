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


def require_permission(request: Any, permission: str, obj: Any = None) -> None:
    """The API's one permission check: the permission the page checks too, else the one 403
    (``forbidden``, answered by the handler below for ``PermissionDenied``)."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "details": details if details is not None else []}}
    return api.create_response(request, body, status=status)


def _describe_validation_error(error: dict[str, Any]) -> dict[str, Any]:
    location = [str(part) for part in error.get("loc", ())]
    return {"field": ".".join(location), "type": error.get("type", ""), "message": _validation_message(error)}


def _validation_message(error: dict[str, Any]) -> str:
    """The commonest validation errors in the request's language (bounds say which); any other in
    pydantic's own English words."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    bounds = {
        "greater_than_equal": ("ge", _("Must be at least %(bound)s.")),
        "less_than_equal": ("le", _("Must be at most %(bound)s.")),
        "greater_than": ("gt", _("Must be more than %(bound)s.")),
        "less_than": ("lt", _("Must be less than %(bound)s.")),
    }
    if kind in bounds and bounds[kind][0] in context:
        key, message = bounds[kind]
        return message % {"bound": context[key]}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Must be a whole number.")
    if kind == "missing":
        return _("This value is required.")
    return str(error.get("msg", ""))


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
        # django-ninja raises HttpError in two places only, both with an untranslated English text:
        # a body its parser cannot read (400) and a session cookie without the CSRF token (403).
        if exc.status_code == 400:
            # A body that is not JSON is wrong input like any other: the one 422 answer, naming the body.
            message = _("The request body is not valid JSON.")
            return error_response(api, request, 422, "invalid_input", message, [{"field": "body", "message": message}])
        if exc.status_code == 403:
            message = _(
                "A session cookie was sent without its CSRF token. Send the X-CSRFToken header, or use an API token."
            )
            return error_response(api, request, 403, "csrf_failed", message)
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
