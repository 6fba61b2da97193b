"""Read API of public petitions, and signing/withdrawing for signed-in residents."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED
from uchast.core.api.schemas import Error
from uchast.core.errors import ActionRefused
from uchast.petitions import selectors, services
from uchast.petitions.models import Petition

router = Router(tags=["petitions"])


class PetitionOut(Schema):
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


class SignatureIn(Schema):
    display: str = "name"


class SignatureOut(Schema):
    petition: int
    signature_count: int
    signed: bool


def _out(p: Petition) -> PetitionOut:
    return PetitionOut(
        id=p.pk,
        title=p.title,
        text=p.text,
        status=p.status,
        author=p.author.display_name,
        signature_count=p.signature_count,
        threshold=p.threshold,
        published_at=p.published_at,
        collection_deadline=p.collection_deadline,
        answer_due=p.answer_due,
        answered_as_appeal=p.answered_as_appeal,
        answer_outcome=p.answer_outcome,
        answer_text=p.answer_text,
        answered_at=p.answered_at,
        url=p.get_absolute_url(),
    )


def _community(request: HttpRequest) -> object:
    community = request.community  # type: ignore[attr-defined]
    if community is None:
        raise ActionRefused("no_community", _("No community is configured yet."), status=404)
    return community


@router.get("/", response={200: list[PetitionOut]})
def list_petitions(
    request: HttpRequest, status: str = "", q: str = "", limit: int = 50, offset: int = 0
) -> list[PetitionOut]:
    if not request.user.has_perm("core.view_public"):
        raise ActionRefused("forbidden", _("You do not have permission to do this."), status=403)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    qs = selectors.public_petitions(_community(request), status=status, query=q)  # type: ignore[arg-type]
    return [_out(p) for p in qs[offset : offset + limit]]


@router.get("/{petition_id}", response={200: PetitionOut, 404: Error})
def get_petition(request: HttpRequest, petition_id: int) -> PetitionOut:
    petition = selectors.access_petition(request.user, _community(request), petition_id)  # type: ignore[arg-type]
    return _out(petition)


@router.post(
    "/{petition_id}/signature",
    response={201: SignatureOut, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error},
    auth=AUTHENTICATED,
)
def sign_petition(request: HttpRequest, petition_id: int, payload: SignatureIn | None = None) -> Status:
    petition = selectors.access_petition(request.user, _community(request), petition_id)  # type: ignore[arg-type]
    if not request.user.has_perm("petitions.sign", petition):
        raise ActionRefused("forbidden", _("You do not have permission to do this."), status=403)
    petition, _signature = services.signature_create(
        petition=petition, signer=request.user, display=(payload.display if payload else "name")
    )
    return Status(201, SignatureOut(petition=petition.pk, signature_count=petition.signature_count, signed=True))


@router.delete(
    "/{petition_id}/signature",
    response={200: SignatureOut, 401: Error, 403: Error, 404: Error, 409: Error},
    auth=AUTHENTICATED,
)
def withdraw_signature(request: HttpRequest, petition_id: int) -> SignatureOut:
    petition = selectors.access_petition(request.user, _community(request), petition_id)  # type: ignore[arg-type]
    if not request.user.has_perm("petitions.sign", petition):
        raise ActionRefused("forbidden", _("You do not have permission to do this."), status=403)
    petition = services.signature_withdraw(petition=petition, signer=request.user)
    return SignatureOut(petition=petition.pk, signature_count=petition.signature_count, signed=False)
