"""A draft section with its proposals; proposing and supporting."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from uchast.consultations import selectors, services
from uchast.consultations.actions import ConsultationAction
from uchast.consultations.drafts import wording_diff
from uchast.consultations.forms import ProposalForm
from uchast.consultations.predicates import decision_for
from uchast.consultations.views.common import permitted
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, post_action
from uchast.organisations.selectors import acting_as_choices


@require_safe
@public_view
def section_detail(request: UchastRequest, pk: int) -> HttpResponse:
    section = selectors.access_section(request.user, request.community, pk)
    consultation = section.version.consultation
    page = keyset_page(selectors.proposals_of_section(section), request, order=("created_at", "pk"))
    proposals = [
        {"p": proposal, "diff": wording_diff(section.body, proposal.proposed_text) if proposal.proposed_text else None}
        for proposal in page.items
    ]
    latest = selectors.current_version(consultation)
    user = request.user
    return render(
        request,
        "consultations/section.html",
        {
            "c": consultation,
            "section": section,
            "is_latest": latest is not None and latest.pk == section.version_id,
            "latest": latest,
            "earlier": selectors.earlier_versions_of(section),
            "proposals": proposals,
            "page": page,
            "proposal_form": ProposalForm(
                initial={"proposed_text": section.body}, organisations=acting_as_choices(user, request.community)
            ),
            "can_propose": user.has_perm(ConsultationAction.PROPOSE.permission, consultation),
            "decision": decision_for(user, consultation, ConsultationAction.PROPOSE),
        },
    )


@require_POST
@permission_required("core.view_public")
def section_propose(request: UchastRequest, pk: int) -> HttpResponse:
    section = selectors.access_section(request.user, request.community, pk)
    form = ProposalForm(request.POST, organisations=acting_as_choices(request.user, request.community))
    to = reverse("consultations:section", args=[section.pk])
    if not form.is_valid():
        messages.error(request, _("Explain your proposal before sending (at most 3000 characters)."))
        return redirect(to)
    wording = form.cleaned_data["proposed_text"]
    if wording.strip() == section.body.strip():
        wording = ""  # the form is pre-filled with the current text: unchanged means a plain remark
    return post_action(
        request,
        permitted(
            request,
            ConsultationAction.PROPOSE.permission,
            section.version.consultation,
            _("You cannot make proposals here: the consultation is not open or you are not eligible."),
            lambda: services.proposal_create(
                author=request.user,
                section=section,
                body=form.cleaned_data["body"],
                proposed_text=wording,
                on_behalf_of=form.cleaned_data.get("on_behalf_of"),
            ),
        ),
        success=_("Your proposal is published. The council will answer it in the report."),
        to=to,
        success_to=to + "#proposals",
    )


@require_POST
@permission_required("core.view_public")
def proposal_support(request: UchastRequest, pk: int) -> HttpResponse:
    proposal = selectors.access_proposal(request.user, request.community, pk)
    to = reverse("consultations:section", args=[proposal.section_id]) if proposal.section_id else "/"
    return post_action(
        request,
        permitted(
            request,
            "consultations.support",
            proposal.consultation,
            _("You cannot support proposals here."),
            lambda: services.proposal_support(user=request.user, proposal=proposal),
        ),
        success=_("You support this proposal."),
        to=to,
        success_to=to + f"#proposal-{proposal.pk}",
    )
