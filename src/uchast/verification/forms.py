from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uchast.core.models import Community, District
from uchast.verification.identity import NUMBER_KINDS
from uchast.verification.models import Basis, DocumentKind, VerificationStatus

_BIRTH_HELP = _("As written in your document, for example 17.05.1990.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _district_field(community: Community) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=_("District (if you know it)"),
        queryset=District.objects.filter(community=community).order_by("name_uk"),
        required=False,
    )


class BirthDateMixin(forms.Form):
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput(), help_text=_BIRTH_HELP)

    def clean_birth_date(self) -> Any:
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today or value.year < today.year - 130:
            raise forms.ValidationError(_("Check the birth date."))
        return value


class NumberMixin(forms.Form):
    number_kind = forms.ChoiceField(label=_("Kind of number"), choices=NUMBER_KINDS)
    # render_value is off by default for PasswordInput-like widgets; for a TextInput we clear the
    # value in the view's re-display so a typed number never comes back in the HTML.
    number = forms.CharField(
        label=_("Number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DocumentForm(NumberMixin, BirthDateMixin):
    document_kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("Photo or scan"),
        help_text=_("JPEG, PNG or PDF, up to 5 MB. Only staff see it, and it is deleted after the decision."),
    )

    field_order = ["document_kind", "number_kind", "number", "birth_date", "district", "file"]

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"] = _district_field(community)
        self.order_fields(self.field_order)


class CensusForm(NumberMixin, BirthDateMixin):
    pass


class CodeForm(BirthDateMixin):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("12 letters and digits, for example ABCD-EFGH-2345."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    field_order = ["code", "birth_date"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class CodeBatchForm(forms.Form):
    label = forms.CharField(label=_("Label (place, date)"), max_length=120)
    size = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=500, initial=20)
    expires_on = forms.DateField(label=_("Codes valid until"), widget=DateInput())
    basis = forms.ChoiceField(
        label=_("Basis the codes confirm"),
        choices=[(b.value, b.label) for b in Basis if b != Basis.PROVIDER],
        initial=Basis.IN_PERSON,
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"] = _district_field(community)


class CensusImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: number, kind (rnokpp, id_card, passport_book, idp_certificate), birth_date, basis, "
            "district (optional). UTF-8 or Windows-1251; comma or semicolon. The new list replaces the old one."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large; the limit is 20 MB."))
        return upload


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("any"))] + list(VerificationStatus.choices), required=False
    )
    basis = forms.ChoiceField(label=_("Basis"), choices=[("", _("any"))] + list(Basis.choices), required=False)
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[
            ("", _("any")),
            ("document", _("document review")),
            ("census", _("census list")),
            ("code", _("one-time code")),
            ("oidc", _("identity provider")),
        ],
        required=False,
    )
