"""Daily and weekly letters that group what a person was told since their last one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from uchast.channels.models import ChannelSettings, Delivery, DeliveryStatus, EmailMode
from uchast.channels.senders import Batch, language_of, unsubscribe_headers, unsubscribe_url

PERIODS = {EmailMode.DAILY: timedelta(days=1), EmailMode.WEEKLY: timedelta(days=7)}


def _due(now: datetime) -> Any:
    due = Q()
    for mode, period in PERIODS.items():
        due |= Q(email_mode=mode) & (Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - period))
    held = Delivery.objects.filter(status=DeliveryStatus.HELD).values("user_id")
    return ChannelSettings.objects.filter(due, user_id__in=held).select_related("user").order_by("user_id")


def send_digests(now: datetime | None = None) -> int:
    """Send every digest that is due at ``now``; returns how many letters went."""
    now = now or timezone.now()
    batch = Batch()
    sent = 0
    try:
        for settings_row in _due(now):
            sent += send_digest(batch, settings_row, now=now)
    finally:
        batch.close()
    return sent


def send_digest(batch: Batch, settings_row: ChannelSettings, *, now: datetime) -> bool:
    user = settings_row.user
    held = list(
        Delivery.objects.filter(user=user, channel="email", status=DeliveryStatus.HELD, created_at__lte=now)
        .select_related("notification")
        .order_by("created_at", "pk")
    )
    if not held:
        return False
    if not user.is_active or user.anonymised_at or not user.email:
        Delivery.objects.filter(pk__in=[d.pk for d in held]).update(
            status=DeliveryStatus.FAILED, error="account closed"
        )
        return False
    with translation.override(language_of(user)):
        subject = ngettext("%(count)d new item for you", "%(count)d new items for you", len(held)) % {
            "count": len(held)
        }
        body = render_to_string(
            "channels/email/digest.txt",
            {
                "recipient": user,
                "items": [d.notification for d in held],
                "base_url": settings.UCHAST_BASE_URL.rstrip("/"),
                "weekly": settings_row.email_mode == EmailMode.WEEKLY,
                "unsubscribe_url": unsubscribe_url(user),
            },
        )
    message = EmailMessage(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=unsubscribe_headers(user),
        connection=batch.email_connection,
    )
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - the items stay held and go in the next run's letter
        Delivery.objects.filter(pk__in=[d.pk for d in held]).update(
            attempts=1, error=f"{type(error).__name__}: {error}"[:300]
        )
        return False
    with transaction.atomic():
        Delivery.objects.filter(pk__in=[d.pk for d in held]).update(
            status=DeliveryStatus.DELIVERED, delivered_at=now, error=""
        )
        ChannelSettings.objects.filter(pk=settings_row.pk).update(last_digest_at=now)
    return True
