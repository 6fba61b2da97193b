"""Development: fetch the bot's updates from Telegram (long polling) instead of a webhook."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from uchast.channels import telegram


async def _fetch(offset: int, wait: int) -> list[dict[str, Any]]:
    async with telegram.make_bot() as bot:
        await bot.delete_webhook()  # polling and a webhook exclude each other
        updates = await bot.get_updates(offset=offset, timeout=wait)
        return [update.to_dict() for update in updates]


class Command(BaseCommand):
    help = "Run the Telegram bot by long polling (development). Ctrl+C stops it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="fetch and handle one batch, then stop")
        parser.add_argument("--wait", type=int, default=25, help="seconds Telegram may hold the request")

    def handle(self, *args: Any, **options: Any) -> None:
        if not telegram.enabled():
            raise CommandError("TELEGRAM_BOT_TOKEN is not set.")
        offset = 0
        while True:
            try:
                updates = asyncio.run(_fetch(offset, 0 if options["once"] else options["wait"]))
            except Exception as error:  # noqa: BLE001 - an outage: wait and ask again, nothing is lost
                self.stderr.write(f"Telegram unreachable ({error}); retrying in 5 s")
                if options["once"]:
                    return
                time.sleep(5)
                continue
            for update in updates:
                try:
                    telegram.handle_update(update)
                except Exception as error:  # noqa: BLE001 - not confirmed: fetched again next round
                    self.stderr.write(f"update {update['update_id']} not answered ({error}); will retry")
                    break
                offset = update["update_id"] + 1
            if options["once"]:
                return
