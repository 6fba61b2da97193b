"""Forms: they parse and type what people type; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from uchast.core.errors import ActionRefused
from uchast.core.files import MultipleFileField
from uchast.core.models import Community
from uchast.organisations import selectors
from uchast.organisations.models import NAME_MAX_LENGTH, Aggregation, LegalForm, MemberRole, Organisation, ReportKind

MAX_FORM_LINES = 8


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=300)
    edrpou = forms.CharField(label=_("EDRPOU code"), max_length=8, min_length=8, help_text=_("8 digits"))
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=LegalForm.choices)
    registered_on = forms.DateField(
        label=_("Date of state registration"), widget=forms.DateInput(attrs={"type": "date"})
    )
    areas = forms.CharField(label=_("Areas of work"), max_length=500)
    description = forms.CharField(
        label=_("About the organisation"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    districts = forms.MultipleChoiceField(
        label=_("Districts served"), required=False, widget=forms.CheckboxSelectMultiple
    )
    works_with_idps = forms.BooleanField(label=_("Works with displaced people"), required=False)
    email = forms.EmailField(label=_("Contact e-mail"))
    phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    logo = forms.FileField(label=_("Logo (optional)"), required=False, help_text=_("JPG, PNG or WebP, up to 2 MB."))
    statute = forms.FileField(label=_("Statute (optional)"), required=False, help_text=_("PDF, up to 10 MB."))

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        field = self.fields["districts"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
        field.choices = [(str(d.pk), d.name) for d in community.districts.all()]

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("logo", "statute")}
        data["districts"] = list(self.community.districts.filter(pk__in=data["districts"]))
        return data


class OrganisationFilesForm(forms.Form):
    logo = forms.FileField(label=_("New logo"), required=False, help_text=_("JPG, PNG or WebP, up to 2 MB."))
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    statute = forms.FileField(label=_("New statute"), required=False, help_text=_("PDF, up to 10 MB."))
    remove_statute = forms.BooleanField(label=_("Remove the statute"), required=False)


def documents_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Documents (up to 5)"), help_text=_("PDF, DOCX, ODT, XLSX or ODS, up to 10 MB each.")
    )


def photos_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Photos (up to 6)"),
        help_text=_("JPG, PNG or WebP, up to 8 MB each. Public once staff accept the report."),
    )


class DocumentsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"] = documents_field()


class PhotosForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"] = photos_field()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)


def _kopiykas(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 100)


class ApplicationForm(forms.Form):
    """The programme and its budget table: up to eight lines of own and requested hryvnias."""

    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    title = forms.CharField(label=_("Programme title"), max_length=300)
    goals = forms.CharField(label=_("Goals"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    activities = forms.CharField(label=_("Activities"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    schedule = forms.CharField(
        label=_("Timeline of the programme"), max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )
    own_total = forms.DecimalField(
        label=_("Own contribution in total, UAH"), min_value=0, max_digits=14, decimal_places=2
    )
    requested_total = forms.DecimalField(
        label=_("Requested in total, UAH"), min_value=0, max_digits=14, decimal_places=2
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - narrows the type
        field.choices = [(o.pk, o.name) for o in organisations]
        self.fields["documents"] = documents_field()
        for i in range(MAX_FORM_LINES):
            n = {"n": i + 1}
            self.fields[f"item_{i}"] = forms.CharField(label=_("Item %(n)s") % n, max_length=300, required=False)
            self.fields[f"own_{i}"] = forms.DecimalField(
                label=_("Own, UAH %(n)s") % n, min_value=0, max_digits=14, decimal_places=2, required=False
            )
            self.fields[f"requested_{i}"] = forms.DecimalField(
                label=_("Requested, UAH %(n)s") % n, min_value=0, max_digits=14, decimal_places=2, required=False
            )

    def lines(self) -> list[tuple[str, int, int]]:
        data = self.cleaned_data
        rows = []
        for i in range(MAX_FORM_LINES):
            item, own, requested = data.get(f"item_{i}") or "", data.get(f"own_{i}"), data.get(f"requested_{i}")
            if item or own or requested:
                rows.append((item, _kopiykas(own), _kopiykas(requested)))
        return rows

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        texts = {k: data[k] for k in ("title", "goals", "activities", "schedule")}
        return {
            **texts,
            "own_total": _kopiykas(data["own_total"]),
            "requested_total": _kopiykas(data["requested_total"]),
        }

    def line_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"item_{i}"], self[f"own_{i}"], self[f"requested_{i}"]) for i in range(MAX_FORM_LINES)]


class ConflictForm(forms.Form):
    note = forms.CharField(label=_("Nature of the conflict"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ScoreForm(forms.Form):
    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.title} (0–{criterion.max_score})", min_value=0, max_value=criterion.max_score
            )

    def values(self) -> dict[int, int]:
        return {int(k[1:]): v for k, v in self.cleaned_data.items()}


class EligibilityForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("eligible")), ("0", _("ineligible"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason (if ineligible)"), max_length=2000, required=False)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)
    text = forms.CharField(label=_("What was done"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget_lines = lines
        for line in lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=_("Spent on «%(item)s», UAH") % {"item": line.item},
                min_value=0,
                max_digits=14,
                decimal_places=2,
                required=False,
            )
        self.fields["photos"] = photos_field()

    def spending(self) -> list[tuple[int, int]]:
        return [
            (line.pk, _kopiykas(self.cleaned_data[f"line_{line.pk}"]))
            for line in self.budget_lines
            if self.cleaned_data.get(f"line_{line.pk}") is not None
        ]


class ReportDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("accept")), ("0", _("return for changes"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note to the organisation"), max_length=2000, required=False)


class CompetitionForm(forms.Form):
    """Announcing a competition. Criteria: one per line, "title; maximum score". The commission:
    e-mail addresses of existing accounts, one per line, staff and public council separately."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    priorities = forms.CharField(label=_("Priorities"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("Budget, UAH"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    max_per_programme = forms.DecimalField(
        label=_("Limit per programme, UAH"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    min_own_percent = forms.IntegerField(label=_("Minimum own contribution, %"), min_value=0, max_value=100, initial=10)
    min_registered_months = forms.IntegerField(
        label=_("Registered at least, months"), min_value=0, max_value=600, initial=6
    )
    eligibility_rules = forms.CharField(
        label=_("Other eligibility rules"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    aggregation = forms.ChoiceField(label=_("Aggregation of scores"), choices=Aggregation.choices)
    applications_open_at = forms.DateTimeField(
        label=_("Applications open"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    applications_close_at = forms.DateTimeField(
        label=_("Applications close"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    interim_report_due = forms.DateField(
        label=_("Interim report due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    final_report_due = forms.DateField(
        label=_("Final report due"),
        required=False,
        help_text=_("The winners are reminded a week before and when a report is overdue."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    criteria = forms.CharField(
        label=_("Criteria"),
        help_text=_("One per line: the criterion; its maximum score."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    staff_members = forms.CharField(
        label=_("Commission: council staff"), help_text=_("E-mail addresses, one per line."), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    public_members = forms.CharField(
        label=_("Commission: public council representatives"), help_text=_("E-mail addresses, one per line."),
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def clean_criteria(self) -> list[tuple[str, int]]:
        rows = []
        for line in self.cleaned_data["criteria"].splitlines():
            if not line.strip():
                continue
            title, _sep, score = line.rpartition(";")
            if not title.strip() or not score.strip().isdigit() or not 0 < int(score) <= 100:
                raise forms.ValidationError(_("Write each criterion as «title; maximum score» (1 to 100)."))
            rows.append((title.strip(), int(score)))
        return rows

    def _users(self, name: str, kind: str) -> list[tuple[Any, str]]:
        from uchast.accounts.models import User

        found = []
        for email in self.cleaned_data.get(name, "").split():
            user = User.objects.filter(email__iexact=email, is_active=True).first()
            if user is None:
                raise forms.ValidationError(_("No account has the e-mail %(email)s.") % {"email": email})
            found.append((user, kind))
        return found

    def commission(self) -> list[tuple[Any, str]]:
        return self._users("staff_members", "staff") + self._users("public_members", "public")

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        keys = (
            "title", "description", "priorities", "min_own_percent", "min_registered_months", "eligibility_rules",
            "aggregation", "applications_open_at", "applications_close_at", "interim_report_due", "final_report_due",
        )  # fmt: skip
        return {
            **{k: data[k] for k in keys},
            "budget": _kopiykas(data["budget"]),
            "max_per_programme": _kopiykas(data["max_per_programme"]),
        }


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Public reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ResumeForm(forms.Form):
    applications_open_at = forms.DateTimeField(
        label=_("Applications open"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    applications_close_at = forms.DateTimeField(
        label=_("Applications close"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class OrganisationField(forms.CharField):
    """A confirmed organisation of ``community``, typed as its EDRPOU code or exact name and found
    when the form is cleaned (``selectors.confirmed_organisation``), where a list of the whole
    registry would be thousands of options read on every view of the page. Cleans to the
    ``Organisation``, or None when left empty; a refusal is the field's error, under its code, and
    the form is shown again with what was typed. ``community`` may be set after the form is built."""

    def __init__(self, *, community: Community | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NAME_MAX_LENGTH)
        kwargs.setdefault("help_text", _("The EDRPOU code (8 digits) or the exact name, as in the registry."))
        super().__init__(**kwargs)
        self.community = community

    def clean(self, value: Any) -> Organisation | None:
        text = super().clean(value)
        if not text:
            return None
        if self.community is None:  # a programming error: the form did not say where to look
            raise ImproperlyConfigured("OrganisationField needs its community")
        try:
            return selectors.confirmed_organisation(self.community, text)
        except ActionRefused as refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code) from refusal


def acting_as_field(organisations: list[Any]) -> forms.TypedChoiceField:
    """The "on behalf of" choice other modules add to their forms (only for people who may act for
    an organisation: ``selectors.acting_as_choices``). Its value is an organisation's id or None.
    A list fits here, unlike for the registry (:class:`OrganisationField`): it holds only the
    organisations the person is a member of, a few by nature."""
    return forms.TypedChoiceField(
        label=_("On behalf of"),
        choices=[("", _("myself, personally"))] + [(str(o.pk), o.name) for o in organisations],
        coerce=int,
        empty_value=None,
        required=False,
    )
