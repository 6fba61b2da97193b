from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from uchast.accounts.models import NOTIFICATION_TOPICS


class SignupExtraForm(forms.Form):
    """Extra sign-up fields (allauth calls ``signup`` after creating the user)."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("Shown with your proposals and signatures. You can use initials."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150, required=True)
    preferred_language = forms.ChoiceField(
        label=_("Language of e-mails"), choices=[("uk", "Українська"), ("en", "English")]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic, label in NOTIFICATION_TOPICS.items():
            self.fields[f"notify_{topic}"] = forms.BooleanField(label=label, required=False)

    def notification_preferences(self) -> dict[str, bool]:
        return {topic: bool(self.cleaned_data.get(f"notify_{topic}")) for topic in NOTIFICATION_TOPICS}


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        max_length=20,
        help_text=_("Your contributions stay, without your name. This cannot be undone."),
    )

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if value.upper() not in {"DELETE", "ВИДАЛИТИ"}:
            raise forms.ValidationError(_("Type DELETE (or ВИДАЛИТИ) to confirm."))
        return value


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("What the token may do"),
        choices=[
            ("read", _("read what I may see")),
            ("participate", _("take part: sign, vote, propose")),
            ("staff", _("staff work in my role (asks for the second factor again)")),
        ],
        initial=["read", "participate"],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ConfirmationHelpForm(forms.Form):
    """The e-mail to confirm the account did not arrive: send it again, or to a corrected address.
    The password proves the account is the person's own before anything is sent or changed."""

    email = forms.EmailField(
        label=_("The e-mail address you signed up with"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_email = forms.EmailField(
        label=_("Correct address (only if the one above has a mistake)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
