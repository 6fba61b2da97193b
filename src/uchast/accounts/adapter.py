from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest

from uchast.accounts import throttle
from uchast.core.errors import ActionRefused


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """Every form that names an address to write to (sign-up, password reset, adding an address)
        counts against that address (``email`` in ``UCHAST_THROTTLES``): allauth limits sign-up per
        client address only, so without this anyone could have a stranger's mailbox flooded with
        "account exists" or reset messages from many addresses. Counted whether or not the address
        has an account, so the refusal reveals nothing."""
        email = super().clean_email(email)
        try:
            throttle.check("email", identity=email.strip().lower())
        except ActionRefused as refusal:
            raise forms.ValidationError(refusal.message, code="throttled") from None
        return email

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        language = getattr(request, "LANGUAGE_CODE", "uk")
        user.preferred_language = language if language in {"uk", "en"} else "uk"
        if commit:
            user.save()
        return user
