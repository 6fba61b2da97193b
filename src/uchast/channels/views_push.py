"""Web push: the subscription endpoint the opt-in script posts to, and the service worker."""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from uchast.channels import push
from uchast.core.errors import ActionRefused
from uchast.core.permissions import permission_required
from uchast.core.web import UchastRequest, post_action


@require_POST
@permission_required("channels.change_channels", raise_exception=True)
def subscribe(request: UchastRequest) -> HttpResponse:
    """JSON ``PushSubscription.toJSON()`` from ``push.js`` (CSRF token in the header)."""
    try:
        data = json.loads(request.body)
        keys = data.get("keys") or {}
        push.push_subscribe(
            user=request.user, endpoint=str(data.get("endpoint", "")), p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
        )  # fmt: skip
    except ActionRefused as refusal:
        return JsonResponse({"error": {"code": refusal.code, "message": refusal.message}}, status=400)
    except (ValueError, AttributeError, UnicodeDecodeError):
        return JsonResponse({"error": {"code": "bad_json", "message": _("The request is not valid.")}}, status=400)
    return JsonResponse({"ok": True}, status=201)


@require_POST
@permission_required("channels.change_channels", raise_exception=True)
def unsubscribe_all(request: UchastRequest) -> HttpResponse:
    return post_action(
        request,
        lambda: push.push_unsubscribe(user=request.user),
        success=_("Browser notifications are switched off on every device."),
        to="channels:settings",
    )


@require_safe
def service_worker(request: UchastRequest) -> HttpResponse:
    """Served at the site's root so its scope covers every page."""
    response = render(request, "channels/push-sw.js", content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
