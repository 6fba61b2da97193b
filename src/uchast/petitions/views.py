"""Thin views: parse, check permission, call one service, render (POST-redirect-GET)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.core.errors import ActionRefused
from uchast.core.files import attachments_for
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.petitions import selectors, services
from uchast.petitions.forms import AnswerForm, AssignForm, PetitionForm, RefuseForm, SignForm
from uchast.petitions.models import PUBLIC_STATUSES, Petition, PetitionStatus
from uchast.petitions.statute import PetitionStatute
from uchast.verification.selectors import participation_decision


def _community(request: HttpRequest) -> Any:
    return request.community  # type: ignore[attr-defined]


def _refused(request: HttpRequest, error: ActionRefused) -> None:
    messages.error(request, error.message)


@require_safe
@public_view
def index(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "")
    petitions = selectors.public_petitions(community, status=status, query=query)
    page = Paginator(petitions, 20).get_page(request.GET.get("page"))
    cards = [(p, selectors.deadlines(p)) for p in page.object_list]
    return render(
        request,
        "petitions/index.html",
        {
            "page_obj": page,
            "cards": cards,
            "status": status if status in PUBLIC_STATUSES else "",
            "query": query,
            "statuses": [(s.value, s.label) for s in PetitionStatus if s in PUBLIC_STATUSES],
            "mine": selectors.petitions_of_author(request.user, community)[:20],
            "can_create": request.user.has_perm("petitions.create"),
            "is_staff": request.user.has_perm("petitions.view_queue"),
            "statute": PetitionStatute.from_community(community),
        },
    )


@require_safe
@public_view
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request)
    petition = selectors.access_petition(request.user, community, pk)
    statute = PetitionStatute.from_community(community)
    user = request.user
    context: dict[str, Any] = {
        "petition": petition,
        "deadlines": selectors.deadlines(petition),
        "signatures": selectors.public_signatures(petition) if petition.is_public else [],
        "my_signature": selectors.signature_of(user, petition),
        "attachments": attachments_for(petition) if petition.answered_at else [],
        "statute": statute,
    }
    if petition.status == PetitionStatus.COLLECTING:
        context["decision"] = participation_decision(
            user, community, "petition.sign", conditions=statute.sign_conditions
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
@permission_required("petitions.create")
def create(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    statute = PetitionStatute.from_community(community)
    decision = participation_decision(request.user, community, "petition.create", conditions=statute.create_conditions)
    form = PetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_create(
                author=request.user,
                community=community,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            )
        except ActionRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Draft saved. Check it and submit it for moderation."))
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/form.html", {"form": form, "decision": decision})


@require_http_methods(["GET", "POST"])
@permission_required("petitions.create")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    petition = selectors.access_petition(request.user, _community(request), pk)
    if not request.user.has_perm("petitions.change_draft", petition):
        raise PermissionDenied
    form = PetitionForm(request.POST or None, initial={"title": petition.title, "text": petition.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_update(
                petition=petition, actor=request.user, title=form.cleaned_data["title"], text=form.cleaned_data["text"]
            )
        except ActionRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Draft saved. Check it and submit it for moderation."))
            return redirect("petitions:detail", pk=pk)
    return render(request, "petitions/form.html", {"form": form, "petition": petition})


def _post_action(request: HttpRequest, pk: int, permission: str, action: Any, success: str) -> HttpResponse:
    petition = selectors.access_petition(request.user, _community(request), pk)
    if not request.user.has_perm(permission, petition):
        raise PermissionDenied
    try:
        action(petition)
    except ActionRefused as error:
        _refused(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("petitions:detail", pk=pk)


@require_POST
@permission_required("petitions.create")
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        "petitions.submit",
        lambda p: services.petition_submit(petition=p, actor=request.user),
        _("The petition is submitted for moderation."),
    )


@require_POST
@permission_required("petitions.sign")
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    display = request.POST.get("display", "name")
    return _post_action(
        request,
        pk,
        "petitions.sign",
        lambda p: services.signature_create(petition=p, signer=request.user, display=display),
        _("Thank you: your signature is counted."),
    )


@require_POST
@permission_required("petitions.sign")
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        "petitions.sign",
        lambda p: services.signature_withdraw(petition=p, signer=request.user),
        _("Your signature is withdrawn."),
    )


@require_POST
@permission_required("petitions.moderate", raise_exception=True)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        "petitions.moderate",
        lambda p: services.petition_publish(petition=p, actor=request.user),
        _("The petition is published and collects signatures."),
    )


@require_POST
@permission_required("petitions.moderate", raise_exception=True)
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    form = RefuseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("petitions:detail", pk=pk)
    return _post_action(
        request,
        pk,
        "petitions.moderate",
        lambda p: services.petition_refuse(
            petition=p, actor=request.user, reason=form.cleaned_data["reason"], text=form.cleaned_data["text"]
        ),
        _("The petition is refused; the author is told why."),
    )


@require_POST
@permission_required("petitions.assign", raise_exception=True)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an official."))
        return redirect("petitions:detail", pk=pk)
    return _post_action(
        request,
        pk,
        "petitions.assign",
        lambda p: services.petition_assign(petition=p, actor=request.user, official=form.cleaned_data["official"]),
        _("The petition is assigned."),
    )


@require_POST
@permission_required("petitions.answer", raise_exception=True)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request)
    petition = selectors.access_petition(request.user, community, pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.petition_answer(
                petition=petition,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
        except ActionRefused as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error("files", error)
        else:
            messages.success(request, _("The answer is published; the author and signatories are told."))
            return redirect("petitions:detail", pk=pk)
    return render(request, "petitions/answer.html", {"petition": petition, "answer_form": form}, status=400)


@require_POST
@permission_required("petitions.answer", raise_exception=True)
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        "petitions.answer",
        lambda p: services.petition_archive(petition=p, actor=request.user),
        _("The petition is archived."),
    )


@require_safe
@permission_required("petitions.view_queue", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "petitions/queue.html", selectors.staff_queue(_community(request)))


def petition_url(petition: Petition) -> str:
    return petition.get_absolute_url()
