from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from uchast.testing.telegram import FakeBotApi


@pytest.fixture
def bot_api(settings: Any) -> Iterator[FakeBotApi]:
    """Telegram played by a Bot API server on loopback; the bot's base URL points at it."""
    with FakeBotApi(token="123:TEST") as api:
        settings.TELEGRAM_BOT_TOKEN = api.token
        settings.TELEGRAM_API_URL = api.base_url
        settings.TELEGRAM_WEBHOOK_SECRET = "webhook-secret-for-tests"
        yield api
