"""The officials' answers to every proposal, and the published report (HTML, CSV, JSON)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.consultations import selectors, services
from uchast.consultations.forms import AnswerForm, ReportForm
from uchast.consultations.models import Consultation, Phase, Proposal
from uchast.consultations.opinionmap import opinion_view
from uchast.consultations.views.common import consultation_of
from uchast.core.exports import csv_download
from uchast.core.pagination import Page, keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, post_action

#: The sort key of a proposal made at a meeting (no section), after every section's.
UNSECTIONED = 2**31 - 1


def _answer(request: UchastRequest, consultation: Consultation) -> HttpResponse:
    proposal = selectors.access_proposal(request.user, request.community, int(request.POST.get("proposal", 0)))
    if proposal.consultation_id != consultation.pk:
        raise Http404
    form = AnswerForm(request.POST)
    # Back to the page of the worklist the answer was given on (its cursor is in the form's URL).
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    to = reverse("consultations:answers", args=[consultation.pk]) + f"{query}#proposal-{proposal.pk}"
    if not form.is_valid():
        messages.error(request, _("Choose an answer and give the reason."))
        return redirect(to)
    return post_action(
        request,
        lambda: services.proposal_answer(
            actor=request.user,
            proposal=proposal,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        ),
        success=_("The answer is saved and the proposer is told."),
        to=to,
    )


def _proposals_page(request: UchastRequest, consultation: Consultation, param: str) -> Page[Proposal]:
    """A keyset page of the proposals in the report's order: by version and section, then the
    meetings' proposals (no section: last, as PostgreSQL orders NULLs; a keyset needs non-null values)."""
    proposals = (
        selectors.report_proposals(consultation)
        .select_related("on_behalf_of")
        .annotate(
            version_key=Coalesce("section__version__number", Value(UNSECTIONED)),
            position_key=Coalesce("section__position", Value(UNSECTIONED)),
        )
    )
    return keyset_page(proposals, request, order=("version_key", "position_key", "created_at", "pk"), param=param)


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def answers(request: UchastRequest, pk: int) -> HttpResponse:
    """The official's worklist: the proposals with their answer forms, a keyset page at a time (a
    consultation gathers hundreds), in the report's order."""
    consultation = consultation_of(request, pk)
    if request.method == "POST":
        return _answer(request, consultation)
    page = _proposals_page(request, consultation, "after")
    rows = [
        {
            "p": p,
            "form": AnswerForm(initial={"status": p.answer_status, "reason": p.answer_reason}, auto_id=f"id_{p.pk}_%s"),
        }
        for p in page.items
    ]
    return render(request, "consultations/answers.html", {"c": consultation, "rows": rows, "page": page})


@require_POST
@permission_required("consultations.manage")
def report_publish(request: UchastRequest, pk: int) -> HttpResponse:
    consultation = consultation_of(request, pk)
    form = ReportForm(request.POST)
    to = reverse("consultations:detail", args=[consultation.pk])
    if not form.is_valid():
        messages.error(request, _("Write the summary of the report."))
        return redirect(to)
    return post_action(
        request,
        lambda: services.report_publish(
            actor=request.user, consultation=consultation, summary=form.cleaned_data["summary"]
        ),
        success=_("The report is published."),
        to=to,
        success_to=reverse("consultations:report", args=[consultation.pk]),
    )


def _reported(request: UchastRequest, pk: int) -> Consultation:
    """The consultation of a published report (officials see the report taking shape before)."""
    consultation = consultation_of(request, pk)
    if consultation.phase != Phase.REPORTED and not request.user.has_perm("consultations.manage"):
        raise Http404
    return consultation


@require_safe
@public_view
def report(request: UchastRequest, pk: int) -> HttpResponse:
    """The published report: the proposals with their answers a page at a time (``?proposals=``;
    every one is in the CSV and JSON). The statements' votes are in the opinion map."""
    consultation = _reported(request, pk)
    page = _proposals_page(request, consultation, "proposals")
    return render(
        request,
        "consultations/report.html",
        {
            "c": consultation,
            "counts": selectors.participation_counts(consultation),
            "proposals": page.items,
            "proposals_page": page,
            "surveys": [(s, selectors.survey_results(s)) for s in consultation.surveys.all()],
            "opinion": opinion_view(consultation),
        },
    )


@require_safe
@public_view
def report_csv(request: UchastRequest, pk: int) -> HttpResponse:
    consultation = _reported(request, pk)
    return csv_download(selectors.report_csv(consultation), f"consultation-{consultation.pk}-proposals.csv")


@require_safe
@public_view
def report_json(request: UchastRequest, pk: int) -> HttpResponse:
    consultation = _reported(request, pk)
    return HttpResponse(
        json.dumps(selectors.report_json(consultation), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
