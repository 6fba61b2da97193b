"""Thin views: parse, check permission, call one service, render (POST-redirect-GET)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.core.dbrouter import public_read
from uchast.core.errors import ActionRefused
from uchast.core.files import attachments_for
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action
from uchast.organisations.selectors import acting_as_choices
from uchast.petitions import selectors, services
from uchast.petitions.actions import PetitionAction
from uchast.petitions.forms import AnswerForm, AssignForm, PetitionForm, RefuseForm, SignForm
from uchast.petitions.models import PUBLIC_STATUSES, Petition, PetitionStatus
from uchast.petitions.statute import PetitionStatute
from uchast.verification.selectors import participation_decision

CREATE = PetitionAction.CREATE.permission
SIGN = PetitionAction.SIGN.permission


def _petition(request: UchastRequest, pk: int, permission: str) -> Petition:
    """The petition if the person may see it (else 404) and has ``permission`` on it (else 403)."""
    petition = selectors.access_petition(request.user, request.community, pk)
    if not request.user.has_perm(permission, petition):
        raise PermissionDenied
    return petition


def _cleaned(form: forms.Form, message: str = "") -> dict[str, Any]:
    """The form's values, or a refusal with ``message`` (else the form's own errors) when it is invalid."""
    if not form.is_valid():
        raise ActionRefused(
            "invalid_input", message or " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return form.cleaned_data


@require_safe
@public_view
@public_read
def index(request: UchastRequest) -> HttpResponse:
    community = request.community
    status = request.GET.get("status", "")
    query = request.GET.get("q", "")
    petitions = selectors.public_petitions(community, status=status, query=query)
    page = keyset_page(petitions, request, order=("-published_at", "-pk"))
    cards = [(p, selectors.deadlines(p)) for p in page.items]
    return render(
        request,
        "petitions/index.html",
        {
            "page": page,
            "cards": cards,
            "status": status if status in PUBLIC_STATUSES else "",
            "query": query,
            "statuses": [(s.value, s.label) for s in PetitionStatus if s in PUBLIC_STATUSES],
            "mine": selectors.petitions_of_author(request.user, community)[:20],
            "can_create": request.user.has_perm(CREATE),
            "is_staff": request.user.has_perm("petitions.view_queue"),
            "statute": PetitionStatute.from_community(community),
        },
    )


@require_safe
@public_view
def detail(request: UchastRequest, pk: int) -> HttpResponse:
    community = request.community
    petition = selectors.access_petition(request.user, community, pk)
    statute = PetitionStatute.from_community(community)
    user = request.user
    context: dict[str, Any] = {
        "petition": petition,
        "deadlines": selectors.deadlines(petition),
        "signatures": selectors.public_signatures(petition, request) if petition.is_public else None,
        "my_signature": selectors.signature_of(user, petition),
        "attachments": attachments_for(petition) if petition.answered_at else [],
        "statute": statute,
    }
    if petition.status == PetitionStatus.COLLECTING:
        context["decision"] = participation_decision(
            user, community, PetitionAction.SIGN, conditions=statute.sign_conditions
        )
        context["sign_form"] = SignForm() if statute.signatory_initials_allowed else None
    if petition.status in (PetitionStatus.DRAFT, PetitionStatus.MODERATION) and (
        user.has_perm("petitions.submit", petition) or user.has_perm("petitions.moderate")
    ):
        context["similar"] = selectors.similar_petitions(community, petition.title, exclude_pk=petition.pk)
    if petition.status == PetitionStatus.MODERATION and user.has_perm("petitions.moderate"):
        context["refuse_form"] = RefuseForm()
    if petition.status == PetitionStatus.CONSIDERATION and user.has_perm("petitions.answer"):
        context["assign_form"] = AssignForm(initial={"official": petition.assigned_to_id})
        context["answer_form"] = AnswerForm()
    context["can_submit"] = user.has_perm("petitions.submit", petition)
    context["can_archive"] = petition.status == PetitionStatus.ANSWERED and user.has_perm("petitions.answer")
    return render(request, "petitions/detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(CREATE)
def create(request: UchastRequest) -> HttpResponse:
    community = request.community
    statute = PetitionStatute.from_community(community)
    decision = participation_decision(
        request.user, community, PetitionAction.CREATE, conditions=statute.create_conditions
    )
    form = PetitionForm(request.POST or None, organisations=acting_as_choices(request.user, community))
    return form_action(
        request,
        form,
        lambda: services.petition_create(author=request.user, community=community, **form.cleaned_data),
        template="petitions/form.html",
        context={"decision": decision},
        success=_("Draft saved. Check it and submit it for moderation."),
        to=lambda petition: petition.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@permission_required(CREATE)
def edit(request: UchastRequest, pk: int) -> HttpResponse:
    petition = _petition(request, pk, "petitions.change_draft")
    form = PetitionForm(request.POST or None, initial={"title": petition.title, "text": petition.text})
    return form_action(
        request,
        form,
        lambda: services.petition_update(petition=petition, actor=request.user, **form.cleaned_data),
        template="petitions/form.html",
        context={"petition": petition},
        success=_("Draft saved. Check it and submit it for moderation."),
        to=petition.get_absolute_url(),
    )


@require_POST
@permission_required(CREATE)
def submit(request: UchastRequest, pk: int) -> HttpResponse:
    petition = _petition(request, pk, "petitions.submit")
    return post_action(
        request,
        lambda: services.petition_submit(petition=petition, actor=request.user),
        success=_("The petition is submitted for moderation."),
        to=petition.get_absolute_url(),
    )


@require_POST
@permission_required(SIGN)
def sign(request: UchastRequest, pk: int) -> HttpResponse:
    petition = _petition(request, pk, SIGN)
    display = request.POST.get("display", "name")
    return post_action(
        request,
        lambda: services.signature_create(petition=petition, signer=request.user, display=display),
        success=_("Thank you: your signature is counted."),
        to=petition.get_absolute_url(),
    )


@require_POST
@permission_required(SIGN)
def withdraw(request: UchastRequest, pk: int) -> HttpResponse:
    petition = _petition(request, pk, SIGN)
    return post_action(
        request,
        lambda: services.signature_withdraw(petition=petition, signer=request.user),
        success=_("Your signature is withdrawn."),
        to=petition.get_absolute_url(),
    )


@require_POST
@permission_required("petitions.moderate", raise_exception=True)
def publish(request: UchastRequest, pk: int) -> HttpResponse:
    petition = _petition(request, pk, "petitions.moderate")
    return post_action(
        request,
        lambda: services.petition_publish(petition=petition, actor=request.user),
        success=_("The petition is published and collects signatures."),
        to=petition.get_absolute_url(),
    )


@require_POST
@permission_required("petitions.moderate", raise_exception=True)
def refuse(request: UchastRequest, pk: int) -> HttpResponse:
    form = RefuseForm(request.POST)
    petition = _petition(request, pk, "petitions.moderate")
    return post_action(
        request,
        lambda: services.petition_refuse(petition=petition, actor=request.user, **_cleaned(form)),
        success=_("The petition is refused; the author is told why."),
        to=petition.get_absolute_url(),
    )


@require_POST
@permission_required("petitions.assign", raise_exception=True)
def assign(request: UchastRequest, pk: int) -> HttpResponse:
    form = AssignForm(request.POST)
    petition = _petition(request, pk, "petitions.assign")
    return post_action(
        request,
        lambda: services.petition_assign(
            petition=petition, actor=request.user, **_cleaned(form, _("Choose an official."))
        ),
        success=_("The petition is assigned."),
        to=petition.get_absolute_url(),
    )


@require_POST
@permission_required("petitions.answer", raise_exception=True)
def answer(request: UchastRequest, pk: int) -> HttpResponse:
    """Not :func:`form_action`: a bad file goes on the files field, a refusal on the whole form."""
    petition = _petition(request, pk, "petitions.answer")
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.petition_answer(petition=petition, actor=request.user, **form.cleaned_data)
        except ActionRefused as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error("files", error)
        else:
            messages.success(request, _("The answer is published; the author and signatories are told."))
            return redirect(petition)
    return render(request, "petitions/answer.html", {"petition": petition, "answer_form": form}, status=400)


@require_POST
@permission_required("petitions.answer", raise_exception=True)
def archive(request: UchastRequest, pk: int) -> HttpResponse:
    petition = _petition(request, pk, "petitions.answer")
    return post_action(
        request,
        lambda: services.petition_archive(petition=petition, actor=request.user),
        success=_("The petition is archived."),
        to=petition.get_absolute_url(),
    )


@require_safe
@permission_required("petitions.view_queue", raise_exception=True)
def queue(request: UchastRequest) -> HttpResponse:
    # Two bounded keyset pages, each with its own cursor (a city considers hundreds at once).
    lists = selectors.staff_queue(request.community)
    return render(
        request,
        "petitions/queue.html",
        {
            "moderation": keyset_page(lists["moderation"], request, order=selectors.QUEUE_ORDER, param="moderation"),
            "consideration": keyset_page(
                lists["consideration"], request, order=selectors.QUEUE_ORDER, param="consideration"
            ),
        },
    )
