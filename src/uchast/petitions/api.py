"""Read API of public petitions, and signing/withdrawing for signed-in residents."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED
from uchast.core.api.operations import PUBLIC_ERRORS, PUBLIC_ITEM_ERRORS, WRITE_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.web import UchastRequest
from uchast.petitions import selectors, services
from uchast.petitions.actions import PetitionAction
from uchast.petitions.models import Petition

router = Router(tags=["petitions"])

# Bounds of the list's window: outside them the request is refused (422), never clamped or sent to
# the database (an offset beyond 64 bits was a server error there).


class PetitionOut(Schema):
    """A petition as the API shows it; endpoints return the model and ninja reads it through this."""

    id: int
    title: str
    text: str
    status: str
    author: str
    signature_count: int
    threshold: int
    published_at: datetime | None
    collection_deadline: date | None
    answer_due: date | None
    answered_as_appeal: bool
    answer_outcome: str
    answer_text: str
    answered_at: datetime | None
    url: str

    @staticmethod
    def resolve_author(petition: Petition) -> str:
        return petition.author.display_name

    @staticmethod
    def resolve_url(petition: Petition) -> str:
        return petition.get_absolute_url()


class SignatureIn(Schema):
    display: str = "name"


class SignatureOut(Schema):
    petition: int
    signature_count: int
    signed: bool


def _signable(request: UchastRequest, petition_id: int) -> Petition:
    """The petition, if the caller may see it (else 404) and sign on it (else 403)."""
    petition = selectors.access_petition(request.user, request.community, petition_id)
    if not request.user.has_perm(PetitionAction.SIGN.permission, petition):
        raise PermissionDenied
    return petition


@router.get("/", response={200: list[PetitionOut], **PUBLIC_ERRORS}, summary=lazy_text(gettext_lazy("Petitions")))
def list_petitions(
    request: UchastRequest,
    paging: Query[PageIn],
    status: str = "",
    q: str = "",
) -> list[Petition]:
    if not request.user.has_perm("core.view_public"):
        raise PermissionDenied
    qs = selectors.public_petitions(request.community, status=status, query=q)
    return page(qs, paging)


@router.get(
    "/{petition_id}", response={200: PetitionOut, **PUBLIC_ITEM_ERRORS}, summary=lazy_text(gettext_lazy("One petition"))
)
def get_petition(request: UchastRequest, petition_id: int) -> Petition:
    return selectors.access_petition(request.user, request.community, petition_id)


@router.post(
    "/{petition_id}/signature",
    response={201: SignatureOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Sign a petition")),
)
def sign_petition(request: UchastRequest, petition_id: int, payload: SignatureIn | None = None) -> Status:
    petition = _signable(request, petition_id)
    petition, _signature = services.signature_create(
        petition=petition, signer=request.user, display=(payload.display if payload else "name")
    )
    return Status(201, SignatureOut(petition=petition.pk, signature_count=petition.signature_count, signed=True))


@router.delete(
    "/{petition_id}/signature",
    response={200: SignatureOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Withdraw my signature")),
)
def withdraw_signature(request: UchastRequest, petition_id: int) -> SignatureOut:
    petition = _signable(request, petition_id)
    petition = services.signature_withdraw(petition=petition, signer=request.user)
    return SignatureOut(petition=petition.pk, signature_count=petition.signature_count, signed=False)


from uchast.petitions import api_write as _api_write  # noqa: E402, F401 - registers the writes on this router
