from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
