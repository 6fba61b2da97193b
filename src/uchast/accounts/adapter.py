from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

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

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        """The link keeps where the person was going (``next`` of the sign-up, sign-in or "send
        again" form), so it ends there even when opened in another browser (a mail app's), where
        allauth's pending sign-in is not in the session."""
        url = str(super().get_email_confirmation_url(request, emailconfirmation))
        if request is None:
            return url
        from allauth.account.internal.stagekit import unstash_login

        from uchast.core.navigation import safe_next

        pending = unstash_login(request, peek=True)
        wanted = request.POST.get("next") or request.GET.get("next") or (pending.redirect_url if pending else "")
        next_url = safe_next(request, wanted or "")
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        language = getattr(request, "LANGUAGE_CODE", "uk")
        user.preferred_language = language if language in {"uk", "en"} else "uk"
        if commit:
            user.save()
        return user
