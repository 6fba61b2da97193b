"""The person's own account: profile, data download, deletion, API tokens."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from uchast.accounts import selectors, services
from uchast.accounts.decorators import reauthentication_required, recent_second_factor
from uchast.accounts.forms import ApiTokenForm, ConfirmationHelpForm, DeleteAccountForm, ProfileForm
from uchast.accounts.models import NOTIFICATION_TOPICS
from uchast.core.errors import ActionRefused
from uchast.core.navigation import safe_next
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action


def _self(request: UchastRequest, *args: object, **kwargs: object) -> object:
    return request.user


@require_http_methods(["GET", "POST"])
@permission_required("accounts.change_profile", fn=_self)
def profile(request: UchastRequest) -> HttpResponse:
    user = request.user
    initial = {"full_name": user.full_name, "preferred_language": user.preferred_language}
    initial.update({f"notify_{topic}": user.wants_notification(topic) for topic in NOTIFICATION_TOPICS})
    form = ProfileForm(request.POST or None, initial=initial)
    return form_action(
        request,
        form,
        lambda: services.profile_update(
            user=user,
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
            notifications=form.notification_preferences(),
        ),
        template="accounts/profile.html",
        context={
            "roles": [selectors.role_label(r) for r in selectors.user_roles(user)],
            "tokens": selectors.tokens_of(user),
            "token_form": ApiTokenForm(),
        },
        success=_("Your profile is saved."),
        to="accounts:profile",
    )


@require_http_methods(["GET"])
@permission_required("accounts.export_data", fn=_self)
def export_data(request: UchastRequest) -> HttpResponse:
    data = services.personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="uchast-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@permission_required("accounts.delete_account", fn=_self)
@reauthentication_required
def delete_account(request: UchastRequest) -> HttpResponse:
    def delete_and_sign_out() -> None:
        services.account_delete(user=request.user)
        logout(request)

    return form_action(
        request,
        DeleteAccountForm(request.POST or None),
        delete_and_sign_out,
        template="accounts/delete.html",
        success=_("Your account was deleted. Your contributions remain without your name."),
        to="core:home",
    )


@require_POST
@permission_required("accounts.manage_tokens", fn=_self)
def create_token(request: UchastRequest) -> HttpResponse:
    """Not ``form_action``: the new key is shown on a page of its own, once (it is never stored)."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:profile")
    scopes = tuple(form.cleaned_data["scopes"] or ["read", "participate"])
    if "staff" in scopes and not recent_second_factor(request):
        # allauth asks for the second factor and brings the person back to the profile to create it.
        messages.info(request, _("Confirm your second factor, then create the staff token again."))
        return redirect(reverse("mfa_reauthenticate") + "?next=" + reverse("accounts:profile"))
    try:
        token, key = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scopes=scopes,
            second_factor_recent=recent_second_factor(request),
        )
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("accounts:profile")
    return render(request, "accounts/token_created.html", {"key": key, "token": token}, status=201)


@require_POST
@permission_required("accounts.manage_tokens", fn=_self)
def revoke_token(request: UchastRequest, token_id: int) -> HttpResponse:
    return post_action(
        request,
        lambda: services.api_token_revoke(user=request.user, token_id=token_id),
        success=_("The token was revoked."),
        to="accounts:profile",
    )


@require_http_methods(["GET", "POST"])
@public_view
def confirmation_help(request: UchastRequest) -> HttpResponse:
    """The confirmation e-mail did not arrive: send it again, or to a corrected address. The link in
    it keeps ``next``, so the person ends where they started (a petition, a ballot)."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    form = ConfirmationHelpForm(request.POST or None, initial={"next": next_url})
    back = reverse("accounts:confirmation_help") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return form_action(
        request,
        form,
        lambda: services.unconfirmed_email_resend(
            request=request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            new_email=form.cleaned_data["new_email"],
        ),
        template="accounts/confirmation_help.html",
        to=back,
    )
