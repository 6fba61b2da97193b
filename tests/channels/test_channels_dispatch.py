"""The pipeline: preferences, one delivery per chosen channel, retries, digests, unsubscribe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from uchast.channels import digests, dispatch, services
from uchast.channels.models import ChannelSettings, Delivery, DeliveryStatus, EmailMode
from uchast.channels.senders import unsubscribe_url
from uchast.core import notifications
from uchast.core.models import Notification
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _announce(capture, title="Сквер на Шкільній"):
    with capture(execute=True):
        return notifications.announce_process_opened(kind="Consultation", title=title, url="/consultations/1/")


def test_opted_out_person_gets_nothing_on_any_channel(smtp_server, django_capture_on_commit_callbacks):
    wants = make_user(email="wants@example.org", notification_preferences={"new_processes": True})
    refuses = make_user(email="refuses@example.org", notification_preferences={"new_processes": False})
    ChannelSettings.objects.create(user=refuses, topic_channels={"new_processes": ["email", "telegram", "push"]})

    assert _announce(django_capture_on_commit_callbacks) == 1

    assert not Notification.objects.filter(user=refuses).exists()
    assert not Delivery.objects.filter(user=refuses).exists()
    assert [m["To"] for m in smtp_server.wait_for("wants@example.org")] == ["wants@example.org"]
    assert Delivery.objects.get(user=wants).status == DeliveryStatus.DELIVERED
    assert all("refuses" not in m["To"] for m in smtp_server.messages)


def test_email_carries_one_click_unsubscribe_that_works(client, smtp_server, django_capture_on_commit_callbacks):
    person = make_user(email="p@example.org", notification_preferences={"new_processes": True})
    _announce(django_capture_on_commit_callbacks)
    (message,) = smtp_server.wait_for("p@example.org")
    link = "".join(str(message["List-Unsubscribe"]).split()).strip("<>")
    assert link == unsubscribe_url(person)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.split("://", 1)[1].split("/", 1)[1]

    assert client.get("/" + path).status_code == 200  # a link scanner's GET changes nothing
    assert services.settings_of(person).email_mode == EmailMode.IMMEDIATE
    response = client.post(
        "/" + path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert services.settings_of(person).email_mode == EmailMode.OFF
    assert client.post("/" + path[:-3] + "xyz/").status_code == 404  # a forged token changes nothing

    smtp_server.clear()
    _announce(django_capture_on_commit_callbacks, title="Друга")
    assert Notification.objects.filter(user=person).count() == 2  # the inbox still gets it
    assert not Delivery.objects.filter(user=person, notification__subject__contains="Друга").exists()
    assert smtp_server.messages == []


def test_mail_outage_is_retried_with_backoff_and_nothing_is_lost(settings, django_capture_on_commit_callbacks):
    from uchast.testing.smtp import SMTPCatcher

    make_user(email="p@example.org", notification_preferences={"new_processes": True})
    with SMTPCatcher() as down:
        port = down.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    start = timezone.now()
    _announce(django_capture_on_commit_callbacks)  # the request itself does not fail

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.attempts == 1 and "Connection" in delivery.error
    assert dispatch.retry_due(now=start) == 0  # not before its backoff
    assert Delivery.objects.get().attempts == 1

    catcher = SMTPCatcher()
    catcher.port = port
    from aiosmtpd.controller import Controller

    catcher.controller = Controller(catcher.collector, hostname="127.0.0.1", port=port)
    with catcher:
        assert dispatch.retry_due(now=timezone.now() + dispatch.backoff(1)) == 1
        assert len(catcher.wait_for("p@example.org")) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.DELIVERED, 2, "")


def test_persistent_failure_ends_failed_with_the_reason(settings, django_capture_on_commit_callbacks):
    make_user(email="p@example.org", notification_preferences={"new_processes": True})
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    _announce(django_capture_on_commit_callbacks)
    moment = timezone.now()
    for attempt in range(1, dispatch.MAX_ATTEMPTS):
        moment += dispatch.backoff(attempt)
        dispatch.retry_due(now=moment)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == dispatch.MAX_ATTEMPTS and delivery.error


def test_daily_digest_over_several_days(smtp_server, django_capture_on_commit_callbacks):
    person = make_user(email="d@example.org", preferred_language="en", notification_preferences={"new_processes": True})
    services.channel_settings_update(user=person, topic_channels={"new_processes": ["email"]}, email_mode="daily")
    chosen_at = ChannelSettings.objects.get(user=person).last_digest_at
    _announce(django_capture_on_commit_callbacks, title="Перше")
    _announce(django_capture_on_commit_callbacks, title="Друге")
    assert smtp_server.messages == []  # held for the digest
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.HELD}

    day1 = chosen_at + timedelta(hours=20)
    assert digests.send_digests(now=day1) == 0  # not a day yet
    day2 = chosen_at + timedelta(days=1, minutes=5)
    assert digests.send_digests(now=day2) == 1
    (letter,) = smtp_server.wait_for("d@example.org")
    assert "2 new items for you" in letter["Subject"]
    text = letter.get_content()
    assert "Перше" in text and "Друге" in text and "since yesterday" in text
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digests.send_digests(now=day2 + timedelta(hours=1)) == 0  # nothing new, nothing sent

    Delivery.objects.update(created_at=day2)  # what came before stays sent
    _announce(django_capture_on_commit_callbacks, title="Третє")
    Delivery.objects.filter(status=DeliveryStatus.HELD).update(created_at=day2 + timedelta(hours=3))
    assert digests.send_digests(now=day2 + timedelta(hours=23)) == 0
    assert digests.send_digests(now=day2 + timedelta(days=1, minutes=1)) == 1
    letters = smtp_server.wait_for("d@example.org", count=2)
    assert "1 new item for you" in letters[1]["Subject"]
    assert "Третє" in letters[1].get_content() and "Перше" not in letters[1].get_content()


def test_weekly_digest_in_the_persons_language(smtp_server, django_capture_on_commit_callbacks):
    person = make_user(email="w@example.org", preferred_language="uk", notification_preferences={"new_processes": True})
    services.channel_settings_update(user=person, topic_channels={"new_processes": ["email"]}, email_mode="weekly")
    chosen_at = ChannelSettings.objects.get(user=person).last_digest_at
    _announce(django_capture_on_commit_callbacks)
    assert digests.send_digests(now=chosen_at + timedelta(days=6)) == 0
    assert digests.send_digests(now=chosen_at + timedelta(days=7, minutes=1)) == 1
    (letter,) = smtp_server.wait_for("w@example.org")
    assert "цього тижня" in letter.get_content()


def test_switching_digest_to_immediate_sends_what_was_held(smtp_server, django_capture_on_commit_callbacks):
    person = make_user(email="s@example.org", notification_preferences={"new_processes": True})
    services.channel_settings_update(user=person, topic_channels={"new_processes": ["email"]}, email_mode="weekly")
    _announce(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.channel_settings_update(
            user=person, topic_channels={"new_processes": ["email"]}, email_mode="immediate"
        )
    assert len(smtp_server.wait_for("s@example.org")) == 1
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_must_get_messages_are_emailed_even_with_email_off_for_news(smtp_server, django_capture_on_commit_callbacks):
    person = make_user(email="m@example.org")
    services.channel_settings_update(user=person, topic_channels={"answers": []}, email_mode="weekly")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipients=[person], topic=None, subject="Your petition", template="core/email/test_notification.txt"
        )
    assert len(smtp_server.wait_for("m@example.org")) == 1


def test_bad_email_mode_is_refused():
    from uchast.core.errors import ActionRefused

    person = make_user()
    with pytest.raises(ActionRefused) as refused:
        services.channel_settings_update(user=person, topic_channels={}, email_mode="hourly")
    assert refused.value.code == "bad_email_mode"
