"""What the consultation views share: the consultation being viewed, and the permission check that
comes before a resident's action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from uchast.consultations import selectors
from uchast.consultations.models import Consultation
from uchast.core.web import UchastRequest

T = TypeVar("T")


def consultation_of(request: UchastRequest, pk: int) -> Consultation:
    return selectors.access_consultation(request.user, request.community, pk)


def permitted(
    request: UchastRequest, permission: str, obj: Any, message: str, action: Callable[[], T]
) -> Callable[[], T]:
    """``action`` preceded by the view's permission check: a person without the permission is told
    ``message`` on the page (``post_action`` / ``form_action`` show the refusal), not sent a 403."""

    def run() -> T:
        selectors.require_permission(request.user, permission, obj, message)
        return action()

    return run
