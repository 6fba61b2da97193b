"""The registry through the API (issues 15 and 18): a verified resident registers an organisation,
staff confirm or refuse it, the head invites members and an invited person accepts. The same
services, permissions and audit as the pages (``views.registry``); registered on ``api.router``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED, require_scope, require_staff
from uchast.core.api.errors import require_permission
from uchast.core.api.operations import SIGNED_IN_ERRORS, WRITE_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest
from uchast.organisations import selectors, services
from uchast.organisations.actions import OrganisationAction
from uchast.organisations.api import OrganisationOut, router
from uchast.organisations.models import Invitation, Organisation

MAX_ID = 2**31 - 1


class OrganisationIn(Schema):
    name: str = Field(..., max_length=300)
    edrpou: str = Field(..., max_length=20, description="8 digits (spaces are ignored)")
    legal_form: str = Field(..., max_length=30)
    registered_on: date
    areas: str = Field(..., max_length=500)
    description: str = Field("", max_length=5000)
    districts: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=100, description="ids of the districts served"
    )
    works_with_idps: bool = False
    email: str = Field(..., max_length=254)
    phone: str = Field("", max_length=40)
    website: str = Field("", max_length=200, pattern=r"^(https?://[^\s]+)?$")


class RefusalIn(Schema):
    reason: str = Field(..., max_length=2000)


class InvitationIn(Schema):
    email: str = Field(..., max_length=254)
    role: str = Field("member", max_length=10, description="head or member")


class InvitationOut(Schema):
    id: int
    organisation: int
    email: str
    role: str
    created_at: datetime

    @staticmethod
    def resolve_organisation(obj: Invitation) -> int:
        return obj.organisation_id


class AcceptIn(Schema):
    token: str = Field(..., min_length=1, max_length=200, description="the token of the e-mailed invitation link")


def _values(request: UchastRequest, payload: OrganisationIn) -> dict[str, Any]:
    """The form's values: the districts looked up in the community (an unknown one is refused)."""
    values = payload.dict()
    wanted = set(values["districts"])
    districts = list(request.community.districts.filter(pk__in=wanted))
    if len(districts) != len(wanted):
        raise ActionRefused("bad_district", _("Choose the districts from the list."))
    return {**values, "districts": districts}


@router.get(
    "/pending",
    response={200: list[OrganisationOut], **SIGNED_IN_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Registrations waiting for a decision (staff)")),
)
def list_pending(request: UchastRequest, paging: Query[PageIn]) -> list[Any]:
    require_permission(request, "organisations.view_queue")
    require_scope(request, "staff")  # the registrations' contacts are a staff read
    return page(selectors.pending_organisations(request.community), paging)


@router.post(
    "/",
    response={201: OrganisationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Register an organisation (I become its head)")),
)
def register_organisation(request: UchastRequest, payload: OrganisationIn) -> Status[Organisation]:
    require_permission(request, OrganisationAction.REGISTER.permission)
    organisation = services.organisation_register(
        author=request.user, community=request.community, values=_values(request, payload)
    )
    return Status(201, organisation)


def _decided(request: UchastRequest, organisation_id: int) -> Organisation:
    require_staff(request, "organisations.decide")
    return selectors.access_organisation(request.user, request.community, organisation_id)


@router.post(
    "/{organisation_id}/confirm",
    response={200: OrganisationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Confirm a registration (staff)")),
)
def confirm_organisation(request: UchastRequest, organisation_id: int) -> Organisation:
    organisation = _decided(request, organisation_id)
    return services.organisation_confirm(organisation=organisation, actor=request.user)


@router.post(
    "/{organisation_id}/refuse",
    response={200: OrganisationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Refuse a registration with a reason (staff)")),
)
def refuse_organisation(request: UchastRequest, organisation_id: int, payload: RefusalIn) -> Organisation:
    organisation = _decided(request, organisation_id)
    return services.organisation_refuse(organisation=organisation, actor=request.user, reason=payload.reason)


@router.post(
    "/{organisation_id}/invitations",
    response={201: InvitationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Invite a member by e-mail (the head)")),
)
def invite_member(request: UchastRequest, organisation_id: int, payload: InvitationIn) -> Status[Invitation]:
    require_permission(request, "organisations.accept_invitation")
    organisation = selectors.access_organisation(request.user, request.community, organisation_id)
    require_permission(request, "organisations.invite", organisation)
    # The link with the token goes to the invited address only, never back to the caller.
    invitation, _token = services.invitation_send(
        organisation=organisation, actor=request.user, email=payload.email, role=payload.role
    )
    return Status(201, invitation)


@router.post(
    "/invitations/accept",
    response={200: OrganisationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Accept an invitation to an organisation")),
)
def accept_invitation(request: UchastRequest, payload: AcceptIn) -> Organisation:
    require_permission(request, "organisations.accept_invitation")
    return services.invitation_accept(token=payload.token, user=request.user)
