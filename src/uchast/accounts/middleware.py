from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from uchast.accounts.predicates import is_staff_member

# Paths a staff member without a second factor may still open: setting it up, signing out, static.
_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/api/", "/favicon.ico")


class StaffTwoFactorMiddleware:
    """Staff roles must enrol TOTP before using anything else.

    The API answers with its own 403 in ``uchast.api`` for the same condition.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and staff_without_second_factor(user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)


def staff_without_second_factor(user: object) -> bool:
    return bool(
        settings.UCHAST_REQUIRE_STAFF_MFA
        and is_staff_member(user)
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


class SignOutClearsOfflineCopiesMiddleware:
    """Signing out clears what this browser kept of the site (``Clear-Site-Data``): the pages the
    service worker saved for offline reading must not outlive the session on a shared phone. (The
    worker also empties its page cache when it sees the sign-out; this covers browsers where it
    did not run.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and request.path == reverse("account_logout") and response.status_code < 400:
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
