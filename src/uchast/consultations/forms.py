from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from uchast.consultations.drafts import MAX_DRAFT_BYTES, DraftFormatError, sections_from_docx, sections_from_markdown
from uchast.consultations.models import AnswerStatus, Audience, MeetingKind, Question, QuestionKind
from uchast.consultations.services.common import MAX_PROPOSAL_LENGTH, MAX_STATEMENT_LENGTH
from uchast.core.models import Community, District
from uchast.organisations.forms import OrganisationField, acting_as_field


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=300)
    summary = forms.CharField(label=_("The draft decision in brief"), widget=forms.Textarea(attrs={"rows": 4}))
    title_en = forms.CharField(label=_("Subject in English (optional)"), max_length=300, required=False)
    summary_en = forms.CharField(
        label=_("The draft decision in brief, in English (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    alternatives = forms.CharField(
        label=_("Alternatives considered"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    affected_groups = forms.CharField(
        label=_("Who is affected"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consequences = forms.CharField(
        label=_("Expected consequences"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    how_to_take_part = forms.CharField(
        label=_("How to take part"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = forms.DateTimeField(label=_("Opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    responsible_name = forms.CharField(label=_("Responsible official"), max_length=200)
    responsible_contacts = forms.CharField(label=_("Contacts"), max_length=300)
    audience = forms.ChoiceField(label=_("Who may take part"), choices=Audience.choices)
    audience_district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)

    def __init__(self, *args: Any, community: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if community is not None:
            self.fields["audience_district"].queryset = District.objects.filter(community=community)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The consultation must close after it opens."))
        if data.get("audience") == Audience.DISTRICT and not data.get("audience_district"):
            self.add_error("audience_district", _("Choose the district whose residents may take part."))
        return data


class DraftForm(forms.Form):
    text = forms.CharField(
        label=_("Draft text (Markdown: each ## heading starts a section)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    file = forms.FileField(label=_("…or upload a .md or .docx file"), required=False)
    note = forms.CharField(label=_("What changed in this version"), required=False, max_length=300)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        name = upload.name.lower()
        if not (name.endswith(".md") or name.endswith(".txt") or name.endswith(".docx")):
            raise forms.ValidationError(_("Upload a Markdown (.md) or Word (.docx) file."))
        if upload.size > MAX_DRAFT_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 2 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        """Parses the draft into ``cleaned_data["sections"]`` (a file wins over pasted text)."""
        data = super().clean() or {}
        upload = data.get("file")
        if not (data.get("text") or "").strip() and not upload:
            raise forms.ValidationError(_("Paste the draft text or upload a file."))
        try:
            if upload is not None and upload.name.lower().endswith(".docx"):
                data["sections"] = sections_from_docx(upload.read())
            elif upload is not None:
                data["sections"] = sections_from_markdown(upload.read().decode("utf-8"))
            else:
                data["sections"] = sections_from_markdown(data["text"])
        except (DraftFormatError, UnicodeDecodeError):
            self.add_error("file", _("The file cannot be read. Upload a Markdown (.md) or Word (.docx) file."))
        return data


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("File title"), max_length=200)
    file = forms.FileField(label=_("File (PDF, document or image)"))


class ProposalForm(forms.Form):
    body = forms.CharField(
        label=_("Your proposal and its reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_PROPOSAL_LENGTH,
    )
    proposed_text = forms.CharField(
        label=_("New wording of the section (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Edit the current text; we show your change as a comparison."),
    )

    def __init__(self, *args: Any, organisations: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["on_behalf_of"] = acting_as_field(organisations)


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("A short statement others can agree or disagree with"),
        max_length=MAX_STATEMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Answer"), choices=AnswerStatus.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining (the proposer is told)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("Summary of the report"), widget=forms.Textarea(attrs={"rows": 6}))


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Survey title"), max_length=200)
    intro = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    binding = forms.BooleanField(
        label=_("Binding: one answer per person"),
        required=False,
        help_text=_(
            "Each person answers once, whichever account they use; answering needs a confirmation with a "
            "person number. Only before the consultation opens."
        ),
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    required = forms.BooleanField(label=_("Answer required"), required=False, initial=True)
    options = forms.CharField(
        label=_("Options, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    max_choices = forms.IntegerField(
        label=_("At most this many choices (multiple choice)"), required=False, min_value=1
    )
    scale_min = forms.IntegerField(label=_("Scale from"), initial=1)
    scale_max = forms.IntegerField(label=_("Scale to"), initial=5)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Format"), choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("Place (address)"), required=False, max_length=300)
    link = forms.URLField(label=_("Link (online)"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Places"), min_value=1)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        community: Community | None = None,
        acting_for: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Staff (``community`` given) may name a co-organiser: a confirmed organisation of the
        community, by its EDRPOU code or exact name (the registry is too long for a list); a member
        proposing the meeting chooses the organisation it is proposed for among ``acting_for``
        (``organisations.selectors.acting_as_choices``). The services check both again."""
        super().__init__(*args, **kwargs)
        if community is not None:
            self.fields["co_organiser"] = OrganisationField(
                community=community,
                label=_("Co-organised by"),
                help_text=_(
                    "The organisation's EDRPOU code or exact name; leave empty when the council organises it alone."
                ),
                required=False,
            )
        if acting_for is not None:
            field = acting_as_field(acting_for)
            field.choices = [(str(o.pk), o.name) for o in acting_for]
            field.required = True
            field.label = _("On behalf of the organisation")
            self.fields = {"organisation": field, **self.fields}

    def clean_co_organiser(self) -> int | None:
        """The organisation's id, as ``services.meeting_create`` takes it (and checks it again)."""
        organisation = self.cleaned_data["co_organiser"]
        return None if organisation is None else int(organisation.pk)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))
    attended = forms.IntegerField(label=_("People attended"), min_value=0)
    proposals = forms.CharField(
        label=_("Proposals raised, one per line: who raised it | the proposal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def proposal_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for line in (self.cleaned_data.get("proposals") or "").splitlines():
            if not line.strip():
                continue
            who, sep, text = line.partition("|")
            pairs.append((who.strip(), text.strip()) if sep else ("", who.strip()))
        return pairs


def survey_form_class(questions: list[Question]) -> type[forms.Form]:
    """A form with one typed field per question (ranking: one place selector per option)."""
    fields: dict[str, forms.Field] = {}
    for q in questions:
        name = f"q{q.pk}"
        choices = [(str(i), label) for i, label in enumerate(q.options)]
        if q.kind == QuestionKind.SINGLE:
            fields[name] = forms.ChoiceField(label=q.text, choices=choices, widget=forms.RadioSelect, required=False)
        elif q.kind == QuestionKind.MULTIPLE:
            help_text = _("Choose at most %(count)d.") % {"count": q.max_choices} if q.max_choices else ""
            fields[name] = forms.MultipleChoiceField(
                label=q.text, choices=choices, widget=forms.CheckboxSelectMultiple, required=False, help_text=help_text
            )
        elif q.kind == QuestionKind.SCALE:
            points = [(str(p), str(p)) for p in range(q.scale_min, q.scale_max + 1)]
            fields[name] = forms.ChoiceField(label=q.text, choices=points, widget=forms.RadioSelect, required=False)
        elif q.kind == QuestionKind.RANKING:
            places = [("", "—")] + [(str(p), str(p)) for p in range(1, len(q.options) + 1)]
            for i, option in enumerate(q.options):
                fields[f"{name}_{i}"] = forms.ChoiceField(
                    label=_("%(question)s — place of «%(option)s»") % {"question": q.text, "option": option},
                    choices=places,
                    required=False,
                )
        else:
            fields[name] = forms.CharField(label=q.text, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    return type("SurveyAnswerForm", (forms.Form,), fields)


def survey_raw_answers(form: forms.Form, questions: list[Question]) -> dict[int, Any]:
    """Form input → the typed values ``survey_answer`` validates (ranking: option indexes best first)."""
    data = form.data
    answers: dict[int, Any] = {}
    for q in questions:
        name = f"q{q.pk}"
        if q.kind == QuestionKind.MULTIPLE:
            answers[q.pk] = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        elif q.kind == QuestionKind.RANKING:
            places = [data.get(f"{name}_{i}", "") for i in range(len(q.options))]
            if all(p == "" for p in places):
                answers[q.pk] = []
                continue
            try:
                ranks = [int(p) for p in places]
            except ValueError:
                answers[q.pk] = ["x"]
                continue
            order = sorted(range(len(ranks)), key=lambda i: ranks[i])
            answers[q.pk] = order if sorted(ranks) == list(range(1, len(ranks) + 1)) else [-1]
        else:
            answers[q.pk] = data.get(name, "")
    return answers
