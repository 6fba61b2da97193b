"""The demo shows an inbox with unread items; ``uchast run`` says how to run the bot."""

from __future__ import annotations

import re

import pytest

from uchast.accounts.demo import load_demo
from uchast.channels.telegram import startup_lines
from uchast.core.registry import registry

pytestmark = pytest.mark.django_db


def test_demo_inbox_has_unread_items(client):
    context = load_demo()
    client.force_login(context.residents[0])
    page = client.get("/inbox/").content.decode()
    unread = re.search(r'<span class="badge">(\d+)', page)
    assert unread and int(unread.group(1)) >= 3
    assert "Строк спливає завтра" in page


def test_startup_notes_tell_how_to_run_the_bot(settings):
    assert startup_lines in registry.startup_notes
    settings.TELEGRAM_BOT_TOKEN = ""
    assert "telegram_poll" in " ".join(startup_lines()) and "TELEGRAM_BOT_TOKEN" in " ".join(startup_lines())
    settings.TELEGRAM_BOT_TOKEN = "1:x"
    assert "uchast telegram_poll" in " ".join(startup_lines())
