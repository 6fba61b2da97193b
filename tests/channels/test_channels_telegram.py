"""The bot against a loopback Bot API: linking, a notification, commands, unlinking, a forged
webhook, duplicates, an outage, and polling."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from uchast.channels import dispatch
from uchast.channels.models import ChannelSettings, Delivery, DeliveryStatus, TelegramLink, TelegramUpdate
from uchast.consultations import services as consultation_services
from uchast.consultations.drafts import sections_from_markdown
from uchast.core import notifications
from uchast.core.models import Subscription
from uchast.testing.telegram import text_update

pytestmark = pytest.mark.django_db
CHAT = 777001
SECRET = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "webhook-secret-for-tests"}


def _code(client, user) -> str:
    client.force_login(user)
    page = client.post("/me/channels/telegram/").content.decode()
    return re.search(r"/start ([A-Z0-9]{8})", page).group(1)


def _send(client, update, headers=SECRET):
    return client.post("/telegram/webhook/", update, content_type="application/json", **headers)


def _link(client, user, update_id=1):
    response = _send(client, text_update(update_id, CHAT, f"/start {_code(client, user)}"))
    assert response.status_code == 200
    return TelegramLink.objects.get(user=user)


def _consultation(community, official, title="Про сквер на Шкільній"):
    now = timezone.now()
    c = consultation_services.consultation_create(
        actor=official, community=community, title=title, summary="Коротко.", starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10), responsible_name="Андрій", responsible_contacts="rada@example.org",
    )  # fmt: skip
    consultation_services.draft_version_publish(
        actor=official, consultation=c, sections=sections_from_markdown("# Проєкт\n\n## Суть\nТекст.\n")
    )
    for _ in range(2):
        c = consultation_services.consultation_advance(actor=official, consultation=c)
    return c


def test_link_with_a_code_then_receive_a_notification(
    client, community, resident, bot_api, django_capture_on_commit_callbacks
):
    link = _link(client, resident)
    assert link.chat_id == CHAT
    assert "прив’язано" in bot_api.messages_to(CHAT)[0] or "linked" in bot_api.messages_to(CHAT)[0]
    assert "/processes" in bot_api.messages_to(CHAT)[0]
    assert _send(client, text_update(2, CHAT, "/start AAAAAAAA")).status_code == 200  # a used or wrong code
    assert TelegramLink.objects.get(user=resident).chat_id == CHAT

    ChannelSettings.objects.create(user=resident, topic_channels={"answers": ["telegram"]})
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipients=[resident], topic="answers", subject="Рада відповіла на вашу петицію",
            template="core/email/test_notification.txt", url="/petitions/5/",
        )  # fmt: skip
    last = bot_api.messages_to(CHAT)[-1]
    assert "Рада відповіла на вашу петицію" in last and last.endswith("/petitions/5/")
    assert Delivery.objects.get(channel="telegram").status == DeliveryStatus.DELIVERED


def test_a_code_works_once_and_expires(client, community, resident, bot_api):
    code = _code(client, resident)
    from uchast.channels.models import TelegramLinkCode

    TelegramLinkCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    _send(client, text_update(1, CHAT, f"/start {code}"))
    assert not TelegramLink.objects.exists()
    assert "expired" in bot_api.messages_to(CHAT)[0] or "застарів" in bot_api.messages_to(CHAT)[0]


def test_commands_list_link_and_follow_in_english(client, community, resident, official, bot_api):
    consultation = _consultation(community, official)
    _send(client, text_update(1, CHAT, "/processes", language="en"))
    listing = bot_api.messages_to(CHAT)[0]
    assert listing.startswith("Open now:") and "1. Consultation: Про сквер на Шкільній" in listing
    _send(client, text_update(2, CHAT, "/go 1", language="en"))
    assert consultation.get_absolute_url() in bot_api.messages_to(CHAT)[1]
    assert "after signing in" in bot_api.messages_to(CHAT)[1]
    _send(client, text_update(3, CHAT, "/follow 1", language="en"))
    assert "Link your account first" in bot_api.messages_to(CHAT)[2]
    _send(client, text_update(4, CHAT, "/go 9", language="en"))
    assert "no process with that number" in bot_api.messages_to(CHAT)[3]

    _link(client, resident, update_id=5)
    _send(client, text_update(6, CHAT, "/follow 1"))
    assert Subscription.objects.filter(user=resident, target_id=str(consultation.pk)).exists()
    assert "Про сквер на Шкільній" in bot_api.messages_to(CHAT)[-1]


def test_unlink_from_the_bot_and_from_the_profile(client, community, resident, bot_api):
    _link(client, resident)
    _send(client, text_update(2, CHAT, "/unlink"))
    assert not TelegramLink.objects.exists()
    _link(client, resident, update_id=3)
    response = client.post("/me/channels/telegram/unlink/")
    assert response.status_code == 302
    assert not TelegramLink.objects.exists()


def test_forged_webhook_is_refused(client, community, resident, bot_api):
    code = _code(client, resident)
    for headers in ({}, {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "guess"}):
        assert _send(client, text_update(1, CHAT, f"/start {code}"), headers=headers).status_code == 403
    assert not TelegramLink.objects.exists() and not TelegramUpdate.objects.exists()
    assert bot_api.sent == []


def test_duplicate_update_is_handled_once(client, community, bot_api):
    update = text_update(10, CHAT, "/help")
    assert _send(client, update).status_code == 200
    assert _send(client, update).status_code == 200
    assert len(bot_api.messages_to(CHAT)) == 1


def test_telegram_outage_is_retried_and_nothing_is_lost(
    client, community, resident, bot_api, django_capture_on_commit_callbacks
):
    code = _code(client, resident)
    bot_api.down = True
    update = text_update(1, CHAT, f"/start {code}")
    assert _send(client, update).status_code == 503  # Telegram will deliver it again
    assert not TelegramLink.objects.exists() and not TelegramUpdate.objects.exists()
    bot_api.down = False
    assert _send(client, update).status_code == 200  # the same code still works
    assert TelegramLink.objects.filter(user=resident).exists()

    ChannelSettings.objects.create(user=resident, topic_channels={"answers": ["telegram", "email"]})
    bot_api.down = True
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipients=[resident], topic="answers", subject="Відповідь", template="core/email/test_notification.txt"
        )
    by_channel = dict(Delivery.objects.values_list("channel", "status"))
    assert by_channel == {
        "telegram": DeliveryStatus.RETRYING,
        "email": DeliveryStatus.DELIVERED,
    }  # e-mail not held back
    bot_api.down = False
    assert dispatch.retry_due(now=timezone.now() + dispatch.backoff(1)) == 1
    assert bot_api.messages_to(CHAT)[-1] == "Відповідь"
    assert Delivery.objects.get(channel="telegram").status == DeliveryStatus.DELIVERED


def test_not_linked_fails_at_once_with_the_reason(community, resident, bot_api, django_capture_on_commit_callbacks):
    ChannelSettings.objects.create(user=resident, topic_channels={"answers": ["telegram"]})
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipients=[resident], topic="answers", subject="X", template="core/email/test_notification.txt"
        )
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.error) == (DeliveryStatus.FAILED, "Telegram not linked")


def test_polling_handles_queued_updates_once(client, community, resident, bot_api):
    code = _code(client, resident)
    bot_api.updates = [text_update(50, CHAT, f"/start {code}"), text_update(51, CHAT, "/help")]
    call_command("telegram_poll", "--once")
    assert TelegramLink.objects.filter(user=resident, chat_id=CHAT).exists()
    assert len(bot_api.messages_to(CHAT)) == 2
    call_command("telegram_poll", "--once")  # Telegram offers the same updates again: nothing doubles
    assert len(bot_api.messages_to(CHAT)) == 2
    assert ("deleteWebhook", {}) in [(m, {}) for m, _ in bot_api.calls]


def test_webhook_command_registers_url_and_secret(bot_api, settings):
    call_command("telegram_webhook")
    method, params = next(c for c in bot_api.calls if c[0] == "setWebhook")
    assert params["url"].endswith("/telegram/webhook/") and params["secret_token"] == "webhook-secret-for-tests"
