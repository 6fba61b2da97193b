"""Sensitive actions ask for the password or the second factor again (issue 13): role grants,
account deletion, identity provider changes.

This is allauth's reauthentication: a POST to such a view by someone who has not confirmed who they
are in the last ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds (5 minutes) is held, the person is
asked for their password (or TOTP code), and the held POST is then carried out. Pages themselves
(GET) open without it, so nobody is asked before they mean to change something.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from allauth.account.decorators import reauthentication_required as _allauth_reauthentication_required

View = TypeVar("View", bound=Callable[..., Any])


def reauthentication_required(view: View) -> View:
    """Decorate a view whose POST is sensitive (see the module docstring). Put it inside the
    permission check, so only people who may act are ever asked."""
    decorated: View = _allauth_reauthentication_required(view, allow_get=True)
    return decorated


def recent_second_factor(request: Any) -> bool:
    """Did the person confirm a second factor (TOTP, recovery code, passkey) in this session within
    ``ACCOUNT_REAUTHENTICATION_TIMEOUT``? allauth records each sign-in and reauthentication step."""
    import time

    from allauth.account import app_settings
    from allauth.account.internal.flows.login import get_authentication_records

    since = time.time() - app_settings.REAUTHENTICATION_TIMEOUT
    records = get_authentication_records(request, request.user)
    return any(r.get("method") == "mfa" and float(r.get("at", 0)) >= since for r in records)
