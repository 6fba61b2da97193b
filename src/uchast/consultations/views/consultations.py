"""The list, a consultation's announcement page, its draft versions, files and phases."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.consultations import selectors, services
from uchast.consultations.actions import ConsultationAction
from uchast.consultations.forms import AttachmentForm, ConsultationForm, DraftForm, ReportForm
from uchast.consultations.models import NEXT_PHASE, Consultation, MeetingProposalStatus, Phase
from uchast.consultations.opinionmap import opinion_view
from uchast.consultations.predicates import decision_for
from uchast.consultations.views.common import consultation_of
from uchast.core.dbrouter import public_read
from uchast.core.files import attachments_for
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action
from uchast.organisations.selectors import acting_as_choices


@require_safe
@public_view
@public_read
def index(request: UchastRequest) -> HttpResponse:
    community = request.community
    items = selectors.consultations_visible(community, request.user)
    page = keyset_page(items, request, order=("-starts_at", "-pk"))
    return render(request, "consultations/index.html", {"consultations": page.items, "page": page})


@require_safe
@public_view
def detail(request: UchastRequest, pk: int) -> HttpResponse:
    consultation = consultation_of(request, pk)
    version = selectors.current_version(consultation)
    user = request.user
    context = {
        "c": consultation,
        "version": version,
        "versions": consultation.versions.all(),
        "sections": selectors.sections_of(version),
        "surveys": consultation.surveys.all(),
        "meetings": selectors.meetings_of(consultation),
        **_meeting_proposals_context(request, consultation),
        "statement_count": consultation.statements.filter(is_hidden=False).count(),
        "opinion": opinion_view(consultation),
        "propose_decision": decision_for(user, consultation, ConsultationAction.PROPOSE),
        "can_manage": user.has_perm("consultations.manage"),
        "phases": Phase,
        "report_form": ReportForm(),
        "attachments": attachments_for(consultation),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "consultations/detail.html", context)


def _meeting_proposals_context(request: UchastRequest, consultation: Consultation) -> dict[str, object]:
    """Who may propose a meeting on behalf of an organisation here, and the links to the proposals
    (staff: how many wait; a proposer: their own)."""
    user = request.user
    may_propose = consultation.phase == Phase.OPEN and user.has_perm("consultations.propose_meeting", consultation)
    proposals = selectors.meeting_proposals_visible(consultation, user)
    return {
        "can_propose_meeting": may_propose and bool(acting_as_choices(user, request.community)),
        "meeting_proposals_pending": proposals.filter(status=MeetingProposalStatus.PENDING).count()
        if user.is_authenticated
        else 0,
        "has_meeting_proposals": user.is_authenticated and proposals.exists(),
    }


@require_safe
@public_view
def version_detail(request: UchastRequest, pk: int, number: int) -> HttpResponse:
    consultation = consultation_of(request, pk)
    version = consultation.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "consultations/version.html",
        {"c": consultation, "version": version, "sections": selectors.sections_of(version)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def consultation_create(request: UchastRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None, community=request.community)
    return form_action(
        request,
        form,
        lambda: services.consultation_create(actor=request.user, community=request.community, **form.cleaned_data),
        template="consultations/staff_form.html",
        context={"title": _("New consultation")},
        success=_("The consultation is created. Add the draft text next."),
        to=lambda created: reverse("consultations:draft", args=[created.pk]),
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def draft_upload(request: UchastRequest, pk: int) -> HttpResponse:
    consultation = consultation_of(request, pk)
    form = DraftForm(request.POST or None, request.FILES or None)
    upload = request.FILES.get("file")
    return form_action(
        request,
        form,
        lambda: services.draft_version_publish(
            actor=request.user,
            consultation=consultation,
            sections=form.cleaned_data["sections"],
            note=form.cleaned_data["note"],
            source_name=(upload.name or "") if upload is not None else "",
        ),
        template="consultations/staff_form.html",
        context={"title": _("Draft text"), "c": consultation, "multipart": True},
        success=_("The new version of the draft is published."),
        to=reverse("consultations:detail", args=[consultation.pk]),
    )


@require_POST
@permission_required("consultations.manage")
def attachment_add(request: UchastRequest, pk: int) -> HttpResponse:
    consultation = consultation_of(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    to = reverse("consultations:detail", args=[consultation.pk])
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(to)
    return post_action(
        request,
        lambda: services.consultation_attachment_add(
            actor=request.user,
            consultation=consultation,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        ),
        success=_("The file is attached."),
        to=to,
        success_to=to + "#attachments",
    )


@require_POST
@permission_required("consultations.manage")
def advance(request: UchastRequest, pk: int) -> HttpResponse:
    consultation = consultation_of(request, pk)
    target = NEXT_PHASE.get(Phase(consultation.phase))
    return post_action(
        request,
        lambda: services.consultation_advance(actor=request.user, consultation=consultation),
        success=_("Phase changed: %(phase)s.") % {"phase": target.label} if target else "",
        to=reverse("consultations:detail", args=[consultation.pk]),
    )
