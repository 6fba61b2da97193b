from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from uchast.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. 'uchast audit verify' recomputes the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.entries_checked} entries verified."))
            return
        raise CommandError(
            f"Audit chain broken at entry #{report.first_broken_sequence}: {report.reason} "
            f"({report.entries_checked} entries before it verified)."
        )
