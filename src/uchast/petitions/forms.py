from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from uchast.accounts.models import Role, User
from uchast.organisations.forms import acting_as_field
from uchast.petitions.models import (
    ANSWER_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AnswerOutcome,
    RefusalReason,
    SignatureDisplay,
)


class PetitionForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("What should the council do? One sentence, at most 200 characters."),
    )
    text = forms.CharField(
        label=_("Text of the petition"),
        max_length=TEXT_MAX_LENGTH,
        min_length=30,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The problem, your demand and why it matters. At most 5000 characters."),
    )

    def __init__(self, *args: Any, organisations: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["on_behalf_of"] = acting_as_field(organisations)


class SignForm(forms.Form):
    display = forms.ChoiceField(
        label=_("On the public list of signatories show"),
        choices=SignatureDisplay.choices,
        initial=SignatureDisplay.NAME,
        widget=forms.RadioSelect,
    )


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Ground for refusal"), choices=RefusalReason.choices)
    text = forms.CharField(
        label=_("Explanation for the author"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AssignForm(forms.Form):
    official = forms.ModelChoiceField(label=_("Official responsible"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["official"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = User.objects.filter(groups__name=Role.OFFICIAL, is_active=True).order_by("full_name")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=AnswerOutcome.choices)
    text = forms.CharField(
        label=_("Answer of the council"), max_length=ANSWER_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 8})
    )
    files = MultipleFileField(  # type: ignore[assignment]  # the field is named "files" in the UI
        label=_("Council decision and other documents"),
        required=False,
        help_text=_("PDF, DOCX, ODT or images, up to 10 MB each."),
    )
