"""Meetings: the page, registration, planning and minutes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.consultations import selectors, services
from uchast.consultations.forms import MeetingForm, MinutesForm
from uchast.consultations.views.common import consultation_of, permitted
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action


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
            "proposals": item.proposals.all(),
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
    form = MeetingForm(request.POST or None)
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
