"""How one notification goes out on one channel. Each sender raises ``Permanent`` when retrying
cannot help (no address, not linked) and any other exception for a failure worth retrying."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation

from uchast.core.models import Notification

UNSUBSCRIBE_SALT = "uchast.channels.unsubscribe"


class Permanent(Exception):
    """Retrying will not help: record the failure and stop."""


def unsubscribe_url(user: Any) -> str:
    """A signed link that switches the person's e-mail off in one click (RFC 8058), no sign-in."""
    token = signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)
    return settings.UCHAST_BASE_URL.rstrip("/") + reverse("channels:unsubscribe", args=[token])


def user_for_unsubscribe(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return int(data["u"]) if isinstance(data, dict) and str(data.get("u", "")).isdigit() else None


def unsubscribe_headers(user: Any) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def language_of(user: Any) -> str:
    return getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE


class Batch:
    """What the sends of one task share (one SMTP connection for many letters)."""

    @cached_property
    def email_connection(self) -> Any:
        connection = get_connection()
        connection.open()
        return connection

    def close(self) -> None:
        if "email_connection" in self.__dict__:
            self.email_connection.close()


def send_email(batch: Batch, notification: Notification, user: Any) -> None:
    if not user.email:
        raise Permanent("no e-mail address")
    with translation.override(language_of(user)):
        message = EmailMessage(
            subject=f"{settings.EMAIL_SUBJECT_PREFIX}{notification.subject}",
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers=unsubscribe_headers(user),
            connection=batch.email_connection,
        )
        message.send()


SENDERS: dict[str, Callable[[Batch, Notification, Any], None]] = {"email": send_email}


def add_sender(channel: str, fn: Callable[[Batch, Notification, Any], None]) -> None:
    SENDERS[channel] = fn
