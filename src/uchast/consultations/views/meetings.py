"""Meetings: the page, registration, planning and minutes; meetings proposed on behalf of an
organisation, and staff's decision on them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.consultations import selectors, services
from uchast.consultations.forms import DeclineForm, MeetingForm, MinutesForm
from uchast.consultations.views.common import consultation_of, permitted
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action
from uchast.organisations.selectors import acting_as_choices


@require_safe
@public_view
def meeting(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_meeting(request.user, request.community, pk)
    return render(
        request,
        "consultations/meeting.html",
        {
            "c": item.consultation,
            "meeting": item,
            "registered": selectors.is_registered(item, request.user),
            "can_register": request.user.has_perm("consultations.register_meeting", item.consultation),
            "can_manage": request.user.has_perm("consultations.manage"),
            "minutes_form": MinutesForm(initial={"minutes": item.minutes, "attended": item.attended_count}),
            # A hearing can record hundreds of proposals: a page of them, in the order raised.
            "proposals": keyset_page(item.proposals.all(), request, order=("created_at", "pk")),
        },
    )


@require_POST
@permission_required("core.view_public")
def meeting_register(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_meeting(request.user, request.community, pk)
    return post_action(
        request,
        permitted(
            request,
            "consultations.register_meeting",
            item.consultation,
            _("Registration is closed."),
            lambda: services.meeting_register(user=request.user, meeting=item),
        ),
        success=_("You are registered for the meeting."),
        to=reverse("consultations:meeting", args=[item.pk]),
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def meeting_create(request: UchastRequest, pk: int) -> HttpResponse:
    consultation = consultation_of(request, pk)
    form = MeetingForm(request.POST or None, community=request.community)
    return form_action(
        request,
        form,
        lambda: services.meeting_create(actor=request.user, consultation=consultation, **form.cleaned_data),
        template="consultations/staff_form.html",
        context={"title": _("New meeting"), "c": consultation},
        to=reverse("consultations:detail", args=[consultation.pk]) + "#meetings",
    )


@require_POST
@permission_required("consultations.manage")
def meeting_minutes(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_meeting(request.user, request.community, pk)
    form = MinutesForm(request.POST)
    to = reverse("consultations:meeting", args=[item.pk])
    if not form.is_valid():
        messages.error(request, _("Write the minutes and the number of people who attended."))
        return redirect(to)
    return post_action(
        request,
        lambda: services.meeting_minutes_record(
            actor=request.user,
            meeting=item,
            minutes=form.cleaned_data["minutes"],
            attended=form.cleaned_data["attended"],
            proposals=form.proposal_pairs(),
        ),
        success=_("The minutes are saved."),
        to=to,
    )


@require_http_methods(["GET", "POST"])
@permission_required("core.view_public")
def meeting_propose(request: UchastRequest, pk: int) -> HttpResponse:
    """A member proposes a meeting on behalf of their organisation; staff decide before it is public."""
    consultation = consultation_of(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = MeetingForm(request.POST or None, acting_for=acting_as_choices(request.user, request.community))
    return form_action(
        request,
        form,
        permitted(
            request,
            "consultations.propose_meeting",
            consultation,
            _("Meetings can be proposed only while the consultation is open."),
            lambda: services.meeting_propose(proposer=request.user, consultation=consultation, **form.cleaned_data),
        ),
        template="consultations/meeting_propose.html",
        context={"title": _("Propose a meeting"), "c": consultation},
        success=_("Your meeting is proposed. The council will decide on it; you will be told."),
        to=reverse("consultations:meeting_proposals", args=[consultation.pk]),
    )


@require_safe
@permission_required("core.view_public")
def meeting_proposals(request: UchastRequest, pk: int) -> HttpResponse:
    """Staff: every meeting proposed for the consultation, pending first, to accept or decline. A
    proposer: their own, with the council's decision."""
    consultation = consultation_of(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    can_manage = request.user.has_perm("consultations.manage")
    order = selectors.MEETING_PROPOSALS_STAFF_ORDER if can_manage else selectors.MEETING_PROPOSALS_OWN_ORDER
    page = keyset_page(selectors.meeting_proposals_visible(consultation, request.user), request, order=order)
    proposals = [
        # One decline form per pending proposal, each with ids of its own.
        (p, DeclineForm(auto_id=f"decline-{p.pk}-%s") if can_manage and p.status == "pending" else None)
        for p in page.items
    ]
    return render(
        request, "consultations/meeting_proposals.html", {"c": consultation, "proposals": proposals, "page": page}
    )


@require_POST
@permission_required("consultations.manage")
def meeting_proposal_accept(request: UchastRequest, pk: int) -> HttpResponse:
    proposal = selectors.access_meeting_proposal(request.user, request.community, pk)
    to = reverse("consultations:meeting_proposals", args=[proposal.consultation_id])
    return post_action(
        request,
        lambda: services.meeting_proposal_accept(actor=request.user, proposal=proposal),
        success=_("The meeting is accepted and public."),
        to=to,
    )


@require_POST
@permission_required("consultations.manage")
def meeting_proposal_decline(request: UchastRequest, pk: int) -> HttpResponse:
    proposal = selectors.access_meeting_proposal(request.user, request.community, pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return post_action(
        request,
        lambda: services.meeting_proposal_decline(actor=request.user, proposal=proposal, reason=reason),
        success=_("The meeting is declined; the proposer is told the reason."),
        to=reverse("consultations:meeting_proposals", args=[proposal.consultation_id]),
    )
