"""Surveys: officials prepare questions; residents answer once, every answer checked before anything is written.

A survey marked *binding* (by staff, before the consultation opens; frozen afterwards) counts once per
person, not once per account: the answer and the participation register's row (process, person key)
are written in one transaction, so a second account of the same person, the same person back after
deleting an account, or parallel requests all end with one counted answer. The answer rows never
carry the person key; the register holds only (process, person key), and its rows are deleted when
the consultation closes for answers (``forget_binding_answers``). Non-binding surveys count one
answer per account, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from uchast.consultations.actions import ConsultationAction
from uchast.consultations.models import (
    Answer,
    Consultation,
    Phase,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
)
from uchast.consultations.services.common import (
    MAX_TEXT_ANSWER_LENGTH,
    clean_text,
    require_open,
    require_participant,
)
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.verification.services import participation_forget, participation_record

#: Phases in which staff may still mark a survey binding or not: before anyone can answer.
BINDING_EDITABLE = (Phase.DRAFT, Phase.ANNOUNCED)


class SurveyInvalid(ActionRefused):
    """Field errors by question id; nothing was saved."""

    errors: dict[int, str]

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(
            "invalid_answers",
            _("Some answers need correcting. Nothing was saved."),
            details=[{"field": str(qid), "message": message} for qid, message in errors.items()],
        )
        self.errors = errors


def _binding_frozen() -> ActionRefused:
    return ActionRefused(
        "binding_frozen",
        _("Whether a survey is binding can only change before the consultation opens."),
        status=409,
    )


def survey_create(
    *, actor: Any, consultation: Consultation, title: str, intro: str = "", binding: bool = False
) -> Survey:
    """A survey of ``consultation``; a binding one only before the consultation opens (``binding_frozen``).
    Recorded on the audit log, as every official's change to a consultation."""
    with transaction.atomic():
        if binding:
            locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
            if locked.phase not in BINDING_EDITABLE:
                raise _binding_frozen()
        survey = Survey.objects.create(
            consultation=consultation, title=title.strip(), intro=intro.strip(), binding=binding
        )
        audit.record(
            action="consultations.survey_created",
            actor=actor,
            obj=consultation,
            community=consultation.community,
            summary={"survey": survey.pk, "binding": binding},
        )
    return survey


def survey_set_binding(*, actor: Any, survey: Survey, binding: bool) -> Survey:
    """Mark ``survey`` binding (one answer per person) or not. Only before the consultation opens:
    the consultation row is locked, so opening it cannot slip in between the check and the write
    (``binding_frozen`` afterwards, or once anyone answered). Recorded on the audit log."""
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=survey.consultation_id)
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if consultation.phase not in BINDING_EDITABLE or locked.response_count:
            raise _binding_frozen()
        if locked.binding != binding:
            locked.binding = binding
            locked.save(update_fields=["binding"])
            audit.record(
                action="consultations.survey_binding_changed",
                actor=actor,
                obj=consultation,
                community=consultation.community,
                summary={"survey": locked.pk, "binding": binding},
            )
    return locked


def forget_binding_answers(consultation: Consultation) -> int:
    """The consultation closed for answers: nobody can answer its binding surveys any more, so the
    register's rows of those surveys (who, as a person key, answered) are no longer needed and are
    deleted (in the caller's transaction). The counted answers stay, linked to no person key."""
    survey_ids = list(Survey.objects.filter(consultation=consultation, binding=True).values_list("pk", flat=True))
    if not survey_ids:
        return 0
    return participation_forget(action=ConsultationAction.ANSWER_SURVEY, process_ids=survey_ids)


def question_add(
    *,
    actor: Any,
    survey: Survey,
    kind: str,
    text: str,
    required: bool = True,
    options: list[str] | None = None,
    max_choices: int | None = None,
    scale_min: int = 1,
    scale_max: int = 5,
) -> Question:
    if survey.response_count:
        raise ActionRefused(
            "answered", _("People have answered this survey; its questions can no longer change."), status=409
        )
    if kind not in QuestionKind.values:
        raise ActionRefused("kind", _("Unknown question kind."))
    clean_options = [o.strip() for o in (options or []) if o.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING) and len(clean_options) < 2:
        raise ActionRefused("options", _("Give at least two options."))
    if kind == QuestionKind.SCALE and scale_max <= scale_min:
        raise ActionRefused("scale", _("The top of the scale must be above its bottom."))
    with transaction.atomic():
        position = survey.questions.count() + 1
        question = Question.objects.create(
            survey=survey,
            position=position,
            kind=kind,
            text=clean_text(text, limit=300, empty_message=_("Write the question.")),
            required=required,
            options=clean_options if kind != QuestionKind.TEXT and kind != QuestionKind.SCALE else [],
            max_choices=max_choices if kind == QuestionKind.MULTIPLE else None,
            scale_min=scale_min,
            scale_max=scale_max,
        )
        consultation = survey.consultation
        audit.record(
            action="consultations.question_added",
            actor=actor,
            obj=consultation,
            community=consultation.community,
            summary={"survey": survey.pk, "question": question.pk, "kind": kind},
        )
    return question


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("bool")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(value)


def _single(question: Question, raw: Any) -> int:
    if isinstance(raw, list):
        raise ValueError(raw)
    choice = _as_int(raw)
    if not 0 <= choice < len(question.options):
        raise ValueError(choice)
    return choice


def _multiple(question: Question, raw: Any) -> list[int]:
    items = raw if isinstance(raw, list) else [raw]
    choices = sorted({_as_int(v) for v in items})
    if len(choices) != len(items) or any(not 0 <= c < len(question.options) for c in choices):
        raise ValueError(items)
    if question.max_choices and len(choices) > question.max_choices:
        raise ValueError(_("Choose at most %(count)d options.") % {"count": question.max_choices})
    return choices


def _scale(question: Question, raw: Any) -> int:
    if isinstance(raw, list):
        raise ValueError(raw)
    point = _as_int(raw)
    if not question.scale_min <= point <= question.scale_max:
        raise ValueError(point)
    return point


def _ranking(question: Question, raw: Any) -> list[int]:
    if not isinstance(raw, list):
        raise ValueError(raw)
    order = [_as_int(v) for v in raw]
    n = len(question.options)
    if sorted(order) != list(range(n)):
        raise ValueError(_("Give every option a different place, from 1 to %(count)d.") % {"count": n})
    return order


def _text(question: Question, raw: Any) -> str | None:
    if not isinstance(raw, str):
        raise ValueError(raw)
    text = raw.strip()
    if len(text) > MAX_TEXT_ANSWER_LENGTH:
        raise ValueError(_("At most %(limit)d characters.") % {"limit": MAX_TEXT_ANSWER_LENGTH})
    if not text:
        if question.required:
            raise ValueError(_("This question needs an answer."))
        return None
    return text


#: The validator of each question kind: the stored value, or ValueError (with a message for people
#: when its argument is a sentence; anything else means "not one of the choices").
_VALIDATORS: dict[str, Callable[[Question, Any], Any]] = {
    QuestionKind.SINGLE: _single,
    QuestionKind.MULTIPLE: _multiple,
    QuestionKind.SCALE: _scale,
    QuestionKind.RANKING: _ranking,
    QuestionKind.TEXT: _text,
}


def validate_answer(question: Question, raw: Any) -> Any:
    """The stored value of one answer, or ValueError with a translated message. None = no answer."""
    if raw is None or raw == "" or raw == []:
        if question.required:
            raise ValueError(_("This question needs an answer."))
        return None
    try:
        return _VALIDATORS.get(question.kind, _text)(question, raw)
    except ValueError as error:
        message = error.args[0] if error.args and isinstance(error.args[0], str) and " " in error.args[0] else None
        raise ValueError(message or _("This answer is not one of the choices offered.")) from None


def survey_answer(*, user: Any, survey: Survey, answers: dict[int, Any]) -> SurveyResponse:
    """One answer set per account (unique constraint: ``already_answered``); for a binding survey one
    per person too: the participation register's row is written in the same transaction
    (``already_participated`` for another account of the same person, ``no_person_key`` without a
    person number), so a refusal leaves nothing written. ``answers`` maps question id to a typed
    value (see ``Answer``); every question is checked before anything is written."""
    consultation = survey.consultation
    require_open(consultation, _("You cannot answer: the consultation is not open or you are not eligible."))
    require_participant(user, consultation, ConsultationAction.ANSWER_SURVEY)
    questions = list(survey.questions.all())
    errors: dict[int, str] = {}
    values: dict[int, Any] = {}
    known = {q.pk for q in questions}
    for question in questions:
        try:
            values[question.pk] = validate_answer(question, answers.get(question.pk))
        except ValueError as error:
            errors[question.pk] = str(error.args[0])
    unknown = set(answers) - known
    if unknown:
        errors.update({qid: _("No such question in this survey.") for qid in unknown})
    if errors:
        raise SurveyInvalid(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, user=user)
            # Read again in the transaction: the page's copy of the survey may predate staff's last change.
            if Survey.objects.filter(pk=survey.pk, binding=True).exists():
                # After the account's own row, so one account's second try still says "already answered".
                participation_record(
                    user=user,
                    community=consultation.community,
                    action=ConsultationAction.ANSWER_SURVEY,
                    process_id=survey.pk,
                )
            Answer.objects.bulk_create(
                [Answer(response=response, question_id=qid, value=v) for qid, v in values.items() if v is not None]
            )
            Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    except IntegrityError:
        raise ActionRefused("already_answered", _("You have already answered this survey.")) from None
    return response
