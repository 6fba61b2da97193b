"""Where to send a person after an action: only back to this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, candidate: str) -> str:
    """``candidate`` (a ``next`` URL from a form or query) when it stays on this host, with the same
    scheme security as the request; otherwise "". Never redirect to what this refuses."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""
