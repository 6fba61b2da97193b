from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        language = getattr(request, "LANGUAGE_CODE", "uk")
        user.preferred_language = language if language in {"uk", "en"} else "uk"
        if commit:
            user.save()
        return user
