"""Thin views: parse, check permission, call one service, render (POST-redirect-GET)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.consultations import selectors, services
from uchast.consultations.drafts import DraftFormatError, sections_from_docx, sections_from_markdown, wording_diff
from uchast.consultations.forms import (
    AnswerForm,
    AttachmentForm,
    ConsultationForm,
    DraftForm,
    MeetingForm,
    MinutesForm,
    ProposalForm,
    QuestionForm,
    ReasonForm,
    ReportForm,
    StatementForm,
    SurveyForm,
    survey_form_class,
    survey_raw_answers,
)
from uchast.consultations.models import Consultation, Phase, VoteValue
from uchast.consultations.predicates import decision_for
from uchast.core.errors import ActionRefused
from uchast.core.files import attachments_for
from uchast.core.permissions import permission_required
from uchast.core.views import public_view


def _community(request: HttpRequest) -> Any:
    return request.community  # type: ignore[attr-defined]


def _consultation(request: HttpRequest, pk: int) -> Consultation:
    return selectors.access_consultation(request.user, _community(request), pk)


def _refused(request: HttpRequest, error: ActionRefused, to: str) -> HttpResponse:
    messages.error(request, error.message)
    return redirect(to)


def _form_error(form: forms.Form, error: ActionRefused) -> None:
    form.add_error(None, error.message)


# --- Public pages ------------------------------------------------------------------------------


@require_safe
@public_view
def index(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    items = selectors.consultations_visible(community, request.user) if community else []
    return render(request, "consultations/index.html", {"consultations": items})


@require_safe
@public_view
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    version = selectors.current_version(consultation)
    user = request.user
    context = {
        "c": consultation,
        "version": version,
        "versions": consultation.versions.all(),
        "sections": selectors.sections_of(version),
        "surveys": consultation.surveys.all(),
        "meetings": consultation.meetings.all(),
        "statement_count": consultation.statements.filter(is_hidden=False).count(),
        "opinion": selectors.opinion_view(consultation),
        "propose_decision": decision_for(user, consultation, "consultation.propose"),
        "can_manage": user.has_perm("consultations.manage"),
        "phases": Phase,
        "report_form": ReportForm(),
        "attachments": attachments_for(consultation),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "consultations/detail.html", context)


@require_safe
@public_view
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    version = consultation.versions.filter(number=number).first()
    if version is None:
        from django.http import Http404

        raise Http404
    return render(
        request,
        "consultations/version.html",
        {"c": consultation, "version": version, "sections": selectors.sections_of(version)},
    )


@require_safe
@public_view
def section_detail(request: HttpRequest, pk: int) -> HttpResponse:
    section = selectors.access_section(request.user, _community(request), pk)
    consultation = section.version.consultation
    proposals = []
    for proposal in selectors.proposals_of_section(section):
        diff = wording_diff(section.body, proposal.proposed_text) if proposal.proposed_text else None
        proposals.append({"p": proposal, "diff": diff})
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
            "proposal_form": ProposalForm(initial={"proposed_text": section.body}),
            "can_propose": user.has_perm("consultations.propose", consultation),
            "can_report": user.has_perm("consultations.report_contribution", consultation),
            "can_moderate": user.has_perm("consultations.moderate"),
            "decision": decision_for(user, consultation, "consultation.propose"),
        },
    )


@require_POST
@permission_required("core.view_public")
def section_propose(request: HttpRequest, pk: int) -> HttpResponse:
    section = selectors.access_section(request.user, _community(request), pk)
    form = ProposalForm(request.POST)
    to = reverse("consultations:section", args=[section.pk])
    if not form.is_valid():
        messages.error(request, _("Explain your proposal before sending (at most 3000 characters)."))
        return redirect(to)
    wording = form.cleaned_data["proposed_text"]
    if wording.strip() == section.body.strip():
        wording = ""  # the form is pre-filled with the current text: unchanged means a plain remark
    try:
        services.proposal_create(
            author=request.user, section=section, body=form.cleaned_data["body"], proposed_text=wording
        )
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("Your proposal is published. The council will answer it in the report."))
    return redirect(to + "#proposals")


@require_POST
@permission_required("core.view_public")
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.access_proposal(request.user, _community(request), pk)
    to = reverse("consultations:section", args=[proposal.section_id]) if proposal.section_id else "/"
    try:
        services.proposal_support(user=request.user, proposal=proposal)
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("You support this proposal."))
    return redirect(to + f"#proposal-{proposal.pk}")


@require_POST
@permission_required("core.view_public")
def proposal_report(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.access_proposal(request.user, _community(request), pk)
    to = reverse("consultations:section", args=[proposal.section_id]) if proposal.section_id else "/"
    form = ReasonForm(request.POST)
    try:
        services.contribution_report(reporter=request.user, proposal=proposal, reason=form.data.get("reason", ""))
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("Thank you. Moderators will look at it."))
    return redirect(to)


@require_POST
@permission_required("consultations.moderate")
def proposal_hide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.access_proposal(request.user, _community(request), pk)
    to = reverse("consultations:section", args=[proposal.section_id]) if proposal.section_id else "/"
    try:
        services.proposal_hide(moderator=request.user, proposal=proposal, reason=request.POST.get("reason", ""))
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("The proposal is hidden; the reason is shown in its place."))
    return redirect(to)


# --- Statements --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@public_view
def statements(request: HttpRequest, pk: int) -> HttpResponse:
    """One statement at a time: the next one the person has not voted on."""
    consultation = _consultation(request, pk)
    user = request.user
    to = reverse("consultations:statements", args=[consultation.pk])
    statement_form = StatementForm()
    if request.method == "POST":
        statement_form = StatementForm(request.POST)
        if statement_form.is_valid():
            try:
                services.statement_create(
                    author=user, consultation=consultation, text=statement_form.cleaned_data["text"]
                )
            except ActionRefused as error:
                statement_form.add_error("text", error.message)
            else:
                messages.success(request, _("Your statement is added. Others can now vote on it."))
                return redirect(to)
    statement = selectors.next_statement(consultation, user)
    return render(
        request,
        "consultations/statements.html",
        {
            "c": consultation,
            "statement": statement,
            "statement_form": statement_form,
            "choices": VoteValue.choices,
            "can_vote": user.has_perm("consultations.vote_statement", consultation),
            "can_add": user.has_perm("consultations.add_statement", consultation),
            "can_moderate": user.has_perm("consultations.moderate"),
            "decision": decision_for(user, consultation, "consultation.vote_statement"),
            "opinion": selectors.opinion_view(consultation),
            "aggregates": selectors.statement_aggregates(consultation),
        },
        status=400 if statement_form.errors else 200,
    )


@require_safe
@public_view
def opinion_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The map and its text alternative alone; htmx refreshes it while the page is open."""
    consultation = _consultation(request, pk)
    return render(
        request,
        "consultations/_opinion_live.html",
        {"c": consultation, "opinion": selectors.opinion_view(consultation)},
    )


@require_POST
@permission_required("core.view_public")
def statement_vote(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.access_statement(request.user, _community(request), pk)
    to = reverse("consultations:statements", args=[statement.consultation_id])
    try:
        value = int(request.POST.get("value", "x"))
    except ValueError:
        value = 99
    try:
        services.statement_vote(user=request.user, statement=statement, value=value)
    except ActionRefused as error:
        return _refused(request, error, to)
    return redirect(to)


@require_POST
@permission_required("core.view_public")
def statement_report(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.access_statement(request.user, _community(request), pk)
    to = reverse("consultations:statements", args=[statement.consultation_id])
    try:
        services.contribution_report(reporter=request.user, statement=statement, reason=request.POST.get("reason", ""))
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("Thank you. Moderators will look at it."))
    return redirect(to)


@require_POST
@permission_required("consultations.moderate")
def statement_hide(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.access_statement(request.user, _community(request), pk)
    to = reverse("consultations:statements", args=[statement.consultation_id])
    try:
        services.statement_hide(moderator=request.user, statement=statement, reason=request.POST.get("reason", ""))
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("The statement is hidden."))
    return redirect(to)


@require_safe
@public_view
def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    if not request.user.has_perm("consultations.moderate"):
        raise PermissionDenied
    return render(
        request,
        "consultations/moderation.html",
        {
            "c": consultation,
            "proposals": consultation.proposals.filter(report_count__gt=0, is_hidden=False).order_by("-report_count"),
            "statements": consultation.statements.filter(is_hidden=False).order_by("-report_count", "-pk"),
        },
    )


# --- Surveys -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@public_view
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, _community(request), pk)
    consultation = item.consultation
    questions = list(item.questions.all())
    form_class = survey_form_class(questions)
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        try:
            services.survey_answer(user=request.user, survey=item, answers=survey_raw_answers(form, questions))
        except services.SurveyInvalid as error:
            for qid, message in error.errors.items():
                field = f"q{qid}" if f"q{qid}" in form.fields else f"q{qid}_0"
                if field in form.fields:
                    form.add_error(field, message)
                else:
                    form.add_error(None, message)
            status = 400
        except ActionRefused as error:
            _form_error(form, error)
            status = 400
        else:
            messages.success(request, _("Thank you, your answers are saved."))
            return redirect(reverse("consultations:survey_results", args=[item.pk]))
    return render(
        request,
        "consultations/survey.html",
        {
            "c": consultation,
            "survey": item,
            "form": form,
            "answered": selectors.has_answered(item, request.user),
            "can_answer": request.user.has_perm("consultations.answer_survey", consultation),
            "decision": decision_for(request.user, consultation, "consultation.answer_survey"),
            "can_manage": request.user.has_perm("consultations.manage"),
            "question_form": QuestionForm(),
        },
        status=status,
    )


@require_safe
@public_view
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, _community(request), pk)
    return render(
        request,
        "consultations/survey_results.html",
        {"c": item.consultation, "survey": item, "results": selectors.survey_results(item)},
    )


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@public_view
def survey_results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, _community(request), pk)
    return _csv(selectors.survey_results_csv(item), f"survey-{item.pk}-results.csv")


@require_safe
@public_view
def survey_texts_csv(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, _community(request), pk)
    return _csv(selectors.survey_texts_csv(item), f"survey-{item.pk}-free-text.csv")


# --- Meetings ----------------------------------------------------------------------------------


@require_safe
@public_view
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_meeting(request.user, _community(request), pk)
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
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_meeting(request.user, _community(request), pk)
    to = reverse("consultations:meeting", args=[item.pk])
    try:
        services.meeting_register(user=request.user, meeting=item)
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("You are registered for the meeting."))
    return redirect(to)


# --- Staff -------------------------------------------------------------------------------------


def _staff_form_view(
    request: HttpRequest, form: forms.Form, template: str, context: dict[str, Any], action: Callable[[], Any], done: str
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            action()
        except ActionRefused as error:
            _form_error(form, error)
        else:
            return redirect(done)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def consultation_create(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    form = ConsultationForm(request.POST or None, community=community)
    created: dict[str, Any] = {}

    def act() -> None:
        created["c"] = services.consultation_create(actor=request.user, community=community, **form.cleaned_data)

    if request.method == "POST" and form.is_valid():
        try:
            act()
        except ActionRefused as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The consultation is created. Add the draft text next."))
            return redirect(reverse("consultations:draft", args=[created["c"].pk]))
    return render(
        request,
        "consultations/staff_form.html",
        {"form": form, "title": _("New consultation")},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def draft_upload(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    form = DraftForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None and upload.name.lower().endswith(".docx"):
                sections = sections_from_docx(upload.read())
            elif upload is not None:
                sections = sections_from_markdown(upload.read().decode("utf-8"))
            else:
                sections = sections_from_markdown(form.cleaned_data["text"])
            services.draft_version_publish(
                actor=request.user,
                consultation=consultation,
                sections=sections,
                note=form.cleaned_data["note"],
                source_name=upload.name if upload is not None else "",
            )
        except (DraftFormatError, UnicodeDecodeError):
            form.add_error("file", _("The file cannot be read. Upload a Markdown (.md) or Word (.docx) file."))
        except ActionRefused as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The new version of the draft is published."))
            return redirect(reverse("consultations:detail", args=[consultation.pk]))
    return render(
        request,
        "consultations/staff_form.html",
        {"form": form, "title": _("Draft text"), "c": consultation, "multipart": True},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required("consultations.manage")
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    to = reverse("consultations:detail", args=[consultation.pk])
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(to)
    try:
        services.consultation_attachment_add(
            actor=request.user,
            consultation=consultation,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        )
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("The file is attached."))
    return redirect(to + "#attachments")


@require_POST
@permission_required("consultations.manage")
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    to = reverse("consultations:detail", args=[consultation.pk])
    try:
        updated = services.consultation_advance(actor=request.user, consultation=consultation)
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("Phase changed: %(phase)s.") % {"phase": updated.get_phase_display()})
    return redirect(to)


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def survey_create(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    form = SurveyForm(request.POST or None)
    made: dict[str, Any] = {}

    def act() -> None:
        made["s"] = services.survey_create(actor=request.user, consultation=consultation, **form.cleaned_data)

    if request.method == "POST" and form.is_valid():
        act()
        return redirect(reverse("consultations:survey", args=[made["s"].pk]))
    return render(request, "consultations/staff_form.html", {"form": form, "title": _("New survey"), "c": consultation})


@require_POST
@permission_required("consultations.manage")
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, _community(request), pk)
    form = QuestionForm(request.POST)
    to = reverse("consultations:survey", args=[item.pk])
    if not form.is_valid():
        messages.error(
            request,
            _("Check the question: %(errors)s")
            % {"errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return redirect(to)
    data = form.cleaned_data
    try:
        services.question_add(
            actor=request.user,
            survey=item,
            kind=data["kind"],
            text=data["text"],
            required=data["required"],
            options=data["options"].splitlines(),
            max_choices=data["max_choices"],
            scale_min=data["scale_min"],
            scale_max=data["scale_max"],
        )
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("The question is added."))
    return redirect(to)


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    form = MeetingForm(request.POST or None)
    return _staff_form_view(
        request,
        form,
        "consultations/staff_form.html",
        {"title": _("New meeting"), "c": consultation},
        lambda: services.meeting_create(actor=request.user, consultation=consultation, **form.cleaned_data),
        reverse("consultations:detail", args=[consultation.pk]) + "#meetings",
    )


@require_POST
@permission_required("consultations.manage")
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_meeting(request.user, _community(request), pk)
    form = MinutesForm(request.POST)
    to = reverse("consultations:meeting", args=[item.pk])
    if not form.is_valid():
        messages.error(request, _("Write the minutes and the number of people who attended."))
        return redirect(to)
    try:
        services.meeting_minutes_record(
            actor=request.user,
            meeting=item,
            minutes=form.cleaned_data["minutes"],
            attended=form.cleaned_data["attended"],
            proposals=form.proposal_pairs(),
        )
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("The minutes are saved."))
    return redirect(to)


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    """The official's worklist: every proposal with its answer form."""
    consultation = _consultation(request, pk)
    if request.method == "POST":
        proposal = selectors.access_proposal(request.user, _community(request), int(request.POST.get("proposal", 0)))
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.proposal_answer(
                    actor=request.user,
                    proposal=proposal,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except ActionRefused as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The answer is saved and the proposer is told."))
        else:
            messages.error(request, _("Choose an answer and give the reason."))
        return redirect(reverse("consultations:answers", args=[consultation.pk]) + f"#proposal-{proposal.pk}")
    rows = [
        {
            "p": p,
            "form": AnswerForm(initial={"status": p.answer_status, "reason": p.answer_reason}, auto_id=f"id_{p.pk}_%s"),
        }
        for p in selectors.report_proposals(consultation)
    ]
    return render(request, "consultations/answers.html", {"c": consultation, "rows": rows})


@require_POST
@permission_required("consultations.manage")
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    form = ReportForm(request.POST)
    to = reverse("consultations:detail", args=[consultation.pk])
    if not form.is_valid():
        messages.error(request, _("Write the summary of the report."))
        return redirect(to)
    try:
        services.report_publish(actor=request.user, consultation=consultation, summary=form.cleaned_data["summary"])
    except ActionRefused as error:
        return _refused(request, error, to)
    messages.success(request, _("The report is published."))
    return redirect(reverse("consultations:report", args=[consultation.pk]))


# --- Report ------------------------------------------------------------------------------------


def _reported(request: HttpRequest, pk: int) -> Consultation:
    consultation = _consultation(request, pk)
    if consultation.phase != Phase.REPORTED and not request.user.has_perm("consultations.manage"):
        from django.http import Http404

        raise Http404
    return consultation


@require_safe
@public_view
def report(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _reported(request, pk)
    return render(
        request,
        "consultations/report.html",
        {
            "c": consultation,
            "counts": selectors.participation_counts(consultation),
            "proposals": selectors.report_proposals(consultation),
            "surveys": [(s, selectors.survey_results(s)) for s in consultation.surveys.all()],
            "opinion": selectors.opinion_view(consultation),
            "aggregates": selectors.statement_aggregates(consultation),
        },
    )


@require_safe
@public_view
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _reported(request, pk)
    return _csv(selectors.report_csv(consultation), f"consultation-{consultation.pk}-proposals.csv")


@require_safe
@public_view
def report_json(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _reported(request, pk)
    return HttpResponse(
        json.dumps(selectors.report_json(consultation), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
