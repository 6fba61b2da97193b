"""A day before a deadline its followers are reminded, once, on their channels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from uchast.channels.models import ChannelSettings, TelegramLink
from uchast.channels.reminders import send_deadline_reminders
from uchast.consultations import services as consultation_services
from uchast.consultations.drafts import sections_from_markdown
from uchast.core.models import Notification
from uchast.core.notifications import follow
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _closing_consultation(community, official, hours):
    now = timezone.now()
    c = consultation_services.consultation_create(
        actor=official, community=community, title="Про сквер", summary="Коротко.", starts_at=now - timedelta(days=5),
        ends_at=now + timedelta(hours=hours), responsible_name="Андрій", responsible_contacts="rada@example.org",
    )  # fmt: skip
    consultation_services.draft_version_publish(
        actor=official, consultation=c, sections=sections_from_markdown("# Проєкт\n\n## Суть\nТекст.\n")
    )
    for _ in range(2):
        c = consultation_services.consultation_advance(actor=official, consultation=c)
    return c


def test_followers_are_reminded_once_in_inbox_and_bot(
    community, official, resident, bot_api, django_capture_on_commit_callbacks
):
    consultation = _closing_consultation(community, official, hours=30)
    follow(resident, consultation)
    stranger = make_user()
    TelegramLink.objects.create(user=resident, chat_id=555)
    ChannelSettings.objects.create(user=resident, topic_channels={"followed": ["telegram"]})

    assert send_deadline_reminders() == 0  # 30 hours ahead: not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders(now=timezone.now() + timedelta(hours=8)) == 1
    (item,) = Notification.objects.filter(user=resident, topic="followed")
    assert "Про сквер" in item.subject and item.url == consultation.get_absolute_url()
    assert "Про сквер" in bot_api.wait_for_message(555)[0]
    assert not Notification.objects.filter(user=stranger).exists()
    assert send_deadline_reminders(now=timezone.now() + timedelta(hours=9)) == 0  # once
    assert Notification.objects.filter(user=resident, topic="followed").count() == 1


def test_no_reminder_for_who_switched_followed_news_off(community, official, resident):
    consultation = _closing_consultation(community, official, hours=10)
    resident.notification_preferences = {"followed": False}
    resident.save()
    follow(resident, consultation)
    assert send_deadline_reminders() == 1
    assert not Notification.objects.filter(user=resident).exists()
