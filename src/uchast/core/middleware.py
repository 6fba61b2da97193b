from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from uchast.core import inputguard
from uchast.core.selectors import current_community


class ContentSecurityPolicyMiddleware:
    """Adds the CSP header: only our own scripts, styles and images; no inline code anywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class CurrentCommunityMiddleware:
    """Puts the community being served on ``request.community`` (lazily, one query at most)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.community = current_community()  # type: ignore[attr-defined]
        return self.get_response(request)


class UkrainianFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in Ukrainian unless the person chose English with the switch (a cookie).

    A browser's Accept-Language is not a choice: a resident abroad on a borrowed or foreign
    phone still gets Ukrainian first. API clients are programs, so the API honours Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        # The API documentation is a page of the site, in the language chosen on the site.
        if request.path.startswith("/api/") and not request.path.endswith("/docs"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class InputGuardMiddleware:
    """Refuses, before any view runs, what would crash a view or hide in stored text
    (``core.inputguard``): control characters, over-long numbers, deeply nested JSON.

    The answer says which field and why, in the request's language: the API's error shape (422) for
    ``/api/``, the "bad request" page (400) otherwise. Nothing was done, so nothing is lost.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self._check(request)
        except inputguard.Refusal as refusal:
            return self._refuse(request, refusal)
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> None:
        inputguard.check_pairs(_every_value(request.GET))
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        if request.content_type == "application/json":
            inputguard.check_json(request.body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            inputguard.check_pairs(_every_value(request.POST))
            for field, uploads in request.FILES.lists():
                for upload in uploads:
                    inputguard.check_text(field, upload.name or "")

    @staticmethod
    def _refuse(request: HttpRequest, refusal: inputguard.Refusal) -> HttpResponse:
        messages = {
            "control": _("“%(field)s” contains a control character (such as NUL). Remove it and send again."),
            "number": _("“%(field)s” holds a number that is too long."),
            "json": _("The JSON body is nested too deeply or holds a number that is too large."),
        }
        message = messages[refusal.kind] % {"field": refusal.field[:60]}
        if request.path.startswith("/api/"):
            body = {"error": {"code": "invalid_input", "message": message, "details": [{"field": refusal.field}]}}
            return JsonResponse(body, status=422)
        return render(request, "400.html", {"reason": message}, status=400)


def _every_value(data: QueryDict) -> Iterator[tuple[str, str]]:
    """Every (name, value), repeated names included (``items()`` gives only the last value)."""
    for name, values in data.lists():
        for value in values:
            yield name, str(value)
