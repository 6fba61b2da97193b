from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from uchast.budget.models import (
    BallotRule,
    BudgetCycle,
    Category,
    Conclusion,
    CountingRule,
    DuplicateRule,
    MilestoneStatus,
)
from uchast.budget.services import CostLine
from uchast.organisations.forms import acting_as_field

MAX_COST_LINES = 8


def hryvnias_to_kopiykas(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    district = forms.ChoiceField(label=_("District"), required=False)
    address = forms.CharField(label=_("Address or location"), max_length=300, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"), max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"), max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180
    )
    summary = forms.CharField(label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("Full description"), widget=forms.Textarea(attrs={"rows": 6}))
    expected_result = forms.CharField(label=_("Expected result"), widget=forms.Textarea(attrs={"rows": 3}))
    beneficiaries = forms.CharField(label=_("Who benefits"), max_length=300)
    image = forms.ImageField(label=_("Image (optional)"), required=False)

    def __init__(self, *args: Any, cycle: BudgetCycle, organisations: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = cycle.categories.all()  # type: ignore[attr-defined]
        if organisations:
            self.fields["on_behalf_of"] = acting_as_field(organisations)
        district = self.fields["district"]
        assert isinstance(district, forms.ChoiceField)  # noqa: S101 - narrows the type
        district.choices = [("", _("Whole community"))] + [(d.code, d.name) for d in cycle.community.districts.all()]


class CostTableForm(forms.Form):
    """Up to eight lines: item, quantity, unit price in hryvnias (stored as kopiykas)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(MAX_COST_LINES):
            self.fields[f"item_{i}"] = forms.CharField(
                label=_("Item %(n)s") % {"n": i + 1}, max_length=200, required=False
            )
            self.fields[f"quantity_{i}"] = forms.IntegerField(
                label=_("Quantity %(n)s") % {"n": i + 1}, min_value=1, max_value=1_000_000, required=False
            )
            self.fields[f"price_{i}"] = forms.DecimalField(
                label=_("Unit price %(n)s, UAH") % {"n": i + 1},
                min_value=Decimal("0.01"),
                max_digits=14,
                decimal_places=2,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(MAX_COST_LINES):
            parts = [data.get(f"item_{i}"), data.get(f"quantity_{i}"), data.get(f"price_{i}")]
            if any(parts) and not all(parts):
                self.add_error(
                    f"item_{i}", _("Fill in the item, its quantity and unit price, or leave the line empty.")
                )
        return data

    def lines(self) -> list[CostLine]:
        data = self.cleaned_data
        return [
            CostLine(data[f"item_{i}"], data[f"quantity_{i}"], hryvnias_to_kopiykas(data[f"price_{i}"]))
            for i in range(MAX_COST_LINES)
            if data.get(f"item_{i}") and data.get(f"quantity_{i}") and data.get(f"price_{i}")
        ]

    @staticmethod
    def initial_from(items: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for i, item in enumerate(items):
            initial[f"item_{i}"] = item.description
            initial[f"quantity_{i}"] = item.quantity
            initial[f"price_{i}"] = Decimal(item.unit_price) / 100
        return initial


class SubmitForm(forms.Form):
    accept_rules = forms.BooleanField(
        label=_("I have read and accept the rules of the participatory budget"), required=False
    )


class ReviewForm(forms.Form):
    within_powers = forms.BooleanField(label=_("Within the council's powers"), required=False)
    community_property = forms.BooleanField(
        label=_("On community property or where the council may act"), required=False
    )
    realistic_cost = forms.BooleanField(label=_("The cost is realistic"), required=False)
    no_duplicate = forms.BooleanField(label=_("Does not duplicate other spending"), required=False)
    conclusion = forms.ChoiceField(label=_("Conclusion"))
    public_reason = forms.CharField(label=_("Public reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, appeal: bool = False, **kwargs: Any) -> None:
        """Nothing is preselected (a conclusion is a decision, not a default); an appeal is decided
        finally, so "needs revision" is not offered for it."""
        super().__init__(*args, **kwargs)
        conclusion = self.fields["conclusion"]
        assert isinstance(conclusion, forms.ChoiceField)  # noqa: S101 - narrows the type
        offered = [c for c in Conclusion.choices if not (appeal and c[0] == Conclusion.NEEDS_REVISION)]
        conclusion.choices = [("", _("— choose —")), *offered]

    def checklist(self) -> dict[str, bool]:
        return {
            k: bool(self.cleaned_data[k])
            for k in ("within_powers", "community_property", "realistic_cost", "no_duplicate")
        }


class AssignForm(forms.Form):
    reviewer = forms.ChoiceField(label=_("Reviewer"))
    department = forms.CharField(label=_("Department"), max_length=200)

    def __init__(self, *args: Any, reviewers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewer = self.fields["reviewer"]
        assert isinstance(reviewer, forms.ChoiceField)  # noqa: S101 - narrows the type
        reviewer.choices = [(str(u.pk), str(u)) for u in reviewers]


class AppealForm(forms.Form):
    text = forms.CharField(label=_("Why should the decision change?"), widget=forms.Textarea(attrs={"rows": 5}))


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Public reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DatesForm(forms.Form):
    submission_opens = forms.DateTimeField(
        label=_("Submission opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    review_opens = forms.DateTimeField(
        label=_("Review starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    revision_opens = forms.DateTimeField(
        label=_("Revision starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    voting_opens = forms.DateTimeField(
        label=_("Voting opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    voting_closes = forms.DateTimeField(
        label=_("Voting closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class PaperBatchForm(forms.Form):
    number = forms.CharField(label=_("Batch number"), max_length=40)
    place = forms.CharField(label=_("Place (IDP hub, ЦНАП)"), max_length=200)


class CommissionKeyForm(forms.Form):
    members = forms.CharField(
        label=_("Members of the counting commission, one per line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Each member gets one share of the key, printed once; keep it on paper, never in a file."),
    )
    threshold = forms.IntegerField(label=_("Shares needed to open the count"), min_value=2, max_value=15, initial=3)

    def member_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["members"].splitlines() if line.strip()]


_SHARE_ATTRS = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters", "class": "budget-share"}


class UnsealForm(forms.Form):
    """One field per share a cycle needs; each member types their own."""

    def __init__(self, *args: Any, threshold: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, threshold + 1):
            self.fields[f"share_{number}"] = forms.CharField(
                label=_("Share %(n)s") % {"n": number},
                max_length=200,
                required=False,  # too few shares is the service's refusal (``too_few_shares``)
                widget=forms.TextInput(attrs=_SHARE_ATTRS),
            )

    def shares(self) -> list[str]:
        return [value for name, value in self.cleaned_data.items() if name.startswith("share_")]


#: Person numbers only (the person key is made of one): the РНОКПП whenever the voter has one.
IDENTITY_KINDS = [
    ("rnokpp", _("taxpayer number (РНОКПП)")),
    ("id_card", _("ID card number")),
    ("passport_book", _("passport booklet (series and number)")),
    ("birth_certificate", _("birth certificate (for example I-БК 123456)")),
]


class PaperBallotForm(forms.Form):
    position = forms.IntegerField(label=_("Position in the batch"), min_value=1)
    identity_kind = forms.ChoiceField(
        label=_("Identity document"),
        choices=IDENTITY_KINDS,
        help_text=_(
            "The РНОКПП whenever the voter has one; a passport or birth certificate only for people without it."
        ),
    )
    identity_number = forms.CharField(label=_("Identity number"), max_length=40)


class PaperCheckForm(forms.Form):
    position = forms.IntegerField(label=_("Position in the batch"), min_value=1)


class PaperResolveForm(forms.Form):
    position = forms.IntegerField(label=_("Position in the batch"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=20)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)
    progress = forms.IntegerField(label=_("Progress, %"), min_value=0, max_value=100)
    contracted = forms.DecimalField(label=_("Money contracted, UAH"), min_value=0, max_digits=14, decimal_places=2)
    spent = forms.DecimalField(label=_("Money spent, UAH"), min_value=0, max_digits=14, decimal_places=2)
    update = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "status": data["status"],
            "progress": data["progress"],
            "contracted": hryvnias_to_kopiykas(data["contracted"]),
            "spent": hryvnias_to_kopiykas(data["spent"]),
            "update": data["update"],
        }


class CycleForm(DatesForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    title_en = forms.CharField(label=_("Title in English (optional)"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description in English (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    support_threshold = forms.IntegerField(
        label=_("Supports needed before review"),
        required=False,
        min_value=0,
        max_value=100_000,
        initial=0,
        help_text=_("0 = no support collection: every submitted project goes to review."),
    )
    support_opens = forms.DateTimeField(
        label=_("Support collection opens"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Optional. Leave both dates empty to collect supports during the whole submission phase."),
    )
    support_closes = forms.DateTimeField(
        label=_("Support collection closes"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    duplicate_rule = forms.ChoiceField(
        label=_("When one person votes online and on paper"),
        choices=DuplicateRule.choices,
        initial=DuplicateRule.FIRST,
        required=False,
        help_text=_("The other ballot is kept, flagged, for the counting commission."),
    )

    field_order = ["title", "year", "description"]


class SupportsForm(forms.Form):
    """Support collection of an existing cycle (see ``services.cycle_set_supports``)."""

    support_threshold = forms.IntegerField(
        label=_("Supports needed before review"),
        min_value=0,
        max_value=100_000,
        help_text=_("0 = no support collection: every submitted project goes to review."),
    )
    support_opens = forms.DateTimeField(
        label=_("Support collection opens"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional. Leave both dates empty to collect supports during the whole submission phase."),
    )
    support_closes = forms.DateTimeField(
        label=_("Support collection closes"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    @staticmethod
    def initial_from(cycle: BudgetCycle) -> dict[str, Any]:
        return {
            "support_threshold": cycle.support_threshold,
            "support_opens": cycle.support_opens,
            "support_closes": cycle.support_closes,
        }


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    budget = forms.DecimalField(label=_("Money, UAH"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    min_cost = forms.DecimalField(label=_("Minimum project cost, UAH"), min_value=0, max_digits=14, decimal_places=2)
    max_cost = forms.DecimalField(label=_("Maximum project cost, UAH"), min_value=0, max_digits=14, decimal_places=2)
    ballot_rule = forms.ChoiceField(label=_("Ballot rule"), choices=BallotRule.choices)
    min_selected = forms.IntegerField(label=_("Minimum projects on a ballot"), min_value=0, max_value=50, initial=1)
    max_selected = forms.IntegerField(label=_("Maximum projects on a ballot"), min_value=1, max_value=50, initial=3)
    counting_rule = forms.ChoiceField(label=_("Counting rule"), choices=CountingRule.choices)
    districts = forms.MultipleChoiceField(
        label=_("Eligible districts (none = whole community)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, cycle: BudgetCycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["districts"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
        field.choices = [(d.code, d.name) for d in cycle.community.districts.all()]

    @staticmethod
    def initial_from(category: Category) -> dict[str, Any]:
        return {
            "name": category.name,
            "budget": Decimal(category.budget) / 100,
            "min_cost": Decimal(category.min_cost) / 100,
            "max_cost": Decimal(category.max_cost) / 100,
            "ballot_rule": category.ballot_rule,
            "min_selected": category.min_selected,
            "max_selected": category.max_selected,
            "counting_rule": category.counting_rule,
            "districts": [d.code for d in category.districts.all()],
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "budget": hryvnias_to_kopiykas(data["budget"]),
            "min_cost": hryvnias_to_kopiykas(data["min_cost"]),
            "max_cost": hryvnias_to_kopiykas(data["max_cost"]),
            "ballot_rule": data["ballot_rule"],
            "min_selected": data["min_selected"],
            "max_selected": data["max_selected"],
            "counting_rule": data["counting_rule"],
        }


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Co-author's e-mail"), max_length=254)
