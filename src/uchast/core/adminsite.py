"""The Django admin has no door of its own: staff sign in one way, through allauth, with the second
factor and the sign-in rate limits. Its login page only sends them there and back.

(The admin's own login form checked the password alone: a staff account with TOTP enrolled was
let in without it, and 25 wrong passwords in a row were never slowed.)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from uchast.core.navigation import safe_next


def login_through_allauth(request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
    """``admin.site.login``: to the one sign-in page, then back to the admin page asked for."""
    back = safe_next(request, request.GET.get("next", "")) or reverse("admin:index")
    return HttpResponseRedirect(reverse("account_login") + "?" + urlencode({"next": back}))
