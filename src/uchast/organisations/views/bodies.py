"""Advisory bodies' pages: public body and meeting pages; staff create bodies, schedule meetings,
publish minutes with decisions and send decisions to the council."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.core.errors import ActionRefused
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action
from uchast.organisations import bodies
from uchast.organisations.forms import OrganisationField
from uchast.organisations.models import MemberRole, Organisation

MANAGE = "organisations.manage_body"


class BodyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=bodies.BodyKind.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)
    agenda = forms.CharField(label=gettext_lazy("Agenda"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=gettext_lazy("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(
        label=gettext_lazy("Decisions"),
        help_text=gettext_lazy("One decision per line."),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SeatForm(forms.Form):
    """A seat added by hand: a person (by the e-mail of their account) or a confirmed organisation
    (by its EDRPOU code or exact name: a city's registry is too long for a list)."""

    email = forms.EmailField(
        label=gettext_lazy("Person's e-mail"),
        required=False,
        help_text=gettext_lazy("The e-mail of their account on the platform; leave empty for an organisation."),
    )
    organisation = OrganisationField(label=gettext_lazy("Organisation"), required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=bodies.BodyRole.choices, initial=bodies.BodyRole.MEMBER
    )

    def __init__(self, *args: Any, community: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OrganisationField, self.fields["organisation"]).community = community

    def person(self) -> Any:
        from uchast.accounts.models import User

        email = self.cleaned_data["email"]
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ActionRefused("unknown_person", _("No account has the e-mail %(email)s.") % {"email": email})
        return user


def _body(request: UchastRequest, pk: int) -> bodies.AdvisoryBody:
    body = bodies.bodies_of(request.community).filter(pk=pk).first()
    if body is None:
        raise Http404
    return body


def _meeting(request: UchastRequest, pk: int) -> bodies.Meeting:
    meeting = bodies.Meeting.objects.select_related("body").filter(body__community=request.community, pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def _seats(request: UchastRequest, item: bodies.AdvisoryBody, param: str) -> Any:
    """A page of the body's seats (a council with organisations as members can hold hundreds)."""
    return keyset_page(item.members.select_related("user", "organisation"), request, order=("role", "pk"), param=param)


@require_safe
@public_view
def body(request: UchastRequest, pk: int) -> HttpResponse:
    """The body's page: its seats and its meetings (one a month for years) are pages of their own,
    each with its own cursor parameter."""
    item = _body(request, pk)
    return render(
        request,
        "organisations/body.html",
        {
            "body": item,
            "members": _seats(request, item, "members"),
            "meetings": keyset_page(item.meetings.all(), request, order=("-starts_at", "-pk"), param="meetings"),
            "can_manage": request.user.has_perm(MANAGE),
            "meeting_form": MeetingForm(),
            "election_form": ElectionForm(),
            "elections": item.elections.prefetch_related("candidates__user"),
            "my_organisations": Organisation.objects.filter(
                community=request.community,
                status="confirmed",
                memberships__user=request.user,
                memberships__role=MemberRole.HEAD,
            )
            if request.user.is_authenticated
            else [],
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def body_new(request: UchastRequest) -> HttpResponse:
    form = BodyForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: bodies.body_create(actor=request.user, community=request.community, **form.cleaned_data),
        template="organisations/body_form.html",
        success=_("The advisory body is created."),
        to=lambda item: item.get_absolute_url(),
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def meeting_new(request: UchastRequest, pk: int) -> HttpResponse:
    item = _body(request, pk)
    form = MeetingForm(request.POST)

    def act() -> object:
        if not form.is_valid():
            raise ActionRefused("invalid_input", " ".join(str(e) for v in form.errors.values() for e in v))
        return bodies.meeting_schedule(body=item, actor=request.user, **form.cleaned_data)

    return post_action(request, act, success=_("The meeting is scheduled."), to=item.get_absolute_url())


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def body_members(request: UchastRequest, pk: int) -> HttpResponse:
    """Staff's page of a body's seats: add one by hand, end one."""
    item = _body(request, pk)
    form = SeatForm(request.POST or None, community=request.community)
    return form_action(
        request,
        form,
        lambda: bodies.body_member_add(
            body=item,
            actor=request.user,
            user=form.person(),
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
        ),
        template="organisations/body_members.html",
        context={"body": item, "members": _seats(request, item, "after")},
        success=_("The seat is added."),
        to=lambda _member: reverse("organisations:body_members", args=[item.pk]),
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def body_member_end(request: UchastRequest, pk: int) -> HttpResponse:
    seat = bodies.BodyMember.objects.select_related("body").filter(body__community=request.community, pk=pk).first()
    if seat is None:
        raise Http404
    return post_action(
        request,
        lambda: bodies.body_member_end(member=seat, actor=request.user),
        success=_("The seat is ended."),
        to=reverse("organisations:body_members", args=[seat.body_id]),
    )


@require_safe
@public_view
def meeting(request: UchastRequest, pk: int) -> HttpResponse:
    item = _meeting(request, pk)
    return render(
        request,
        "organisations/meeting.html",
        {
            "meeting": item,
            "decisions": item.decisions.all(),
            "can_manage": request.user.has_perm(MANAGE),
            "minutes_form": MinutesForm(),
        },
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def minutes(request: UchastRequest, pk: int) -> HttpResponse:
    item = _meeting(request, pk)
    form = MinutesForm(request.POST)

    def act() -> object:
        if not form.is_valid():
            raise ActionRefused("minutes_required", _("Write the minutes of the meeting."))
        data = form.cleaned_data
        return bodies.minutes_publish(
            meeting=item, actor=request.user, minutes=data["minutes"], decisions=data["decisions"].splitlines()
        )

    return post_action(request, act, success=_("The minutes are published."), to=item.get_absolute_url())


@require_POST
@permission_required(MANAGE, raise_exception=True)
def decision_send(request: UchastRequest, pk: int) -> HttpResponse:
    decision = bodies.Decision.objects.filter(meeting__body__community=request.community, pk=pk).first()
    if decision is None:
        raise Http404
    return post_action(
        request,
        lambda: bodies.decision_send(decision=decision, actor=request.user),
        success=_("The decision is sent to the council as a proposal."),
        to=decision.meeting.get_absolute_url(),
    )


class ElectionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    seats = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1, max_value=50)
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Voting closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    candidates = forms.CharField(
        label=gettext_lazy("Candidates"),
        help_text=gettext_lazy("E-mail addresses, one per line."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def users(self) -> list[Any]:
        from uchast.accounts.models import User

        found = []
        for email in self.cleaned_data["candidates"].split():
            user = User.objects.filter(email__iexact=email, is_active=True).first()
            if user is None:
                raise ActionRefused("bad_election", _("No account has the e-mail %(email)s.") % {"email": email})
            found.append(user)
        return found


@require_POST
@permission_required(MANAGE, raise_exception=True)
def election_new(request: UchastRequest, pk: int) -> HttpResponse:
    item = _body(request, pk)
    form = ElectionForm(request.POST)

    def act() -> object:
        if not form.is_valid():
            raise ActionRefused("invalid_input", " ".join(str(e) for v in form.errors.values() for e in v))
        data = form.cleaned_data
        return bodies.election_open(
            body=item,
            actor=request.user,
            title=data["title"],
            seats=data["seats"],
            closes_at=data["closes_at"],
            candidates=form.users(),
        )

    return post_action(request, act, success=_("The election is open."), to=item.get_absolute_url())


def _election(request: UchastRequest, pk: int) -> bodies.Election:
    election = bodies.Election.objects.select_related("body").filter(body__community=request.community, pk=pk).first()
    if election is None:
        raise Http404
    return election


@require_POST
@permission_required("organisations.take_part", raise_exception=True)
def election_vote(request: UchastRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)

    def act() -> object:
        try:
            candidate = election.candidates.get(pk=int(request.POST.get("candidate", "")))
            organisation = Organisation.objects.get(
                pk=int(request.POST.get("organisation", "")), community=request.community
            )
        except (ValueError, ObjectDoesNotExist) as error:
            raise ActionRefused("bad_candidate", _("Choose a candidate of this election.")) from error
        return bodies.election_vote(
            election=election, delegate=request.user, organisation=organisation, candidate=candidate
        )

    return post_action(
        request, act, success=_("Your organisation's vote is counted."), to=election.body.get_absolute_url()
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def election_count(request: UchastRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    return post_action(
        request,
        lambda: bodies.election_count(election=election, actor=request.user),
        success=_("The election is counted; the elected join the body."),
        to=election.body.get_absolute_url(),
    )
