"""Verification's staff operations through the API (issue 18): revoking a confirmation, code sheets,
the census list, the methods and the identity providers, through the same services, permissions and
audit as the staff pages (``views``). A token needs the ``staff`` scope. Registered on
``verification.api.router`` (imported at its end)."""

from __future__ import annotations

from datetime import date
from typing import Any

from allauth.account.internal.flows import reauthentication
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Schema, Status
from ninja.files import UploadedFile

from uchast.accounts.apiauth import AUTHENTICATED, require_staff
from uchast.core.api.operations import WRITE_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest
from uchast.verification import selectors, services
from uchast.verification.api import district_of, router
from uchast.verification.methods import METHODS, is_enabled
from uchast.verification.models import Basis, CensusEntry, OidcProvider, Verification

CENSUS_MAX_UPLOAD = 20 * 1024 * 1024  # the page's limit (forms.CensusImportForm)


class VerificationRevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)


class StaffVerificationOut(Schema):
    id: int
    user: int = Field(..., alias="user_id")
    status: str
    method: str
    basis: str
    expires_on: date | None
    decision_reason: str


class VerificationCodeBatchIn(Schema):
    label: str = Field(..., min_length=1, max_length=120, description="place, date")
    size: int = Field(20, ge=1, le=500)
    expires_on: date
    basis: str = Field(Basis.IN_PERSON.value, max_length=20, description="registered, idp, census or in_person")
    district: int | None = Field(None, description="id of a district of the community (optional)")
    number_required: bool = True


class VerificationCodeSheetOut(Schema):
    """The codes are shown once: only their keyed hashes are stored."""

    batch: int
    label: str
    basis: str
    expires_on: date
    number_required: bool
    redeem_url: str
    codes: list[str]


class VerificationCensusReportOut(Schema):
    total: int
    added: int
    removed: int
    withdrawn: int


class VerificationCensusEntryOut(Schema):
    id: int
    locked: bool
    failed_claims: int

    @staticmethod
    def resolve_locked(obj: CensusEntry) -> bool:
        return obj.locked_at is not None


class VerificationSwitchIn(Schema):
    enabled: bool


class VerificationMethodOut(Schema):
    method: str
    enabled: bool


class VerificationProviderIn(Schema):
    """An identity provider's settings. The client secret is never sent: only the name of the
    server's environment variable holding it."""

    name: str = Field(..., max_length=120)
    slug: str = Field(..., max_length=40)
    issuer: str = Field(..., max_length=200)
    client_id: str = Field(..., max_length=200)
    client_secret_env: str = Field(..., max_length=100)
    scopes: str = Field("openid profile", max_length=200)
    claim_birth_date: str = Field("", max_length=100)
    claim_katottg: str = Field("", max_length=100)
    claim_document_number: str = Field("", max_length=100)
    identity_kind: str = Field("rnokpp", max_length=20)
    validity_days: int = Field(365, ge=1, le=3650)


class VerificationProviderOut(Schema):
    id: int
    slug: str
    name: str
    issuer: str
    client_id: str
    client_secret_env: str
    scopes: str
    claims_map: dict[str, Any]
    identity_kind: str
    validity_days: int
    enabled: bool


def _configuring_providers(request: UchastRequest) -> None:
    """Changing identity providers is sensitive: the page asks for the password (or code) again. A
    session must have confirmed it in the last minutes; a token with the ``staff`` scope was made
    right after the second factor was typed (``accounts.services.api_token_create``)."""
    require_staff(request, "verification.configure_providers")
    if getattr(request, "api_token", None) is None and reauthentication.is_reauthentication_required(request, app=""):
        raise ActionRefused(
            "reauthentication_required",
            _("Confirm your password or code again on the site, then repeat this."),
            status=403,
        )


@router.post(
    "/staff/verifications/{verification_id}/revoke",
    response={200: StaffVerificationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Revoke a confirmation of residence, with the reason (staff)")),
)
def revoke_verification(request: UchastRequest, verification_id: int, payload: VerificationRevokeIn) -> Verification:
    require_staff(request, "verification.revoke")
    verification = selectors.access_verification(request.user, request.community, verification_id)
    return services.verification_revoke(verification=verification, actor=request.user, reason=payload.reason)


@router.post(
    "/staff/code-batches",
    response={201: VerificationCodeSheetOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Issue a sheet of one-time codes (staff)")),
)
def issue_codes(request: UchastRequest, payload: VerificationCodeBatchIn) -> Status[VerificationCodeSheetOut]:
    require_staff(request, "verification.issue_codes")
    batch, codes = services.code_batch_create(
        community=request.community,
        actor=request.user,
        label=payload.label,
        size=payload.size,
        expires_on=payload.expires_on,
        basis=payload.basis,
        district=district_of(request, payload.district),
        number_required=payload.number_required,
    )
    sheet = VerificationCodeSheetOut(
        batch=batch.pk,
        label=batch.label,
        basis=batch.basis,
        expires_on=batch.expires_on,
        number_required=batch.number_required,
        redeem_url=request.build_absolute_uri(reverse("verification:code")),
        codes=codes,
    )
    return Status(201, sheet)


@router.post(
    "/staff/census",
    response={200: VerificationCensusReportOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Replace the census list with a CSV file (staff, multipart)")),
)
def import_census(request: UchastRequest, file: File[UploadedFile]) -> services.CensusReport:
    """Columns number, kind, birth_date, basis and optionally district. Any bad line: nothing changes,
    and the answer (422 ``census_invalid``) lists every bad line in ``details``."""
    require_staff(request, "verification.import_census")
    if (file.size or 0) > CENSUS_MAX_UPLOAD:
        raise ActionRefused(
            "invalid_input", _("The file is too large; the limit is 20 MB."), details=[{"field": "file"}]
        )
    try:
        return services.census_import(community=request.community, actor=request.user, data=file.read())
    except services.CensusImportError as error:
        lines = [{"line": line, "message": str(message)} for line, message in error.errors]
        raise ActionRefused(error.code, error.message, status=error.status, details=lines) from None


@router.post(
    "/staff/census/{entry_id}/unlock",
    response={200: VerificationCensusEntryOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Unlock a census entry locked after failed claims (staff)")),
)
def unlock_census_entry(request: UchastRequest, entry_id: int) -> CensusEntry:
    require_staff(request, "verification.import_census")
    entry = selectors.access_census_entry(request.user, request.community, entry_id)
    services.census_entry_unlock(entry=entry, actor=request.user)
    entry.refresh_from_db()
    return entry


@router.put(
    "/staff/methods/{method}",
    response={200: VerificationMethodOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Switch a way of confirming residence on or off (administrator)")),
)
def switch_method(request: UchastRequest, method: str, payload: VerificationSwitchIn) -> VerificationMethodOut:
    require_staff(request, "verification.configure_methods")
    if method not in METHODS:
        raise ActionRefused("not_found", _("Not found."), status=404)
    services.method_set_enabled(community=request.community, method=method, enabled=payload.enabled, actor=request.user)
    return VerificationMethodOut(method=method, enabled=is_enabled(request.community, method))


@router.put(
    "/staff/providers/{provider_id}/enabled",
    response={200: VerificationProviderOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Switch an identity provider on or off (administrator)")),
)
def switch_provider(request: UchastRequest, provider_id: int, payload: VerificationSwitchIn) -> OidcProvider:
    _configuring_providers(request)
    provider = selectors.access_provider(request.user, request.community, provider_id)
    return services.oidc_provider_set_enabled(provider=provider, enabled=payload.enabled, actor=request.user)


def _save_provider(
    request: UchastRequest, provider: OidcProvider | None, payload: VerificationProviderIn
) -> OidcProvider:
    values = payload.dict()
    claims = {key: values.pop(f"claim_{key}") for key in ("birth_date", "katottg", "document_number")}
    try:
        return services.oidc_provider_save(
            community=request.community, actor=request.user, provider=provider, claims_map=claims, **values
        )
    except services.ProviderConfigError as error:
        fields = [{"field": name, "message": str(message)} for name, message in error.errors.items()]
        raise ActionRefused(error.code, error.message, status=error.status, details=fields) from None


@router.post(
    "/staff/providers",
    response={201: VerificationProviderOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Add an identity provider (administrator)")),
)
def create_provider(request: UchastRequest, payload: VerificationProviderIn) -> Status[OidcProvider]:
    _configuring_providers(request)
    return Status(201, _save_provider(request, None, payload))


@router.put(
    "/staff/providers/{provider_id}",
    response={200: VerificationProviderOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Change an identity provider (administrator)")),
)
def change_provider(request: UchastRequest, provider_id: int, payload: VerificationProviderIn) -> OidcProvider:
    _configuring_providers(request)
    provider = selectors.access_provider(request.user, request.community, provider_id)
    return _save_provider(request, provider, payload)
