"""Web push: browsers subscribe from the channels page; the sender encrypts each message for the
subscription (RFC 8291, aes128gcm) and signs it with the site's VAPID key (RFC 8292)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from uchast.channels.models import PushSubscription
from uchast.channels.senders import Batch, Permanent
from uchast.core.errors import ActionRefused
from uchast.core.models import Notification


def enabled() -> bool:
    return bool(settings.WEBPUSH_VAPID_PRIVATE_KEY and settings.WEBPUSH_VAPID_PUBLIC_KEY)


def _b64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def push_subscribe(*, user: Any, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keep a browser's subscription. The endpoint must be the push service's https URL (the
    server posts to it: no other scheme, no other shape); the keys must be a P-256 point and a
    16-byte secret, as browsers make them."""
    parts = urlsplit(endpoint or "")
    allowed = ("https", "http") if settings.WEBPUSH_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname or len(endpoint) > 1000:
        raise ActionRefused("bad_endpoint", _("This browser's push address cannot be used."))
    try:
        key, secret = _b64(p256dh or ""), _b64(auth or "")
    except (binascii.Error, ValueError):
        key, secret = b"", b""
    if len(key) != 65 or key[0] != 4 or len(secret) != 16:
        raise ActionRefused("bad_keys", _("This browser's push keys cannot be used."))
    with transaction.atomic():
        row, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
        )
    return row


def push_unsubscribe(*, user: Any, endpoint: str | None = None) -> int:
    rows = PushSubscription.objects.filter(user=user)
    if endpoint:
        rows = rows.filter(endpoint=endpoint)
    deleted, _ = rows.delete()
    return deleted


def payload(notification: Notification) -> str:
    url = notification.url
    if url.startswith("/"):
        url = settings.UCHAST_BASE_URL.rstrip("/") + url
    return json.dumps({"title": notification.subject, "url": url or "/inbox/"}, ensure_ascii=False)


def send_notification(batch: Batch, notification: Notification, user: Any) -> None:
    """The push channel's sender: every browser the person subscribed. A subscription the push
    service says is gone (404, 410) is forgotten; any other failure is retried."""
    if not enabled():
        raise Permanent("web push not configured")
    subscriptions = list(PushSubscription.objects.filter(user=user))
    if not subscriptions:
        raise Permanent("no browser subscribed")
    delivered = 0
    for row in subscriptions:
        try:
            webpush(
                {"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}},
                data=payload(notification),
                vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.WEBPUSH_CONTACT},
                ttl=86400,
                timeout=10,
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                row.delete()
                continue
            raise
        delivered += 1
    if not delivered:
        raise Permanent("every browser unsubscribed")
