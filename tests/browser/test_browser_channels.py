"""Journey at 360 px: choose channels, link Telegram with a code (a loopback Bot API plays
Telegram), follow a consultation from the bot, and get its deadline reminder in the inbox and in the
bot. axe-core on every page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import requests
from django.utils import timezone
from playwright.sync_api import expect

from uchast.channels.models import TelegramLink
from uchast.channels.reminders import send_deadline_reminders
from uchast.consultations import services as consultation_services
from uchast.consultations.drafts import sections_from_markdown
from uchast.testing.browser import assert_accessible
from uchast.testing.telegram import FakeBotApi, text_update

pytestmark = pytest.mark.django_db(transaction=True)
CHAT = 31337


def _closing_consultation(community: Any, official: Any) -> Any:
    now = timezone.now()
    c = consultation_services.consultation_create(
        actor=official, community=community, title="Про відновлення скверу", summary="Коротко.",
        starts_at=now - timedelta(days=5), ends_at=now + timedelta(hours=20), responsible_name="Андрій",
        responsible_contacts="rada@example.org",
    )  # fmt: skip
    consultation_services.draft_version_publish(
        actor=official, consultation=c, sections=sections_from_markdown("# Проєкт\n\n## Суть\nТекст.\n")
    )
    for _ in range(2):
        c = consultation_services.consultation_advance(actor=official, consultation=c)
    return c


def test_choose_channels_link_telegram_and_get_a_reminder(
    page: Any, login_as: Any, live_server: Any, community: Any, official: Any, resident: Any, settings: Any
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    with FakeBotApi() as bot_api:
        settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_URL = bot_api.token, bot_api.base_url
        settings.TELEGRAM_WEBHOOK_SECRET = "journey-secret"
        consultation = _closing_consultation(community, official)
        login_as(resident)

        page.goto("/me/channels/")
        assert_accessible(page)
        page.get_by_role("group", name=re.compile("Новини процесів")).get_by_label("Telegram").check()
        page.get_by_label("Раз на день, одним листом").check()
        page.get_by_role("button", name="Зберегти").click()
        page.get_by_text("Ваші канали збережено.").wait_for()

        page.get_by_role("link", name="Прив’язати Telegram").click()
        assert_accessible(page)
        page.get_by_role("button", name="Отримати код").click()
        code = re.search(r"/start ([A-Z0-9]{8})", page.locator(".link-code").inner_text()).group(1)
        assert_accessible(page)

        def say(update_id: int, text: str) -> None:
            response = requests.post(
                f"{live_server.url}/telegram/webhook/",
                json=text_update(update_id, CHAT, text),
                headers={"X-Telegram-Bot-Api-Secret-Token": "journey-secret"},
                timeout=20,
            )
            assert response.status_code == 200

        say(1, f"/start {code}")
        assert TelegramLink.objects.get(user=resident).chat_id == CHAT
        say(2, "/processes")
        assert "Про відновлення скверу" in bot_api.wait_for_message(CHAT, 2)[1]
        say(3, "/follow 1")
        bot_api.wait_for_message(CHAT, 3)
        page.reload()
        assert "Ваш обліковий запис прив’язано до Telegram." in page.content()

        assert send_deadline_reminders() == 1  # the hourly job
        reminder = bot_api.wait_for_message(CHAT, 4)[3]
        assert "Про відновлення скверу" in reminder and consultation.get_absolute_url() in reminder

        page.goto("/")
        inbox = page.locator(".inbox-link")
        assert "1" in inbox.inner_text()
        inbox.click()
        assert_accessible(page)
        page.get_by_role("link", name=re.compile("Про відновлення скверу")).click()
        assert_accessible(page)
        page.get_by_role("button", name="Позначити прочитаним і відкрити").click()
        page.wait_for_url(f"**{consultation.get_absolute_url()}")
        expect(page.locator(".inbox-link .badge")).to_have_count(0)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1]
