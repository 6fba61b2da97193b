"""What a person changes: their channel choices, reading their inbox, unsubscribing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.channels.models import Channel, ChannelSettings, Delivery, DeliveryStatus, EmailMode
from uchast.core.errors import ActionRefused
from uchast.core.models import Notification
from uchast.core.notifications import forget_unread


def settings_of(user: Any) -> ChannelSettings:
    row = ChannelSettings.objects.filter(user=user).first()
    return row or ChannelSettings(user=user)


def channel_settings_update(*, user: Any, topic_channels: Mapping[str, list[str]], email_mode: str) -> ChannelSettings:
    """Save the channels per kind of news and how e-mail is grouped. Moving from a digest to
    "at once" or "never" settles the held items: sent at once, or not at all."""
    if email_mode not in EmailMode.values:
        raise ActionRefused("bad_email_mode", _("Choose how often to receive e-mail."))
    clean = {topic: sorted({c for c in chosen if c in Channel.values}) for topic, chosen in topic_channels.items()}
    with transaction.atomic():
        row, _created = ChannelSettings.objects.select_for_update().get_or_create(user=user)
        previous = row.email_mode
        row.topic_channels = clean
        row.email_mode = email_mode
        if email_mode in (EmailMode.DAILY, EmailMode.WEEKLY) and previous != email_mode:
            # The first letter comes one period after the choice, not at the next scheduler run.
            row.last_digest_at = timezone.now()
        row.save()
        if email_mode in (EmailMode.IMMEDIATE, EmailMode.OFF):
            _settle_held(user, send=email_mode == EmailMode.IMMEDIATE)
    return row


def _settle_held(user: Any, *, send: bool) -> None:
    held = Delivery.objects.filter(user=user, channel=Channel.EMAIL, status=DeliveryStatus.HELD)
    if not send:
        held.update(status=DeliveryStatus.SKIPPED, error="e-mail switched off")
        return
    ids = list(held.values_list("notification_id", flat=True))
    held.update(status=DeliveryStatus.PENDING)
    if ids:
        from uchast.channels.tasks import deliver_task

        transaction.on_commit(lambda: deliver_task.enqueue(str(Channel.EMAIL), ids))


def email_unsubscribe(*, user_id: int) -> bool:
    """The one-click unsubscribe of a letter: e-mail off for everything. False if nobody to change."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    with transaction.atomic():
        row, _created = ChannelSettings.objects.select_for_update().get_or_create(user=user)
        row.email_mode = EmailMode.OFF
        row.save(update_fields=["email_mode"])
        _settle_held(user, send=False)
    return True


def notification_mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one inbox item (or all, when ``notification_id`` is None) as read; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
        if not Notification.objects.filter(user=user, pk=notification_id).exists():
            raise ActionRefused("not_found", _("There is no such item in your inbox."))
    changed = unread.update(read_at=timezone.now())
    forget_unread([user.pk])
    return changed


def anonymise_user(user: Any) -> None:
    """Account deletion: forget where we could reach the person (Telegram chat, browsers) and
    their choices; the inbox goes with the account (core)."""
    from uchast.channels.models import PushSubscription, TelegramLink, TelegramLinkCode

    TelegramLink.objects.filter(user=user).delete()
    TelegramLinkCode.objects.filter(user=user).delete()
    PushSubscription.objects.filter(user=user).delete()
    ChannelSettings.objects.filter(user=user).delete()
