"""The bot's webhook and the profile's Telegram linking."""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from uchast.channels import telegram
from uchast.channels.models import TelegramLink
from uchast.core.permissions import permission_required
from uchast.core.web import UchastRequest, post_action

logger = logging.getLogger(__name__)


@csrf_exempt  # Telegram authenticates with its secret token header, not a session
@require_POST
def webhook(request: UchastRequest) -> HttpResponse:
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not telegram.enabled() or not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"ok": False}, status=403)
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"ok": False}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"ok": False}, status=400)
    try:
        telegram.handle_update(data)
    except Exception:  # noqa: BLE001 - Telegram unreachable: nothing was kept; Telegram sends the update again
        logger.warning("Telegram update %s not answered; Telegram will retry", data.get("update_id"), exc_info=True)
        return JsonResponse({"ok": False}, status=503)
    return JsonResponse({"ok": True})


@require_http_methods(["GET", "POST"])
@permission_required("channels.change_channels")
def link(request: UchastRequest) -> HttpResponse:
    """GET: whether this account is linked; POST: a new one-time code, shown on this page once."""
    code = telegram.link_code_create(user=request.user) if request.method == "POST" else ""
    context = {
        "enabled": telegram.enabled(),
        "linked": TelegramLink.objects.filter(user=request.user).exists(),
        "code": code,
        "bot_username": settings.TELEGRAM_BOT_USERNAME,
    }
    response = render(request, "channels/telegram.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required("channels.change_channels", raise_exception=True)
def unlink(request: UchastRequest) -> HttpResponse:
    return post_action(
        request,
        lambda: telegram.telegram_unlink(user=request.user),
        success=_("Telegram is unlinked."),
        to="channels:telegram",
    )
