from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from uchast.petitions.services import petitions_tick


class Command(BaseCommand):
    help = "End petition collections past their deadline, send answer reminders, archive old answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Act as if today were this ISO date (for catching up).")
        parser.add_argument("--enqueue", action="store_true", help="Run as a background task instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from uchast.petitions.tasks import petitions_tick_task

            result = petitions_tick_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as error:
            raise CommandError(f"--today must be an ISO date: {error}") from None
        counts = petitions_tick(today=today)
        self.stdout.write(
            f"collections ended: {counts['closed']}, reminders: {counts['reminded']}, archived: {counts['archived']}"
        )
