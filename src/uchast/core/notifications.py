"""Notifications: stored for the person, e-mailed by a background task in their language.

``notify`` decides who is told (active accounts that want the topic) and renders the message in each
recipient's language; the e-mail itself is sent by the ``send_notification_email`` task so a slow
mail server never slows a request. The exception: a notification with ``email_context`` (a secret
such as a one-time link) is e-mailed by the request's process after commit, because a database task
queue would store the task's arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
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
    template rendered with ``context`` plus ``recipient`` and ``url`` (absolute). The stored
    notification is the person's inbox item; sending on the person's other channels (the
    registered ``notification_dispatcher``, else e-mail) starts after the surrounding transaction
    commits, so a rolled-back change notifies nobody.

    ``email_context`` holds values only the e-mail may carry (e.g. a link with a one-time token).
    They are never stored: the stored body is rendered without them (the template should say where
    the secret is), and the e-mail rendered with them is sent by this process after commit rather
    than by the task, whose arguments a database task queue would keep. Such a notification goes by
    e-mail only. ``url`` is stored: never put a secret in it.
    """
    context = dict(context or {})
    absolute_url = settings.UCHAST_BASE_URL.rstrip("/") + url if url.startswith("/") else url
    created: list[Notification] = []
    private_bodies: dict[int, str] = {}
    for batch in _batches(_wanted(recipients, topic), 500):
        rows: list[Notification] = []
        private: list[str | None] = []
        for user in batch:
            with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
                subject_text = _render_subject(subject, context)
                body = render_to_string(template, {**context, "recipient": user, "url": absolute_url})
                private.append(
                    render_to_string(template, {**context, **email_context, "recipient": user, "url": absolute_url})
                    if email_context
                    else None
                )
            rows.append(Notification(user=user, topic=topic or "", subject=subject_text, body=body, url=url))
        # One INSERT per batch: announcing a new process to ten thousand people stays a few queries.
        Notification.objects.bulk_create(rows)
        for row, private_body in zip(rows, private, strict=True):
            if private_body is not None:
                private_bodies[row.pk] = private_body
        created.extend(rows)
        forget_unread([user.pk for user in batch])
    for notification_id, private_body in private_bodies.items():
        # robust: the change is committed; a mail server failure is logged, not raised at the person.
        transaction.on_commit(_private_delivery(notification_id, private_body), robust=True)
    public_ids = [n.pk for n in created if n.pk not in private_bodies]
    if public_ids:
        transaction.on_commit(partial(_dispatch, public_ids))
    return created


def _wanted(recipients: Iterable[Any], topic: str | None) -> Iterator[Any]:
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active or getattr(user, "anonymised_at", None):
            continue
        seen.add(user.pk)
        if topic is not None and not user.wants_notification(topic):
            continue
        yield user


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _dispatch(notification_ids: list[int]) -> None:
    from uchast.core.registry import registry

    if registry.notification_dispatcher is not None:
        registry.notification_dispatcher(notification_ids)
        return
    for notification_id in notification_ids:
        send_notification_email.enqueue(notification_id)


def announce_process_opened(*, kind: Any, title: str, url: str) -> int:
    """A module opened a process (a consultation, a petition for signatures, a budget cycle): tell
    everyone who asked for "new consultations, petitions and budget cycles". Call inside the
    service's transaction. Returns how many people are told."""
    from django.contrib.auth import get_user_model

    people = (
        get_user_model()
        .objects.filter(is_active=True, anonymised_at__isnull=True, notification_preferences__new_processes=True)
        .order_by("pk")
    )
    return len(
        notify(
            recipients=people.iterator(chunk_size=1000),
            topic="new_processes",
            subject=gettext_noop("New: %(title)s"),
            template="core/email/process_opened.txt",
            context={"title": title, "kind": str(kind)},
            url=url,
        )
    )


def _unread_key(user_id: int) -> str:
    return f"inbox-unread:{user_id}"


def forget_unread(user_ids: list[int]) -> None:
    """The unread count shown in every page's header is cached per person; new or read items drop it."""
    cache.delete_many([_unread_key(pk) for pk in user_ids])


def unread_count(user: Any) -> int:
    """The header's unread count: one COUNT per person until something changes, not one per page."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, 3600)
    return int(count)


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


def followed_ids(user: Any, model: type[models.Model]) -> list[str]:
    """The primary keys (as stored) of the ``model`` objects ``user`` follows."""
    content_type = ContentType.objects.get_for_model(model)
    return list(Subscription.objects.filter(user=user, target_type=content_type).values_list("target_id", flat=True))
