"""A person's channel choices and the record of every send."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")
    PUSH = "push", _("Browser notifications")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Once a day, in one letter")
    WEEKLY = "weekly", _("Once a week, in one letter")
    OFF = "off", _("Never")


def default_topic_channels() -> dict[str, list[str]]:
    """Until a person chooses, every kind of news goes by e-mail (what the platform did before)."""
    return {"answers": ["email"], "followed": ["email"], "new_processes": ["email"], "announcements": ["email"]}


class ChannelSettings(models.Model):
    """Per person: the channels for each kind of news (the kinds themselves are switched on and
    off in ``User.notification_preferences``) and how e-mail is grouped."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="channel_settings"
    )
    topic_channels = models.JSONField(default=default_topic_channels)
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # The personal calendar URL is derived from this number (calendars.py); resetting adds one.
    calendar_generation = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("channel settings")
        verbose_name_plural = _("channel settings")

    def channels_for(self, topic: str) -> list[str]:
        chosen = self.topic_channels.get(topic or "answers", default_topic_channels().get(topic, ["email"]))
        return [c for c in chosen if c in Channel.values]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    HELD = "held", _("waiting for the digest")
    RETRYING = "retrying", _("will retry")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not sent")


class Delivery(models.Model):
    """One notification on one channel: what happened to it, for staff to see and for retries."""

    notification = models.ForeignKey("core.Notification", on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["user", "channel", "status"], name="delivery_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.notification_id}: {self.status}"


class TelegramLink(models.Model):
    """A person's account linked to a Telegram chat, by a one-time code they sent the bot."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="telegram_link"
    )
    chat_id = models.BigIntegerField(unique=True)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")


class TelegramLinkCode(models.Model):
    """A one-time code shown on the profile; only its SHA-256 is kept. One live code per person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()


class TelegramUpdate(models.Model):
    """Update ids already handled: Telegram may deliver an update twice (webhook retries, polling)."""

    update_id = models.BigIntegerField(primary_key=True)
    received_at = models.DateTimeField(auto_now_add=True)


class PushSubscription(models.Model):
    """A browser's push subscription (what ``PushManager.subscribe`` returned), one per device."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)


class DeadlineReminder(models.Model):
    """A deadline whose followers were reminded (once per calendar event uid and deadline)."""

    uid = models.CharField(max_length=100)
    deadline = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["uid", "deadline"], name="one_reminder_per_deadline")]


class Announcement(models.Model):
    """What staff announced, to whom and how many were told (the audit log has it too)."""

    community = models.ForeignKey("core.Community", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    district_code = models.CharField(_("district"), max_length=40, blank=True)
    basis = models.CharField(_("basis"), max_length=20, blank=True)
    recipients = models.PositiveIntegerField(_("people told"), default=0)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
