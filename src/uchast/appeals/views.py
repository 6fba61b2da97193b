"""Thin views of appeals: parse, check permission, call one service, render (POST-redirect-GET)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.appeals import forms, selectors, services
from uchast.appeals.actions import AppealAction
from uchast.appeals.models import Appeal, Department, Status, Topic
from uchast.core.errors import ActionRefused
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action

FILE = AppealAction.FILE.permission


def _appeal(request: UchastRequest, pk: int, permission: str, what: str = "detail") -> Appeal:
    """The appeal if the person may see it (else 404, logged when personal) and act on it (else 403)."""
    appeal, _personal = selectors.access_appeal(request.user, request.community, pk, what=what)
    if not request.user.has_perm(permission, appeal):
        raise PermissionDenied
    return appeal


@require_safe
@public_view
def index(request: UchastRequest) -> HttpResponse:
    community, query = request.community, request.GET.get("q", "")
    page = keyset_page(selectors.published_answers(community, query), request, order=selectors.PUBLISHED_ORDER)
    return render(
        request,
        "appeals/index.html",
        {
            "page": page,
            "query": query,
            "mine": selectors.appeals_of(request.user, community)[:50],
            "invitations": selectors.invitations_of(request.user, community),
            "can_file": request.user.has_perm(FILE),
            "is_staff": request.user.has_perm("appeals.view_queue"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(FILE)
def create(request: UchastRequest) -> HttpResponse:
    form = forms.AppealForm(request.POST or None, request.FILES or None)

    def file() -> Appeal:
        data = form.cleaned_data
        draft = services.AppealDraft(
            kind=data["kind"],
            topic=data["topic"],
            subject=data["subject"],
            text=data["text"],
            full_name=data["full_name"],
            residence=data["residence"],
            displaced=data["displaced"],
            current_address=data["current_address"],
            contact=data["contact"],
            priority=data["priority"],
            publish=data["publish"],
            cosigner_emails=data["cosigners"].split(),
        )
        files = request.FILES.getlist("attachments")
        return services.appeal_file(author=request.user, community=request.community, draft=draft, files=files)

    return form_action(
        request,
        form,
        file,
        template="appeals/form.html",
        success=_("Your appeal is registered. You will be told of every step."),
        to=lambda appeal: appeal.get_absolute_url(),
    )


def _staff_context(request: UchastRequest, appeal: Appeal) -> dict[str, Any]:
    departments = Department.objects.filter(community=request.community)
    return {
        "route_form": forms.RouteForm(departments=departments, initial={"department": appeal.department_id}),
        "forward_form": forms.ForwardForm(),
        "extend_form": forms.ExtendForm(initial={"new_due": appeal.ceiling_date}),
        "answer_form": forms.AnswerForm(),
        "priority_form": forms.PriorityForm(),
    }


@require_safe
@public_view
def detail(request: UchastRequest, pk: int) -> HttpResponse:
    appeal, personal = selectors.access_appeal(request.user, request.community, pk)
    user = request.user
    context: dict[str, Any] = {
        "appeal": appeal,
        "personal": personal,
        "files": appeal.files.all() if personal else [],
        "cosigners": appeal.cosigners.select_related("user") if personal else [],
        "can_handle": user.has_perm("appeals.handle", appeal) and appeal.status in (Status.REGISTERED, Status.IN_WORK),
        "can_cosign": user.has_perm("appeals.cosign", appeal),
        "my_cosign": appeal.cosigners.filter(user=user).first() if user.is_authenticated else None,
        "can_rate": user.has_perm("appeals.rate", appeal),
        "today": timezone.localdate(),
        "rate_form": forms.RateForm(initial={"rating": appeal.rating}),
        "complaint_form": forms.ComplaintForm(auto_id="complaint_%s"),
    }
    if context["can_handle"]:
        context.update(_staff_context(request, appeal))
    return render(request, "appeals/detail.html", context)


@require_safe
@permission_required(FILE)
def download(request: UchastRequest, pk: int, file_pk: int) -> FileResponse:
    appeal = _appeal(request, pk, "appeals.view_personal", what="file")
    stored = selectors.appeal_file_of(appeal, file_pk)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.title)


@require_safe
@permission_required("appeals.view_queue")
def queue(request: UchastRequest) -> HttpResponse:
    return render(
        request,
        "appeals/queue.html",
        {
            # Two bounded keyset pages, each with its own cursor (a city registry has thousands open).
            "appeals": keyset_page(
                selectors.staff_queue(request.user, request.community), request, order=selectors.STAFF_QUEUE_ORDER
            ),
            "overdue": keyset_page(
                selectors.overdue_for_head(request.user, request.community),
                request,
                order=selectors.OVERDUE_ORDER,
                param="late",
            ),
            "today": timezone.localdate(),
        },
    )


def _post(request: UchastRequest, pk: int, permission: str, form: Any, call: Any, success: str) -> HttpResponse:
    """One staff or resident action on an appeal from a form on its page: refusals come back as messages."""
    appeal = _appeal(request, pk, permission)

    def action() -> object:
        if not form.is_valid():
            errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
            raise ActionRefused("invalid_input", errors)
        return call(appeal, form.cleaned_data)

    return post_action(request, action, success=success, to=appeal.get_absolute_url())


@require_POST
@permission_required(FILE, raise_exception=True)
def route(request: UchastRequest, pk: int) -> HttpResponse:
    form = forms.RouteForm(request.POST, departments=Department.objects.filter(community=request.community))
    return _post(
        request,
        pk,
        "appeals.handle",
        form,
        lambda a, d: services.appeal_route(appeal=a, actor=request.user, **d),
        _("The appeal is routed."),
    )


@require_POST
@permission_required(FILE, raise_exception=True)
def forward(request: UchastRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "appeals.handle",
        forms.ForwardForm(request.POST),
        lambda a, d: services.appeal_forward(appeal=a, actor=request.user, body=d["body"]),
        _("The appeal is passed on; the person is told."),
    )


@require_POST
@permission_required(FILE, raise_exception=True)
def extend(request: UchastRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "appeals.handle",
        forms.ExtendForm(request.POST),
        lambda a, d: services.appeal_extend(appeal=a, actor=request.user, **d),
        _("The term is extended; the person is told the reasons."),
    )


@require_POST
@permission_required(FILE, raise_exception=True)
def priority(request: UchastRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "appeals.handle",
        forms.PriorityForm(request.POST),
        lambda a, d: services.appeal_check_priority(appeal=a, actor=request.user, **d),
        _("The priority category is checked."),
    )


@require_POST
@permission_required(FILE, raise_exception=True)
def answer(request: UchastRequest, pk: int) -> HttpResponse:
    files = request.FILES.getlist("attachments")
    return _post(
        request,
        pk,
        "appeals.handle",
        forms.AnswerForm(request.POST, request.FILES),
        lambda a, d: services.appeal_answer(appeal=a, actor=request.user, text=d["text"], files=files),
        _("The answer is signed off and sent."),
    )


@require_POST
@permission_required(FILE, raise_exception=True)
def rate(request: UchastRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "appeals.rate",
        forms.RateForm(request.POST),
        lambda a, d: services.appeal_rate(appeal=a, user=request.user, rating=d["rating"]),
        _("Thank you for rating the answer."),
    )


@require_POST
@permission_required(FILE, raise_exception=True)
def complain(request: UchastRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "appeals.complain",
        forms.ComplaintForm(request.POST),
        lambda a, d: services.appeal_complain(appeal=a, user=request.user, text=d["text"]),
        _("Your complaint is registered and goes to the next level."),
    )


@require_POST
@permission_required(FILE, raise_exception=True)
def cosign(request: UchastRequest, pk: int) -> HttpResponse:
    appeal = _appeal(request, pk, "appeals.cosign", what="cosign")
    return post_action(
        request,
        lambda: services.cosigner_confirm(appeal=appeal, user=request.user),
        success=_("You have co-signed the appeal."),
        to=appeal.get_absolute_url(),
    )


@require_POST
@permission_required(FILE, raise_exception=True)
def withdraw(request: UchastRequest, pk: int) -> HttpResponse:
    appeal = _appeal(request, pk, "appeals.cosign", what="withdraw")
    return post_action(
        request,
        lambda: services.cosigner_withdraw(appeal=appeal, user=request.user),
        success=_("You have withdrawn from the appeal."),
        to="appeals:index",
    )


@require_safe
@public_view
def stats(request: UchastRequest) -> HttpResponse:
    stats = selectors.statistics(request.community)
    labels = dict(Topic.choices)
    topics = [{**row, "label": labels.get(row["topic"], row["topic"])} for row in stats.by_topic]
    return render(request, "appeals/stats.html", {"stats": stats, "topics": topics})
