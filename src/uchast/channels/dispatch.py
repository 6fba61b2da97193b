"""From stored notifications to deliveries on each person's channels, sent by tasks with retries.

``dispatch`` runs after the notifying transaction commits: it writes one ``Delivery`` per chosen
channel (e-mail in a digest is *held* for ``digests``) and enqueues one task per channel, so a slow
or failing channel never holds back the others or the request. A failed send is retried with
exponential backoff (``retry_due``, periodic) and then recorded as failed with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from uchast.channels.models import Channel, ChannelSettings, Delivery, DeliveryStatus, EmailMode
from uchast.channels.senders import SENDERS, Batch, Permanent
from uchast.core.models import Notification

MAX_ATTEMPTS = 5
CHUNK = 1000


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 minutes... (capped at an hour) after the n-th failed attempt."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def _chunks(items: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan(settings_row: ChannelSettings, topic: str) -> list[tuple[str, str]]:
    """(channel, first status) for one notification of ``topic`` ("" = a message the person must
    get, e.g. about their own petition: always e-mailed at once, and on their answer channels)."""
    channels = settings_row.channels_for(topic or "answers")
    if not topic and Channel.EMAIL not in channels:
        channels = [Channel.EMAIL, *channels]
    planned = []
    for channel in channels:
        status = DeliveryStatus.PENDING
        if channel == Channel.EMAIL and topic:
            if settings_row.email_mode == EmailMode.OFF:
                continue
            if settings_row.email_mode in (EmailMode.DAILY, EmailMode.WEEKLY):
                status = DeliveryStatus.HELD
        planned.append((str(channel), str(status)))
    return planned


def dispatch(notification_ids: list[int]) -> None:
    """The core notification dispatcher (registered in ``apps.py``)."""
    from uchast.channels import tasks

    for chunk in _chunks(notification_ids):
        rows = list(Notification.objects.filter(pk__in=chunk).values_list("pk", "user_id", "topic"))
        user_ids = {user_id for _, user_id, _ in rows}
        chosen = {row.user_id: row for row in ChannelSettings.objects.filter(user_id__in=user_ids)}
        deliveries = []
        for pk, user_id, topic in rows:
            settings_row = chosen.get(user_id) or ChannelSettings(user_id=user_id)
            for channel, status in plan(settings_row, topic):
                deliveries.append(Delivery(notification_id=pk, user_id=user_id, channel=channel, status=status))
        Delivery.objects.bulk_create(deliveries, batch_size=CHUNK, ignore_conflicts=True)
        for channel in sorted({d.channel for d in deliveries if d.status == DeliveryStatus.PENDING}):
            tasks.deliver_task.enqueue(channel, chunk)


def deliver(channel: str, notification_ids: list[int]) -> int:
    """Send the pending deliveries of these notifications on ``channel``; returns how many went."""
    pending = Delivery.objects.filter(
        notification_id__in=notification_ids, channel=channel, status=DeliveryStatus.PENDING
    ).select_related("notification", "user")
    return _attempt_all(pending.iterator(chunk_size=CHUNK))


def retry_due(now: datetime | None = None) -> int:
    """Send again every delivery whose backoff has passed."""
    now = now or timezone.now()
    due = Delivery.objects.filter(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now).select_related(
        "notification", "user"
    )
    return _attempt_all(due.order_by("pk").iterator(chunk_size=CHUNK), now=now)


def _attempt_all(deliveries: Iterator[Delivery], now: datetime | None = None) -> int:
    """Try each; successes are written in bulk (one UPDATE per ``CHUNK``, not one per letter)."""
    now = now or timezone.now()
    batch = Batch()
    delivered: list[Delivery] = []
    sent = 0
    try:
        for delivery in deliveries:
            if attempt(batch, delivery, now=now):
                delivered.append(delivery)
            if len(delivered) >= CHUNK:
                sent += _mark_delivered(delivered, now)
                delivered = []
    finally:
        sent += _mark_delivered(delivered, now)
        batch.close()
    return sent


def _mark_delivered(deliveries: list[Delivery], now: datetime) -> int:
    for attempts in {d.attempts for d in deliveries}:
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries if d.attempts == attempts]).update(
            status=DeliveryStatus.DELIVERED, attempts=attempts + 1, error="", delivered_at=now, next_attempt_at=None
        )
    emailed = [d.notification_id for d in deliveries if d.channel == Channel.EMAIL]
    if emailed:
        Notification.objects.filter(pk__in=emailed, emailed_at__isnull=True).update(emailed_at=now)
    return len(deliveries)


def attempt(batch: Batch, delivery: Delivery, *, now: datetime | None = None) -> bool:
    """One try. A failure is written to the delivery at once; a success is returned for the
    caller to write (``_mark_delivered``)."""
    now = now or timezone.now()
    user = delivery.user
    try:
        if not user.is_active or user.anonymised_at:
            raise Permanent("account closed")
        SENDERS[delivery.channel](batch, delivery.notification, user)
    except Permanent as refusal:
        _record(delivery, DeliveryStatus.FAILED, delivery.attempts + 1, str(refusal), None)
        return False
    except Exception as error:  # noqa: BLE001 - any failure of a channel is recorded and retried
        attempts = delivery.attempts + 1
        reason = f"{type(error).__name__}: {error}"
        if attempts >= MAX_ATTEMPTS:
            _record(delivery, DeliveryStatus.FAILED, attempts, reason, None)
        else:
            _record(delivery, DeliveryStatus.RETRYING, attempts, reason, now + backoff(attempts))
        return False
    return True


def _record(delivery: Delivery, status: str, attempts: int, reason: str, next_at: datetime | None) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, attempts=attempts, error=reason[:300], next_attempt_at=next_at
    )


def failing(since: datetime) -> Any:
    """For staff: deliveries that failed or are being retried since ``since``."""
    return Delivery.objects.filter(
        Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.RETRYING), created_at__gte=since
    )


def personal_data(user: Any) -> dict[str, Any]:
    row = ChannelSettings.objects.filter(user=user).first()
    return {
        "topic_channels": row.topic_channels if row else None,
        "email_mode": row.email_mode if row else EmailMode.IMMEDIATE,
    }


def counts(since: datetime) -> list[dict[str, Any]]:
    """For staff: sends per channel and outcome since ``since``."""
    from django.db.models import Count

    rows = (
        Delivery.objects.filter(created_at__gte=since)
        .values("channel", "status")
        .annotate(n=Count("pk"))
        .order_by("channel", "status")
    )
    return [dict(row) for row in rows]
