"""Competitions' pages: the announcement and results (public), applying (members), the commission's
work (eligibility, conflicts, scores), publishing, reports, and the CSV/JSON open data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.core.errors import ActionRefused
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action
from uchast.organisations import selectors, services
from uchast.organisations.actions import OrganisationAction
from uchast.organisations.forms import (
    ApplicationForm,
    CompetitionForm,
    ConflictForm,
    DocumentsForm,
    EligibilityForm,
    PhotosForm,
    ReportDecisionForm,
    ReportForm,
    ResumeForm,
    ScoreForm,
    SuspendForm,
)
from uchast.organisations.models import Application, Competition, Phase, Report, ReportStatus

MANAGE = "organisations.manage_competition"
#: Sorts the applications without a rank (all of them before the results, the ineligible after) last,
#: as PostgreSQL orders NULL ranks; a keyset needs non-null values.
UNRANKED = 2**31 - 1


def _cleaned(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        raise ActionRefused("invalid_input", " ".join(str(e) for errors in form.errors.values() for e in errors))
    return form.cleaned_data


def _competition(request: UchastRequest, pk: int) -> Competition:
    competition = selectors.access_competition(request.user, request.community, pk)
    return services.competition_sync_phase(competition=competition)


def _application(request: UchastRequest, pk: int, permission: str) -> Application:
    application = selectors.access_application(request.user, request.community, pk)
    if not request.user.has_perm(permission, application):
        raise PermissionDenied
    return application


@require_safe
@public_view
def competition(request: UchastRequest, pk: int) -> HttpResponse:
    item = _competition(request, pk)
    user = request.user
    seat = selectors.commission_seat(user, item)
    applications = keyset_page(
        selectors.visible_applications(user, item).annotate(rank_key=Coalesce("rank", Value(UNRANKED))),
        request,
        order=("rank_key", "submitted_at", "pk"),
    )
    return render(
        request,
        "organisations/competition.html",
        {
            "competition": item,
            "criteria": item.criteria.all(),
            "commission": item.commission.select_related("user"),
            "applications": applications,
            "can_apply": item.status == Phase.APPLICATIONS
            and bool(selectors.acting_as_choices(user, request.community)),
            "can_manage": user.has_perm(MANAGE),
            "overdue": selectors.overdue_reports(item) if user.has_perm(MANAGE) else [],
            "seat": seat,
            "suspend_form": SuspendForm(),
            "resume_form": ResumeForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def announce(request: UchastRequest) -> HttpResponse:
    form = CompetitionForm(request.POST or None)

    def act() -> Competition:
        try:
            commission = form.commission()
        except forms.ValidationError as error:
            raise ActionRefused("commission_required", " ".join(error.messages)) from error
        return services.competition_announce(
            actor=request.user,
            community=request.community,
            values=form.values(),
            criteria=form.cleaned_data["criteria"],
            commission=commission,
        )

    return form_action(
        request,
        form,
        act,
        template="organisations/announce.html",
        success=_("The competition is announced."),
        to=lambda item: item.get_absolute_url(),
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def suspend(request: UchastRequest, pk: int) -> HttpResponse:
    item = _competition(request, pk)
    form = SuspendForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return post_action(
        request,
        lambda: services.competition_suspend(competition=item, actor=request.user, reason=reason),
        success=_("The competition is suspended."),
        to=item.get_absolute_url(),
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def resume(request: UchastRequest, pk: int) -> HttpResponse:
    item = _competition(request, pk)
    form = ResumeForm(request.POST)
    return post_action(
        request,
        lambda: services.competition_resume(competition=item, actor=request.user, **_cleaned(form)),
        success=_("The competition is resumed."),
        to=item.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@permission_required(OrganisationAction.REGISTER.permission)
def apply(request: UchastRequest, pk: int) -> HttpResponse:
    item = _competition(request, pk)
    organisations = selectors.acting_as_choices(request.user, request.community)
    if not organisations:
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, request.FILES or None, organisations=organisations)

    def act() -> Application:
        organisation = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
        if not request.user.has_perm(OrganisationAction.APPLY.permission, organisation):
            raise PermissionDenied
        return services.application_submit(
            competition=item,
            organisation=organisation,
            actor=request.user,
            values=form.values(),
            lines=form.lines(),
            documents=form.cleaned_data["documents"],
        )

    return form_action(
        request,
        form,
        act,
        template="organisations/apply.html",
        context={"competition": item},
        success=_("The application is submitted."),
        to=lambda application: application.get_absolute_url(),
    )


@require_safe
@public_view
def application(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_application(request.user, request.community, pk)
    competition = _competition(request, item.competition_id)
    user = request.user
    seat = selectors.commission_seat(user, competition)
    conflicted = seat is not None and seat.conflicts.filter(application=item).exists()
    published = competition.results_published_at is not None
    reports = list(selectors.reports_visible_to(user, item))
    for report_item in reports:
        report_item.visible_photos = selectors.photos_of(user, report_item)  # type: ignore[attr-defined]
        report_item.can_edit_photos = (  # type: ignore[attr-defined]
            report_item.status != ReportStatus.ACCEPTED
            and user.has_perm("organisations.edit_report_photos", report_item)
        )
    return render(
        request,
        "organisations/application.html",
        {
            "application": item,
            "competition": competition,
            "lines": item.lines.all(),
            "score_table": selectors.score_table(item) if published else [],
            "seat": seat,
            "conflicted": conflicted,
            "can_score": user.has_perm("organisations.score", item) and not conflicted,
            "score_form": ScoreForm(criteria=list(competition.criteria.all())),
            "conflict_form": ConflictForm(),
            "can_check": user.has_perm("organisations.check_eligibility", item),
            "eligibility_form": EligibilityForm(),
            "documents": selectors.documents_of(user, item),
            "can_edit_documents": competition.status == Phase.APPLICATIONS
            and user.has_perm("organisations.edit_documents", item),
            "documents_form": DocumentsForm(),
            "photos_form": PhotosForm(),
            "reports": reports,
            "can_read_notes": selectors.may_read_report_notes(user, item),
            "can_report": user.has_perm("organisations.report", item),
            "report_form": ReportForm(lines=list(item.lines.all())),
            "can_decide_report": user.has_perm("organisations.decide_report"),
            "decision_form": ReportDecisionForm(),
        },
    )


@require_POST
@permission_required("organisations.take_part", raise_exception=True)
def eligibility(request: UchastRequest, pk: int) -> HttpResponse:
    item = _application(request, pk, "organisations.check_eligibility")
    form = EligibilityForm(request.POST)
    return post_action(
        request,
        lambda: services.application_set_eligibility(application=item, actor=request.user, **_cleaned(form)),
        success=_("The eligibility decision is saved."),
        to=item.get_absolute_url(),
    )


@require_POST
@permission_required("organisations.take_part", raise_exception=True)
def conflict(request: UchastRequest, pk: int) -> HttpResponse:
    item = _application(request, pk, "organisations.score")
    form = ConflictForm(request.POST)
    return post_action(
        request,
        lambda: services.conflict_declare(application=item, member_user=request.user, **_cleaned(form)),
        success=_("Your conflict of interest is recorded; you will not score this application."),
        to=item.get_absolute_url(),
    )


@require_POST
@permission_required("organisations.take_part", raise_exception=True)
def score(request: UchastRequest, pk: int) -> HttpResponse:
    item = _application(request, pk, "organisations.score")
    form = ScoreForm(request.POST, criteria=list(item.competition.criteria.all()))

    def act() -> object:
        _cleaned(form)
        return services.scores_submit(application=item, member_user=request.user, values=form.values())

    return post_action(request, act, success=_("Your scores are saved."), to=item.get_absolute_url())


@require_POST
@permission_required(MANAGE, raise_exception=True)
def publish(request: UchastRequest, pk: int) -> HttpResponse:
    item = _competition(request, pk)
    return post_action(
        request,
        lambda: services.results_publish(competition=item, actor=request.user),
        success=_("The results are published."),
        to=item.get_absolute_url(),
    )


@require_POST
@permission_required("organisations.take_part", raise_exception=True)
def report(request: UchastRequest, pk: int) -> HttpResponse:
    item = _application(request, pk, "organisations.report")
    form = ReportForm(request.POST, request.FILES, lines=list(item.lines.all()))

    def act() -> object:
        data = _cleaned(form)
        return services.report_submit(
            application=item,
            actor=request.user,
            kind=data["kind"],
            text=data["text"],
            spending=form.spending(),
            photos=data["photos"],
        )

    return post_action(request, act, success=_("The report is filed."), to=item.get_absolute_url())


@require_POST
@permission_required("organisations.decide_report", raise_exception=True)
def decide_report(request: UchastRequest, pk: int) -> HttpResponse:
    item = Report.objects.filter(pk=pk, application__competition__community=request.community).first()
    if item is None:
        raise PermissionDenied
    form = ReportDecisionForm(request.POST)
    return post_action(
        request,
        lambda: services.report_decide(report=item, actor=request.user, **_cleaned(form)),
        success=_("The decision on the report is saved."),
        to=item.application.get_absolute_url(),
    )


#: The module's first open-data files (issue 15) and the catalogue dataset that replaced each (issue
#: 18): one definition of what is public, so the two can never disagree on what they leave out.
MOVED_DATA = {
    "organisations": "organisations",
    "competitions": "organisations-competitions",
    "applications": "organisations-applications",
    "scores": "organisations-scores",
    "reports": "organisations-report-spending",
}


@require_safe
@public_view
def open_data(request: UchastRequest, name: str, fmt: str) -> HttpResponse:
    """Moved for good to the catalogue's file of the same data (richer columns, a checksum, the
    licence), for links and scripts that still name the old address."""
    return redirect(reverse("core:open_data_file", args=[f"{MOVED_DATA[name]}.{fmt}"]), permanent=True)
