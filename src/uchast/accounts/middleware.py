from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from uchast.accounts.selectors import staff_without_second_factor

# Paths a staff member without a second factor may still open: setting it up, signing out, static;
# the API answers them itself (403 ``second_factor_required``, ``accounts.apiauth``).
_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/api/", "/favicon.ico")


class StaffTwoFactorMiddleware:
    """Staff roles must enrol TOTP before using anything else.

    The API answers with its own 403 for the same condition (``accounts.apiauth``), for a session
    and a token alike.
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
