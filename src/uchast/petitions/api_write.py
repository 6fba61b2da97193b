"""Petitions from creation to answer through the API (issue 18): the same services, permissions
and audit as the pages (``views``). Registered on ``petitions.api.router`` (imported at its end)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED, require_scope
from uchast.accounts.models import User
from uchast.core.api.operations import WRITE_ERRORS, lazy_text
from uchast.core.errors import ActionRefused
from uchast.core.web import UchastRequest
from uchast.petitions import selectors, services
from uchast.petitions.actions import PetitionAction
from uchast.petitions.api import PetitionOut, router
from uchast.petitions.models import ANSWER_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Petition, RefusalReason


class PetitionIn(Schema):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    text: str = Field(..., max_length=TEXT_MAX_LENGTH)


class AnswerIn(Schema):
    outcome: str = Field(..., max_length=30, description="supported, partly_supported or not_supported")
    text: str = Field(..., max_length=ANSWER_MAX_LENGTH)


class PetitionRefusalIn(Schema):
    reason: RefusalReason = Field(..., description="the ground for refusal the statute allows")
    text: str = Field(..., max_length=2000, description="the explanation for the author")


class PetitionAssignIn(Schema):
    official: int = Field(..., description="id of the official responsible")


def _petition(request: UchastRequest, petition_id: int, permission: str) -> Petition:
    """The petition if the caller may see it (else 404) and has ``permission`` on it (else 403)."""
    petition = selectors.access_petition(request.user, request.community, petition_id)
    if not request.user.has_perm(permission, petition):
        raise PermissionDenied
    return petition


@router.post(
    "/",
    response={201: PetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Create a petition (a draft)")),
)
def create_petition(request: UchastRequest, payload: PetitionIn) -> Status[Petition]:
    if request.community is None or not request.user.has_perm(PetitionAction.CREATE.permission):
        raise PermissionDenied
    petition = services.petition_create(
        author=request.user, community=request.community, title=payload.title, text=payload.text
    )
    return Status(201, petition)


@router.post(
    "/{petition_id}/submit",
    response={200: PetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Submit my petition for moderation")),
)
def submit_petition(request: UchastRequest, petition_id: int) -> Petition:
    petition = _petition(request, petition_id, "petitions.submit")
    return services.petition_submit(petition=petition, actor=request.user)


@router.post(
    "/{petition_id}/publish",
    response={200: PetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Publish a petition after moderation (staff)")),
)
def publish_petition(request: UchastRequest, petition_id: int) -> Petition:
    require_scope(request, "staff")
    petition = _petition(request, petition_id, "petitions.moderate")
    return services.petition_publish(petition=petition, actor=request.user)


@router.post(
    "/{petition_id}/answer",
    response={200: PetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Answer a petition (staff)")),
)
def answer_petition(request: UchastRequest, petition_id: int, payload: AnswerIn) -> Petition:
    require_scope(request, "staff")
    petition = _petition(request, petition_id, "petitions.answer")
    return services.petition_answer(petition=petition, actor=request.user, outcome=payload.outcome, text=payload.text)


@router.put(
    "/{petition_id}",
    response={200: PetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Change my draft petition")),
)
def edit_petition(request: UchastRequest, petition_id: int, payload: PetitionIn) -> Petition:
    if not request.user.has_perm(PetitionAction.CREATE.permission):
        raise PermissionDenied
    petition = _petition(request, petition_id, "petitions.change_draft")
    return services.petition_update(petition=petition, actor=request.user, title=payload.title, text=payload.text)


@router.post(
    "/{petition_id}/refuse",
    response={200: PetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Refuse to publish a petition (staff)")),
)
def refuse_petition(request: UchastRequest, petition_id: int, payload: PetitionRefusalIn) -> Petition:
    require_scope(request, "staff")
    petition = _petition(request, petition_id, "petitions.moderate")
    return services.petition_refuse(petition=petition, actor=request.user, reason=payload.reason, text=payload.text)


@router.post(
    "/{petition_id}/assign",
    response={200: PetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Assign a petition to an official (staff)")),
)
def assign_petition(request: UchastRequest, petition_id: int, payload: PetitionAssignIn) -> Petition:
    require_scope(request, "staff")
    petition = _petition(request, petition_id, "petitions.assign")
    official = User.objects.filter(pk=payload.official, is_active=True).first()
    if official is None:
        raise ActionRefused("not_official", _("A petition can be assigned only to an official."))
    return services.petition_assign(petition=petition, actor=request.user, official=official)


@router.post(
    "/{petition_id}/archive",
    response={200: PetitionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary=lazy_text(gettext_lazy("Archive an answered or refused petition (staff)")),
)
def archive_petition(request: UchastRequest, petition_id: int) -> Petition:
    require_scope(request, "staff")
    petition = _petition(request, petition_id, "petitions.answer")
    return services.petition_archive(petition=petition, actor=request.user)
