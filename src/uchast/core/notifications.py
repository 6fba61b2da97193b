"""Notifications: stored for the person, e-mailed by a background task in their language.

``notify`` decides who is told (active accounts that want the topic) and renders the message in each
recipient's language; the e-mail itself is sent by the ``send_notification_email`` task so a slow
mail server never slows a request. The exception: a notification with ``email_context`` (a secret
such as a one-time link) is e-mailed by the request's process after commit, because a database task
queue would store the task's arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from uchast.core.models import Notification, Subscription


def _render_subject(subject: Any, context: dict[str, Any]) -> str:
    text = gettext(subject) if isinstance(subject, str) else str(subject)
    try:
        text = text % context if "%(" in text else text
    except (KeyError, TypeError, ValueError):
        pass
    return " ".join(text.split())[:300]


def notify(
    *,
    recipients: Iterable[Any],
    topic: str | None,
    subject: Any,
    template: str,
    context: dict[str, Any] | None = None,
    url: str = "",
    email_context: dict[str, Any] | None = None,
) -> list[Notification]:
    """Tell each recipient; returns the stored notifications.

    ``topic`` is one of ``accounts.models.NOTIFICATION_TOPICS`` (the person may have switched it off)
    or None for messages a person must get (e.g. their own petition was refused). ``subject`` is a
    msgid (``gettext_noop``) or lazy string, formatted with ``context``; ``template`` is a plain-text
    template rendered with ``context`` plus ``recipient`` and ``url`` (absolute). Sending is enqueued
    after the surrounding transaction commits, so a rolled-back change notifies nobody.

    ``email_context`` holds values only the e-mail may carry (e.g. a link with a one-time token).
    They are never stored: the stored body is rendered without them (the template should say where
    the secret is), and the e-mail rendered with them is sent by this process after commit rather
    than by the task, whose arguments a database task queue would keep. ``url`` is stored: never put
    a secret in it.
    """
    context = dict(context or {})
    absolute_url = settings.UCHAST_BASE_URL.rstrip("/") + url if url.startswith("/") else url
    created: list[Notification] = []
    private_bodies: dict[int, str] = {}
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active or getattr(user, "anonymised_at", None):
            continue
        seen.add(user.pk)
        if topic is not None and not user.wants_notification(topic):
            continue
        with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
            subject_text = _render_subject(subject, context)
            body = render_to_string(template, {**context, "recipient": user, "url": absolute_url})
            private_body = (
                render_to_string(template, {**context, **email_context, "recipient": user, "url": absolute_url})
                if email_context
                else None
            )
        notification = Notification.objects.create(
            user=user, topic=topic or "", subject=subject_text, body=body, url=url
        )
        created.append(notification)
        if private_body is not None:
            private_bodies[notification.pk] = private_body
    for notification in created:
        if notification.pk in private_bodies:
            # robust: the change is committed; a mail server failure is logged, not raised at the person.
            transaction.on_commit(_private_delivery(notification.pk, private_bodies[notification.pk]), robust=True)
        else:
            transaction.on_commit(partial(send_notification_email.enqueue, notification.pk))
    return created


def _private_delivery(notification_id: int, body: str) -> Callable[[], None]:
    # A named function, not functools.partial: Django logs a robust callback's __qualname__.
    def deliver_private_email() -> None:
        _deliver(notification_id, body)

    return deliver_private_email


def _deliver(notification_id: int, body: str | None = None) -> None:
    """E-mail one stored notification (once); ``body`` replaces the stored body when given."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.user.is_active:
        return
    send_mail(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{notification.subject}",
        message=notification.body if body is None else body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.user.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


@task()
def send_notification_email(notification_id: int) -> None:
    _deliver(notification_id)


def follow(user: Any, target: models.Model) -> bool:
    """Start following; False if already following."""
    content_type = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            Subscription.objects.create(user=user, target_type=content_type, target_id=str(target.pk))
    except IntegrityError:
        return False
    return True


def unfollow(user: Any, target: models.Model) -> bool:
    content_type = ContentType.objects.get_for_model(target)
    deleted, _ = Subscription.objects.filter(user=user, target_type=content_type, target_id=str(target.pk)).delete()
    return deleted > 0


def is_following(user: Any, target: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    content_type = ContentType.objects.get_for_model(target)
    return Subscription.objects.filter(user=user, target_type=content_type, target_id=str(target.pk)).exists()


def followers(target: models.Model) -> models.QuerySet[Any]:
    from django.contrib.auth import get_user_model

    content_type = ContentType.objects.get_for_model(target)
    user_ids = Subscription.objects.filter(target_type=content_type, target_id=str(target.pk)).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True)
