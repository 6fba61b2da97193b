"""Verification status of the signed-in person (JSON).

Session only: these endpoints name no ``auth``, so an API token is not read and a token caller is
answered 401 like an anonymous one (the budget's voter API is what token clients use).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema

from uchast.core.api.schemas import Error
from uchast.core.errors import ActionRefused
from uchast.core.registry import registry
from uchast.core.web import UchastRequest
from uchast.verification.messages import describe_decision
from uchast.verification.selectors import active_verification, participation_decision

router = Router(tags=["verification"])


class StatusOut(Schema):
    verified: bool
    basis: str | None
    method: str | None
    expires_on: str | None


class DecisionOut(Schema):
    action: str
    allowed: bool
    missing: list[str]
    messages: list[str]


def _require_signed_in(request: UchastRequest) -> None:
    if not request.user.has_perm("verification.view_own"):
        raise ActionRefused("not_authenticated", _("Sign in first."), status=401)


@router.get("/status", response={200: StatusOut, 401: Error, 422: Error})
def status(request: UchastRequest) -> StatusOut:
    _require_signed_in(request)
    v = active_verification(request.user, request.community)
    return StatusOut(
        verified=v is not None,
        basis=v.basis if v else None,
        method=v.method if v else None,
        expires_on=v.expires_on.isoformat() if v and v.expires_on else None,
    )


@router.get("/eligibility/{action}", response={200: DecisionOut, 401: Error, 404: Error, 422: Error})
def eligibility(request: UchastRequest, action: str) -> DecisionOut:
    _require_signed_in(request)
    if action not in registry.actions:
        raise ActionRefused("unknown_action", _("Unknown action."), status=404)
    decision = participation_decision(request.user, request.community, action)
    return DecisionOut(
        action=action,
        allowed=decision.allowed,
        missing=[str(code) for code in decision.codes],
        messages=describe_decision(decision),
    )
