"""The one refusal every service raises, and the HTTP status each refusal code means.

A service refuses with :class:`ActionRefused` (a stable ``code`` for programs, a translated
``message`` for people). Views show the message (``uchast.core.web``); the API answers it in its
one error shape with the refusal's status (``uchast.core.api.errors``). No module maps codes to
statuses on its own: a code that means the same everywhere has one status here.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from django.utils.translation import ngettext

#: Codes whose status is not the default "422 the request cannot be carried out as sent".
STATUS_BY_CODE: dict[str, int] = {
    # The person may not do this (eligibility, a block, a missing role).
    "not_eligible": 403,
    "not_allowed": 403,
    "blocked": 403,
    "forbidden": 403,
    "not_found": 404,
    # The request conflicts with the current state of the thing (phase, earlier action).
    "already": 409,
    "already_answered": 409,
    "already_reported": 409,
    "already_signed": 409,
    "collection_over": 409,
    "duplicate": 409,
    "not_signed": 409,
    "suspended": 409,
    "voting_closed": 409,
    "wrong_status": 409,
}


class ActionRefused(Exception):
    """A refusal the person can understand and act on; ``message`` is already translated.

    ``status`` is the HTTP status the API answers with: given explicitly, else the status of the
    code in :data:`STATUS_BY_CODE`, else the class's ``default_status``. ``details`` (optional) is
    the API error's ``details`` (e.g. per-field messages). Nothing is written when a service raises
    it: services raise before writing or inside their transaction.
    """

    default_status: ClassVar[int] = 422

    def __init__(self, code: str, message: str, *, status: int | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.status = status or STATUS_BY_CODE.get(code, self.default_status)


def throttled(retry_after: float | None) -> ActionRefused:
    """The refusal of an attempt limit (429), saying when to try again (``retry_after`` seconds;
    None when unknown: a minute). The same words on pages and in the API."""
    seconds = max(1, math.ceil(retry_after if retry_after is not None else 60))
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Too many attempts. Try again in %(minutes)d minute.",
        "Too many attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return ActionRefused("throttled", message, status=429, details={"retry_after": str(seconds)})
