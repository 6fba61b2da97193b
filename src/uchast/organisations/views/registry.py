"""The registry's pages: the public list and profiles, registering, staff decisions, invitations."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.core.errors import ActionRefused
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action
from uchast.organisations import activity, selectors, services
from uchast.organisations.actions import OrganisationAction
from uchast.organisations.bodies import bodies_of
from uchast.organisations.forms import InvitationForm, OrganisationForm, ReasonForm
from uchast.organisations.models import OrganisationStatus
from uchast.verification.selectors import participation_decision

REGISTER = OrganisationAction.REGISTER.permission


@require_safe
@public_view
def index(request: UchastRequest) -> HttpResponse:
    community = request.community
    query = request.GET.get("q", "")[:100]
    page = keyset_page(selectors.public_organisations(community, query=query), request, order=("name", "pk"))
    return render(
        request,
        "organisations/index.html",
        {
            "organisations": page.items,
            "page": page,
            "query": query,
            "mine": selectors.organisations_of(request.user, community),
            "competitions": selectors.public_competitions(community)[:20],
            "bodies": bodies_of(community),
            "can_manage_bodies": request.user.has_perm("organisations.manage_body"),
            "can_register": request.user.has_perm(REGISTER),
            "can_decide": request.user.has_perm("organisations.view_queue"),
        },
    )


@require_safe
@public_view
def detail(request: UchastRequest, pk: int) -> HttpResponse:
    organisation = selectors.access_organisation(request.user, request.community, pk)
    user = request.user
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            # A large organisation can have hundreds of members here: a page, heads first.
            "members": keyset_page(
                selectors.members_of(organisation), request, order=("role", "created_at", "pk"), param="members"
            ),
            "activity": activity.activity_of(organisation) if organisation.is_confirmed else [],
            "applications": organisation.applications.filter(competition__results_published_at__isnull=False),
            "can_invite": user.has_perm("organisations.invite", organisation),
            "can_edit_files": user.has_perm("organisations.edit_files", organisation),
            "invite_form": InvitationForm(),
            "can_decide": organisation.status == OrganisationStatus.PENDING and user.has_perm("organisations.decide"),
            "refuse_form": ReasonForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(REGISTER)
def register(request: UchastRequest) -> HttpResponse:
    community = request.community
    form = OrganisationForm(request.POST or None, request.FILES or None, community=community)
    return form_action(
        request,
        form,
        lambda: services.organisation_register(
            author=request.user,
            community=community,
            values=form.values(),
            logo=form.cleaned_data["logo"],
            statute=form.cleaned_data["statute"],
        ),
        template="organisations/register.html",
        context={"decision": participation_decision(request.user, community, OrganisationAction.REGISTER)},
        success=_("The organisation is registered. Staff will check it and confirm."),
        to=lambda organisation: organisation.get_absolute_url(),
    )


@require_safe
@permission_required("organisations.view_queue", raise_exception=True)
def queue(request: UchastRequest) -> HttpResponse:
    return render(
        request,
        "organisations/queue.html",
        {
            "pending": keyset_page(
                selectors.pending_organisations(request.community), request, order=selectors.PENDING_ORDER
            ),
            "refuse_form": ReasonForm(),
        },
    )


@require_POST
@permission_required("organisations.decide", raise_exception=True)
def confirm(request: UchastRequest, pk: int) -> HttpResponse:
    organisation = selectors.access_organisation(request.user, request.community, pk)
    return post_action(
        request,
        lambda: services.organisation_confirm(organisation=organisation, actor=request.user),
        success=_("The organisation is confirmed."),
        to=organisation.get_absolute_url(),
    )


@require_POST
@permission_required("organisations.decide", raise_exception=True)
def refuse(request: UchastRequest, pk: int) -> HttpResponse:
    organisation = selectors.access_organisation(request.user, request.community, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return post_action(
        request,
        lambda: services.organisation_refuse(organisation=organisation, actor=request.user, reason=reason),
        success=_("The registration is refused; the organisation is told why."),
        to=organisation.get_absolute_url(),
    )


@require_POST
@permission_required("organisations.accept_invitation", raise_exception=True)
def invite(request: UchastRequest, pk: int) -> HttpResponse:
    organisation = selectors.access_organisation(request.user, request.community, pk)
    if not request.user.has_perm("organisations.invite", organisation):
        raise PermissionDenied
    form = InvitationForm(request.POST)

    def send() -> object:
        if not form.is_valid():
            raise ActionRefused("bad_email", _("Enter a valid e-mail address."))
        return services.invitation_send(organisation=organisation, actor=request.user, **form.cleaned_data)

    return post_action(request, send, success=_("The invitation is sent."), to=organisation.get_absolute_url())


@require_http_methods(["GET", "POST"])
@permission_required("organisations.accept_invitation")
def accept(request: UchastRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "organisations/accept.html", {"token": token})
    return post_action(
        request,
        lambda: services.invitation_accept(token=token, user=request.user),
        success=_("You are now a member of the organisation."),
        to="organisations:index",
    )
