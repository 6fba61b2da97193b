"""Demo: the first demo resident's inbox has unread news, chooses Telegram for answers and a daily
digest; the Telegram and web push channels work once their keys are in the environment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from uchast.channels.models import ChannelSettings, EmailMode
from uchast.core.models import Notification

ITEMS = [
    ("new_processes", "Нове: консультація «Про Програму підтримки внутрішньо переміщених осіб на 2027 рік»",
     "Відкрито нову консультацію. Залиште пропозиції до проєкту рішення до кінця місяця.", "consultations:index", 2),
    ("followed", "Строк спливає завтра: збір підписів під петицією про укриття у школі №2",
     "Петиція, за якою ви стежите, збирає підписи до завтра.", "petitions:index", 20),
    ("answers", "Рада відповіла на вашу пропозицію до консультації",
     "Відповідь опубліковано на сторінці консультації.", "consultations:index", 50),
    ("followed", "Бюджет участі: голосування відкрито",
     "Голосування за проєкти бюджету участі відкрито. Оберіть проєкти, які підтримуєте.", "budget:index", 75),
]  # fmt: skip


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # the module is not installed in this installation
        return ""


def load_demo(context: Any) -> None:
    person = context.residents[0]
    now = timezone.now()
    rows = [
        Notification(user=person, topic=topic, subject=subject, body=body, url=_url(url_name))
        for topic, subject, body, url_name, _ in ITEMS
    ]
    Notification.objects.bulk_create(rows)
    # Spread over the last days, the oldest already read: the inbox shows both.
    for row, (*_rest, hours) in zip(rows, ITEMS, strict=True):
        Notification.objects.filter(pk=row.pk).update(created_at=now - timedelta(hours=hours))
    Notification.objects.filter(Q(pk=rows[-1].pk)).update(read_at=now - timedelta(hours=70))
    ChannelSettings.objects.update_or_create(
        user=person,
        defaults={
            "topic_channels": {"answers": ["email", "telegram"], "followed": ["email"], "new_processes": ["email"]},
            "email_mode": EmailMode.DAILY,
            "last_digest_at": now,
        },
    )
