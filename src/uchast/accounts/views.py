from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from uchast.accounts import selectors, services
from uchast.accounts.forms import ApiTokenForm, DeleteAccountForm, ProfileForm
from uchast.accounts.models import NOTIFICATION_TOPICS
from uchast.core.permissions import permission_required


def _self(request: HttpRequest, *args: object, **kwargs: object) -> object:
    return request.user


@require_http_methods(["GET", "POST"])
@permission_required("accounts.change_profile", fn=_self)
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.profile_update(
                user=user,  # type: ignore[arg-type]
                full_name=form.cleaned_data["full_name"],
                preferred_language=form.cleaned_data["preferred_language"],
                notifications=form.notification_preferences(),
            )
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    else:
        initial = {
            "full_name": user.full_name,  # type: ignore[union-attr]
            "preferred_language": user.preferred_language,  # type: ignore[union-attr]
        }
        for topic in NOTIFICATION_TOPICS:
            initial[f"notify_{topic}"] = user.wants_notification(topic)  # type: ignore[union-attr]
        form = ProfileForm(initial=initial)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "roles": [selectors.role_label(r) for r in selectors.user_roles(user)],  # type: ignore[arg-type]
            "tokens": selectors.tokens_of(user),  # type: ignore[arg-type]
            "token_form": ApiTokenForm(),
        },
    )


@require_http_methods(["GET"])
@permission_required("accounts.export_data", fn=_self)
def export_data(request: HttpRequest) -> HttpResponse:
    data = services.personal_data_export(user=request.user)  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="uchast-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@permission_required("accounts.delete_account", fn=_self)
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)  # type: ignore[arg-type]
        logout(request)
        messages.success(request, _("Your account was deleted. Your contributions remain without your name."))
        return redirect("core:home")
    return render(request, "accounts/delete.html", {"form": form})


@require_POST
@permission_required("accounts.manage_tokens", fn=_self)
def create_token(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:profile")
    _token, key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
    return render(request, "accounts/token_created.html", {"key": key}, status=201)


@require_POST
@permission_required("accounts.manage_tokens", fn=_self)
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    if services.api_token_revoke(user=request.user, token_id=token_id):  # type: ignore[arg-type]
        messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")
