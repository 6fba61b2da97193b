"""The inbox, the channel choices, the one-click unsubscribe and the staff's record of sends."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from uchast.channels import calendars, dispatch, push, services
from uchast.channels.forms import ChannelsForm
from uchast.channels.models import PushSubscription
from uchast.channels.senders import user_for_unsubscribe
from uchast.core.models import Notification
from uchast.core.navigation import safe_next
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.web import UchastRequest, form_action, post_action

#: Items per page of the inbox.
INBOX_PAGE = 30


@require_http_methods(["GET"])
@permission_required("channels.view_inbox")
def inbox(request: UchastRequest) -> HttpResponse:
    # A keyset page, the newest first: years of notifications cost what a week's do (no count, no
    # offset).
    items = Notification.objects.filter(user=request.user).only("pk", "subject", "url", "created_at", "read_at")
    page = keyset_page(items, request, order=("-created_at", "-pk"), size=INBOX_PAGE)
    return render(request, "channels/inbox.html", {"page": page})


@require_http_methods(["GET", "POST"])
@permission_required("channels.view_inbox")
def inbox_open(request: UchastRequest, pk: int) -> HttpResponse:
    """An item: GET shows it in full; POST marks it read and follows its link (no JavaScript)."""
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    if request.method == "POST":
        services.notification_mark_read(user=request.user, notification_id=item.pk)
        return HttpResponseRedirect(safe_next(request, item.url) if item.url else request.path)
    return render(request, "channels/item.html", {"item": item})


@require_POST
@permission_required("channels.view_inbox", raise_exception=True)
def mark_all_read(request: UchastRequest) -> HttpResponse:
    return post_action(
        request,
        lambda: services.notification_mark_read(user=request.user),
        success=_("Everything in your inbox is marked as read."),
        to="channels:inbox",
    )


@require_http_methods(["GET", "POST"])
@permission_required("channels.change_channels")
def channels(request: UchastRequest) -> HttpResponse:
    row = services.settings_of(request.user)
    form = ChannelsForm(request.POST or None, initial=ChannelsForm.initial_for(row))
    return form_action(
        request,
        form,
        lambda: services.channel_settings_update(
            user=request.user, topic_channels=form.topic_channels(), email_mode=form.cleaned_data["email_mode"]
        ),
        template="channels/settings.html",
        context={
            "push_enabled": push.enabled(),
            "vapid_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
            "push_devices": PushSubscription.objects.filter(user=request.user).count(),
            "calendar_url": calendars.personal_url(request.user),
        },
        success=_("Your channels are saved."),
        to="channels:settings",
    )


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no session and no token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: UchastRequest, token: str) -> HttpResponse:
    """GET asks (link scanners must not unsubscribe anyone); POST switches e-mail off. The signed
    token is the only credential, as the RFC wants; a bad one changes nothing."""
    user_id = user_for_unsubscribe(token)
    if user_id is None:
        return render(request, "channels/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        done = services.email_unsubscribe(user_id=user_id)
        return render(request, "channels/unsubscribe.html", {"done": done}, status=200 if done else 404)
    return render(request, "channels/unsubscribe.html", {})


@require_http_methods(["GET"])
@permission_required("channels.view_deliveries")
def deliveries(request: UchastRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=7)
    # An outage fails a broadcast's thousands of sends: a page of them, the newest first.
    rows = keyset_page(dispatch.failing(since), request, order=("-created_at", "-pk"))
    return render(request, "channels/deliveries.html", {"rows": rows, "counts": dispatch.counts(since)})
