"""Forms of the appeals pages. Validation of substance is the services' (one message either way)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from uchast.appeals.models import Kind, Priority, ReportStatus, Topic
from uchast.core.files import MultipleFileField

_Files = MultipleFileField  # several files in one input; the services check each one's type and size


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    topic = forms.ChoiceField(label=_("topic"), choices=Topic.choices)
    subject = forms.CharField(label=_("subject"), max_length=200)
    text = forms.CharField(label=_("text of the appeal"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000)
    attachments = _Files(label=_("documents or photos (up to 5)"))
    full_name = forms.CharField(label=_("full name"), max_length=200)
    residence = forms.CharField(
        label=_("place of residence"),
        max_length=300,
        help_text=_("For displaced people: your address in the community."),
    )
    displaced = forms.BooleanField(label=_("I am an internally displaced person"), required=False)
    current_address = forms.CharField(label=_("current address"), max_length=300, required=False)
    contact = forms.CharField(label=_("e-mail or other contact"), max_length=200)
    priority = forms.ChoiceField(
        label=_("priority category (staff will check it)"),
        choices=[("", _("none"))] + list(Priority.choices),
        required=False,
    )
    cosigners = forms.CharField(
        label=_("co-signers' e-mails, one per line (collective appeal)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=3000,
    )
    publish = forms.BooleanField(
        label=_("Publish the appeal and the answer without my personal data"),
        required=False,
        help_text=_("Unticked, only you, co-signers and the officials handling it see the appeal."),
    )


class RouteForm(forms.Form):
    department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("department"), queryset=None)  # type: ignore[arg-type]
    study_needed = forms.BooleanField(label=_("needs further study (one month)"), required=False)

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class ForwardForm(forms.Form):
    body = forms.CharField(label=_("body the appeal is passed on to"), max_length=300)


class ExtendForm(forms.Form):
    new_due = forms.DateField(label=_("new term"), widget=forms.DateInput(attrs={"type": "date"}))
    # Not required here: the service's refusal says why reasons are needed and how long they must be.
    reasons = forms.CharField(
        label=_("reasons (the person is told them)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    attachments = _Files(label=_("documents (up to 5)"))


class PriorityForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("priority category"),
        choices=[("1", _("confirmed")), ("0", _("not confirmed"))],
        coerce=lambda v: v == "1",
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("rating"), choices=[(str(i), str(i)) for i in range(1, 6)], coerce=int)


class ComplaintForm(forms.Form):
    text = forms.CharField(label=_("what is wrong with the answer"), widget=forms.Textarea(attrs={"rows": 5}))


class ReportForm(forms.Form):
    title = forms.CharField(label=_("what is wrong"), max_length=200)
    topic = forms.ChoiceField(label=_("topic"), choices=Topic.choices)
    text = forms.CharField(
        label=_("details"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    address = forms.CharField(label=_("address or landmark"), max_length=300, required=False)
    latitude = forms.CharField(label=_("latitude"), max_length=20, required=False)
    longitude = forms.CharField(label=_("longitude"), max_length=20, required=False)
    photo = forms.FileField(label=_("photo"), required=False)


class ReportStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ReportStatus.choices)
    text = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
