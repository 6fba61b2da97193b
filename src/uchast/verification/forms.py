from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uchast.core.models import Community, District
from uchast.eligibility import IdentityNumberError, normalise_identity_number
from uchast.verification.identity import NUMBER_KINDS, PERSON_NUMBER_KINDS, identity_error_message
from uchast.verification.models import Basis, DocumentKind, OidcProvider, VerificationStatus

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


class UnechoedInput(forms.TextInput):
    """A text input that never sends what was typed back in the page (an identity number must not
    come back in the HTML when the form is shown again with errors)."""

    def format_value(self, value: Any) -> str | None:
        return None


class NumberMixin(forms.Form):
    number_kind = forms.ChoiceField(label=_("Kind of number"), choices=NUMBER_KINDS)
    number = forms.CharField(
        label=_("Number"),
        max_length=40,
        widget=UnechoedInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        """A number that cannot be right (length, characters, check digit) is marked on its field;
        the service checks it again, for every caller."""
        data = super().clean() or {}
        if data.get("number_kind") and data.get("number"):
            try:
                normalise_identity_number(data["number_kind"], data["number"])
            except IdentityNumberError as error:
                self.add_error("number", identity_error_message(error))
        return data


_PERSON_NUMBER_LABEL = _("Your РНОКПП, or if you have none, your passport or birth-certificate number")


class PersonNumberMixin(forms.Form):
    """The person number the person key is made of (docs/eligibility.md, "Person key"); optional
    here, because a method whose own number is a person number needs no second one."""

    person_kind = forms.ChoiceField(label=_("Kind of person number"), choices=PERSON_NUMBER_KINDS, required=False)
    person_number = forms.CharField(
        label=_PERSON_NUMBER_LABEL,
        max_length=40,
        required=False,
        help_text=_("Needed only when the number above is an IDP certificate number: one person, one voice."),
        widget=UnechoedInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("person_number"):
            try:
                normalise_identity_number(data.get("person_kind") or "rnokpp", data["person_number"])
            except IdentityNumberError as error:
                self.add_error("person_number", identity_error_message(error))
        return data


class PersonNumberForm(PersonNumberMixin):
    """Adding the person number to a confirmation that has none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_kind"].required = True
        self.fields["person_number"].required = True
        self.fields["person_number"].help_text = _(
            "It is stored only as a keyed fingerprint and cannot be changed later."
        )


class DocumentForm(NumberMixin, BirthDateMixin, PersonNumberMixin):
    document_kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("Photo or scan"),
        help_text=_("JPEG, PNG or PDF, up to 5 MB. Only staff see it, and it is deleted after the decision."),
    )

    field_order = [
        "document_kind",
        "number_kind",
        "number",
        "person_kind",
        "person_number",
        "birth_date",
        "district",
        "file",
    ]

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"] = _district_field(community)
        self.order_fields(self.field_order)


class CensusForm(NumberMixin, BirthDateMixin, PersonNumberMixin):
    field_order = ["number_kind", "number", "person_kind", "person_number", "birth_date"]


class CodeForm(BirthDateMixin, PersonNumberMixin):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("12 letters and digits, for example ABCD-EFGH-2345."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    field_order = ["code", "person_kind", "person_number", "birth_date"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_number"].help_text = _(
            "Needed to vote, sign petitions or support projects; some code sheets require it."
        )


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
    number_required = forms.BooleanField(
        label=_("The resident must enter their person number when redeeming"),
        required=False,
        initial=True,
        help_text=_("Without it a confirmation cannot vote, sign or support until the number is added."),
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


def _technical(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none", **attrs})


def _claim_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=100, required=False, widget=_technical(), help_text=help_text)


class OidcProviderForm(forms.Form):
    """Settings of an identity provider. The client secret is never entered: only the name of the
    server's environment variable that holds it. The service checks the values (one place)."""

    name = forms.CharField(
        label=_("Name shown to residents"), max_length=120, help_text=_("For example BankID or Дія.")
    )
    slug = forms.CharField(
        label=_("Short name"),
        max_length=40,
        widget=_technical(),
        help_text=_("Small Latin letters, digits and hyphens; it is part of the sign-in address."),
    )
    issuer = forms.CharField(
        label=_("Issuer"),
        max_length=200,
        widget=_technical(inputmode="url"),
        help_text=_("Exactly as the provider publishes it, for example https://id.example.gov.ua."),
    )
    client_id = forms.CharField(label=_("Client id"), max_length=200, widget=_technical())
    client_secret_env = forms.CharField(
        label=_("Environment variable with the client secret"),
        max_length=100,
        widget=_technical(autocapitalize="characters"),
        help_text=_(
            "The name only, for example UCHAST_OIDC_BANKID_SECRET. Put the secret into this variable on "
            "the server; it is never entered or stored here."
        ),
    )
    scopes = forms.CharField(
        label=_("Scopes"),
        max_length=200,
        initial="openid profile",
        widget=_technical(),
        help_text=_("Separated by spaces; openid is required."),
    )
    claim_birth_date = _claim_field(_("Claim with the birth date"), _("Empty: birthdate."))
    claim_katottg = _claim_field(
        _("Claim with the KATOTTG code of the registered address"),
        _(
            "Dots for a nested claim, for example address.katottg. Empty: the provider never confirms a "
            "registered address."
        ),
    )
    claim_document_number = _claim_field(
        _("Claim with the document number"),
        _("Empty: the number is not used, so one person could confirm several accounts."),
    )
    identity_kind = forms.ChoiceField(label=_("Kind of the document number"), choices=NUMBER_KINDS)
    validity_days = forms.IntegerField(
        label=_("Confirmation valid for (days)"), min_value=1, max_value=3650, initial=365
    )

    CLAIM_FIELDS = ("birth_date", "katottg", "document_number")

    @classmethod
    def initial_for(cls, provider: OidcProvider | None) -> dict[str, Any]:
        if provider is None:
            return {}
        claims = provider.claims_map if isinstance(provider.claims_map, dict) else {}
        return {
            "name": provider.name,
            "slug": provider.slug,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "client_secret_env": provider.client_secret_env,
            "scopes": provider.scopes,
            "identity_kind": provider.identity_kind,
            "validity_days": provider.validity_days,
            **{"claim_" + key: str(claims.get(key, "")) for key in cls.CLAIM_FIELDS},
        }

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as :func:`uchast.verification.services.oidc_provider_save` takes them."""
        data = self.cleaned_data
        return {
            "slug": data["slug"],
            "name": data["name"],
            "issuer": data["issuer"],
            "client_id": data["client_id"],
            "client_secret_env": data["client_secret_env"],
            "scopes": data["scopes"],
            "claims_map": {key: data["claim_" + key] for key in self.CLAIM_FIELDS},
            "identity_kind": data["identity_kind"],
            "validity_days": data["validity_days"],
        }
