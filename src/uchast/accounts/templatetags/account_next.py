"""Where a person signing up or in will be taken afterwards, for pages allauth renders."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_next(context: dict[str, Any]) -> str:
    """The ``next`` of the sign-up or sign-in waiting for its e-mail to be confirmed (allauth keeps
    the pending login in the session), so "send again" and "correct the address" keep it too."""
    from allauth.account.internal.stagekit import unstash_login

    from uchast.core.navigation import safe_next

    request = context.get("request")
    if request is None:
        return ""
    login = unstash_login(request, peek=True)
    return safe_next(request, (login.redirect_url if login else "") or "")
