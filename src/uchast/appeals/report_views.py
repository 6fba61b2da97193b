"""Thin views of problem reports (public by default)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.appeals import forms, selectors, services
from uchast.appeals.actions import AppealAction
from uchast.appeals.models import MeToo, ProblemReport, ReportStatus
from uchast.core.errors import ActionRefused
from uchast.core.files import attachments_for
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action

REPORT = AppealAction.REPORT.permission


@require_safe
@public_view
def reports(request: UchastRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ReportStatus.values else ""
    page = keyset_page(
        selectors.public_reports(request.community, status=status), request, order=selectors.REPORTS_ORDER
    )
    return render(
        request,
        "appeals/reports.html",
        {
            "page": page,
            "status": status,
            "statuses": ReportStatus.choices,
            "can_report": request.user.has_perm(REPORT),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(REPORT)
def report_create(request: UchastRequest) -> HttpResponse:
    form = forms.ReportForm(request.POST or None, request.FILES or None)
    return form_action(
        request,
        form,
        lambda: services.report_create(author=request.user, community=request.community, **form.cleaned_data),
        template="appeals/report_form.html",
        success=_("Thank you: the problem is reported."),
        to=lambda report: report.get_absolute_url(),
    )


@require_safe
@public_view
def report(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_report(request.community, pk)
    user = request.user
    return render(
        request,
        "appeals/report.html",
        {
            "report": item,
            # A hidden report shows only the moderator's reason: no photo, no "me too".
            "photos": [] if item.is_hidden else attachments_for(item),
            "updates": item.updates.all(),
            "can_metoo": not item.is_hidden and user.has_perm("appeals.metoo", item) and user.pk != item.author_id,
            "said_metoo": user.is_authenticated and MeToo.objects.filter(report=item, user=user).exists(),
            "status_form": forms.ReportStatusForm(initial={"status": item.status})
            if user.has_perm("appeals.update_report", item)
            else None,
        },
    )


def _report_for(request: UchastRequest, pk: int) -> ProblemReport:
    return selectors.access_report(request.community, pk)


@require_POST
@permission_required("appeals.metoo", lambda request, pk: _report_for(request, pk), raise_exception=True)
def metoo(request: UchastRequest, pk: int) -> HttpResponse:
    item = _report_for(request, pk)
    return post_action(
        request,
        lambda: services.report_metoo(report=item, user=request.user),
        success=_("Noted: you have this problem too."),
        to=item.get_absolute_url(),
    )


@require_POST
@permission_required("appeals.update_report", raise_exception=True)
def report_status(request: UchastRequest, pk: int) -> HttpResponse:
    item = _report_for(request, pk)
    form = forms.ReportStatusForm(request.POST)

    def action() -> object:
        if not form.is_valid():
            raise ActionRefused("invalid_input", _("Choose a status from the list."))
        return services.report_update_status(report=item, actor=request.user, **form.cleaned_data)

    return post_action(request, action, success=_("The report is updated."), to=item.get_absolute_url())
