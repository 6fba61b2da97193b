from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from uchast.verification.tasks import purge_expired_documents


class Command(BaseCommand):
    help = "Enforce verification retention limits (run daily, e.g. from cron)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the task instead of running it now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = purge_expired_documents.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        purged = purge_expired_documents.call()
        self.stdout.write(f"purged {purged}")
