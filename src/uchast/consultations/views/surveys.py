"""Surveys: answering (every answer checked, errors shown per question), results, preparing questions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.consultations import selectors, services
from uchast.consultations.actions import ConsultationAction
from uchast.consultations.forms import QuestionForm, SurveyForm, survey_form_class, survey_raw_answers
from uchast.consultations.predicates import decision_for
from uchast.consultations.views.common import consultation_of, permitted
from uchast.core.errors import ActionRefused
from uchast.core.exports import csv_download
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action


def _show_answer_errors(form: forms.Form, error: services.SurveyInvalid) -> None:
    """Each question's error on its field (a ranking's on its first place selector)."""
    for qid, message in error.errors.items():
        field = f"q{qid}" if f"q{qid}" in form.fields else f"q{qid}_0"
        form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
@public_view
def survey(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, request.community, pk)
    consultation = item.consultation
    questions = list(item.questions.all())
    form = survey_form_class(questions)(request.POST or None)
    answer = permitted(
        request,
        ConsultationAction.ANSWER_SURVEY.permission,
        consultation,
        _("You cannot answer: the consultation is not open or you are not eligible."),
        # The service checks every answer itself (and says which are wrong), so the form's own
        # validation only binds the fields.
        lambda: services.survey_answer(user=request.user, survey=item, answers=survey_raw_answers(form, questions)),
    )
    if request.method == "POST":
        form.is_valid()
        try:
            answer()
        except services.SurveyInvalid as error:
            _show_answer_errors(form, error)
        except ActionRefused as error:
            form.add_error(None, error.message)
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
            "binding_editable": item.consultation.phase in services.BINDING_EDITABLE and not item.response_count,
            "can_answer": request.user.has_perm(ConsultationAction.ANSWER_SURVEY.permission, consultation),
            "decision": decision_for(request.user, consultation, ConsultationAction.ANSWER_SURVEY),
            "can_manage": request.user.has_perm("consultations.manage"),
            "question_form": QuestionForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@public_view
def survey_results(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, request.community, pk)
    return render(
        request,
        "consultations/survey_results.html",
        {"c": item.consultation, "survey": item, "results": selectors.survey_results(item)},
    )


@require_safe
@public_view
def survey_results_csv(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, request.community, pk)
    return csv_download(selectors.survey_results_csv(item), f"survey-{item.pk}-results.csv")


@require_safe
@public_view
def survey_texts_csv(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, request.community, pk)
    return csv_download(selectors.survey_texts_csv(item), f"survey-{item.pk}-free-text.csv")


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage")
def survey_create(request: UchastRequest, pk: int) -> HttpResponse:
    consultation = consultation_of(request, pk)
    form = SurveyForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.survey_create(actor=request.user, consultation=consultation, **form.cleaned_data),
        template="consultations/staff_form.html",
        context={"title": _("New survey"), "c": consultation},
        to=lambda created: reverse("consultations:survey", args=[created.pk]),
    )


@require_POST
@permission_required("consultations.manage")
def question_add(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, request.community, pk)
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
    return post_action(
        request,
        lambda: services.question_add(
            actor=request.user,
            survey=item,
            kind=data["kind"],
            text=data["text"],
            required=data["required"],
            options=data["options"].splitlines(),
            max_choices=data["max_choices"],
            scale_min=data["scale_min"],
            scale_max=data["scale_max"],
        ),
        success=_("The question is added."),
        to=to,
    )


@require_POST
@permission_required("consultations.manage")
def survey_binding(request: UchastRequest, pk: int) -> HttpResponse:
    item = selectors.access_survey(request.user, request.community, pk)
    binding = request.POST.get("binding") == "1"
    return post_action(
        request,
        lambda: services.survey_set_binding(actor=request.user, survey=item, binding=binding),
        success=_("The survey is binding: one answer per person.") if binding else _("The survey is not binding."),
        to=reverse("consultations:survey", args=[item.pk]),
    )
