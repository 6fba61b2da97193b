"""Verification through the API (issue 18): the person's status, and every way of confirming
residence the pages offer, through the same services, throttles and audit as ``views``.

Signed in by a personal API token or the site's session (``AUTHENTICATED``). The staff operations
are in ``api_staff`` (imported at the end, registered on this router). Reviewing identity documents
stays in the browser (the scans are streamed to the reviewing official only).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from uchast.accounts.apiauth import AUTHENTICATED
from uchast.accounts.throttle import client_ip
from uchast.core.api.operations import SIGNED_IN_ERRORS, SIGNED_IN_ITEM_ERRORS, THROTTLED_WRITE_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.models import District
from uchast.core.registry import registry
from uchast.core.web import UchastRequest
from uchast.verification import services
from uchast.verification.messages import describe_decision
from uchast.verification.methods import is_enabled
from uchast.verification.models import Verification
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


class VerificationOut(Schema):
    """One confirmation of residence as its owner sees it: never a number, only whether the person
    number (what lets the person decide) is part of it."""

    id: int
    status: str
    method: str
    basis: str
    expires_on: date | None
    has_person_number: bool

    @staticmethod
    def resolve_has_person_number(obj: Verification) -> bool:
        return bool(obj.person_key)


class VerificationPersonNumberIn(Schema):
    person_kind: str = Field(..., max_length=20, description="rnokpp, id_card or passport_book")
    person_number: str = Field(..., min_length=1, max_length=40)


class VerificationCensusIn(Schema):
    number_kind: str = Field(..., max_length=20, description="rnokpp, id_card, passport_book or idp_certificate")
    number: str = Field(..., min_length=1, max_length=40)
    birth_date: date
    person_kind: str = Field("", max_length=20)
    person_number: str = Field("", max_length=40)


class VerificationCodeIn(Schema):
    code: str = Field(..., min_length=1, max_length=20, description="12 letters and digits, e.g. ABCD-EFGH-2345")
    birth_date: date | None = None
    person_kind: str = Field("", max_length=20)
    person_number: str = Field("", max_length=40)


class VerificationDocumentIn(Schema):
    document_kind: str = Field(..., max_length=20)
    number_kind: str = Field(..., max_length=20)
    number: str = Field(..., min_length=1, max_length=40)
    birth_date: date
    district: int | None = Field(None, description="id of a district of the community (optional)")
    person_kind: str = Field("", max_length=20)
    person_number: str = Field("", max_length=40)


def _require_resident(request: UchastRequest) -> None:
    """Signed in (``AUTHENTICATED`` answers 401 before) as someone verification is for, as the pages."""
    if not request.user.has_perm("verification.view_own"):
        raise PermissionDenied


def _require_method(request: UchastRequest, name: str) -> None:
    """A method switched off for the community is not there (the page answers 404 too)."""
    if request.community is None or not is_enabled(request.community, name):
        raise Http404


def _checked_birth_date(value: date) -> date:
    """The page's check (``forms.BirthDateMixin``): not in the future, not more than 130 years ago."""
    today = timezone.localdate()
    if value > today or value.year < today.year - 130:
        raise ActionRefused("invalid_input", _("Check the birth date."), details=[{"field": "birth_date"}])
    return value


def district_of(request: UchastRequest, pk: int | None) -> District | None:
    """The district ``pk`` of the community, or None when none is named; an unknown one is refused."""
    if pk is None:
        return None
    district = District.objects.filter(community=request.community, pk=pk).first()
    if district is None:
        raise ActionRefused("invalid_input", _("Unknown district."), details=[{"field": "district"}])
    return district


@router.get(
    "/status",
    response={200: StatusOut, **SIGNED_IN_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("My verification status")),
)
def status(request: UchastRequest) -> StatusOut:
    _require_resident(request)
    v = active_verification(request.user, request.community)
    return StatusOut(
        verified=v is not None,
        basis=v.basis if v else None,
        method=v.method if v else None,
        expires_on=v.expires_on.isoformat() if v and v.expires_on else None,
    )


@router.get(
    "/eligibility/{action}",
    response={200: DecisionOut, **SIGNED_IN_ITEM_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("May I take this action, and if not, why")),
)
def eligibility(request: UchastRequest, action: str) -> DecisionOut:
    _require_resident(request)
    if action not in registry.actions:
        raise ActionRefused("unknown_action", _("Unknown action."), status=404)
    decision = participation_decision(request.user, request.community, action)
    return DecisionOut(
        action=action,
        allowed=decision.allowed,
        missing=[str(code) for code in decision.codes],
        messages=describe_decision(decision),
    )


@router.post(
    "/document",
    response={201: VerificationOut, **THROTTLED_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Send an identity document for review (multipart)")),
)
def submit_document(
    request: UchastRequest, payload: Form[VerificationDocumentIn], file: File[UploadedFile]
) -> Status[Verification]:
    """The scan (JPEG, PNG or PDF, up to 5 MB) with the document's details; staff decide later. The
    same checks of size, type and pixels as the page (``core.files``); images are re-encoded."""
    _require_resident(request)
    _require_method(request, "document")
    submission = services.document_submit(
        user=request.user,
        community=request.community,
        document_kind=payload.document_kind,
        number_kind=payload.number_kind,
        number=payload.number,
        birth_date=_checked_birth_date(payload.birth_date),
        district=district_of(request, payload.district),
        upload=file,
        person_kind=payload.person_kind,
        person_number=payload.person_number,
    )
    return Status(201, submission.verification)


@router.post(
    "/census",
    response={200: VerificationOut, **THROTTLED_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Confirm residence from the council's census list")),
)
def claim_census(request: UchastRequest, payload: VerificationCensusIn) -> Verification:
    """Attempts are limited per account, address and birth date; an entry claimed too often with a
    wrong birth date is locked until staff unlock it (409 ``census_locked``)."""
    _require_resident(request)
    _require_method(request, "census")
    return services.census_claim(
        user=request.user,
        community=request.community,
        kind=payload.number_kind,
        number=payload.number,
        birth_date=_checked_birth_date(payload.birth_date),
        ip=client_ip(request),
        person_kind=payload.person_kind,
        person_number=payload.person_number,
    )


@router.post(
    "/code",
    response={200: VerificationOut, **THROTTLED_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Confirm residence with a one-time code")),
)
def redeem_code(request: UchastRequest, payload: VerificationCodeIn) -> Verification:
    _require_resident(request)
    _require_method(request, "code")
    return services.code_redeem(
        user=request.user,
        community=request.community,
        code=payload.code,
        ip=client_ip(request),
        birth_date=_checked_birth_date(payload.birth_date) if payload.birth_date else None,
        person_kind=payload.person_kind,
        person_number=payload.person_number,
    )


@router.post(
    "/person-number",
    response={200: VerificationOut, **THROTTLED_WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Add my person number to my confirmation")),
)
def add_person_number(request: UchastRequest, payload: VerificationPersonNumberIn) -> Verification:
    _require_resident(request)
    return services.verification_add_person_number(
        user=request.user, community=request.community, kind=payload.person_kind, number=payload.person_number
    )


from uchast.verification import api_staff as _api_staff  # noqa: E402, F401 - registers the staff operations
