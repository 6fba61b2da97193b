"""Production: tell Telegram where to deliver updates, with the secret it must send back."""

from __future__ import annotations

import asyncio
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from uchast.channels import telegram


class Command(BaseCommand):
    help = "Set the bot's webhook to UCHAST_BASE_URL/telegram/webhook/ with TELEGRAM_WEBHOOK_SECRET."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--delete", action="store_true", help="remove the webhook (to poll instead)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not telegram.enabled() or not settings.TELEGRAM_WEBHOOK_SECRET:
            raise CommandError("Set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET first.")
        url = settings.UCHAST_BASE_URL.rstrip("/") + reverse("channels:telegram_webhook")

        async def apply() -> None:
            async with telegram.make_bot() as bot:
                if options["delete"]:
                    await bot.delete_webhook()
                else:
                    await bot.set_webhook(
                        url=url, secret_token=settings.TELEGRAM_WEBHOOK_SECRET, allowed_updates=["message"]
                    )

        asyncio.run(apply())
        self.stdout.write("Webhook removed." if options["delete"] else f"Webhook set to {url}")
