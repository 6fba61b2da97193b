from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from uchast.core.filesweep import MIN_AGE, sweep


class Command(BaseCommand):
    help = (
        "List the uploaded files that no record names and that are older than an hour (left by a "
        "worker stopped before its transaction committed); with --delete, remove them. The "
        "scheduler runs the same deletion hourly (core.sweep_files)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="Remove the files listed.")

    def handle(self, *args: Any, **options: Any) -> None:
        delete = bool(options["delete"])
        orphans = sweep(delete=delete)
        hours = int(MIN_AGE.total_seconds() // 3600)
        if not orphans:
            self.stdout.write(f"No uploaded file without a record older than {hours} hour(s): nothing to do.")
            return
        for orphan in orphans:
            place = getattr(orphan.storage, "location", "")
            when = timezone.localtime(orphan.modified).strftime("%Y-%m-%d %H:%M")
            state = "deleted" if orphan.deleted else ("NOT deleted (see the log)" if delete else "found")
            self.stdout.write(f"{state}: {orphan.name} in {place} ({filesizeformat(orphan.size)}, written {when})")
        total = filesizeformat(sum(orphan.size for orphan in orphans))
        done = sum(orphan.deleted for orphan in orphans)
        if delete:
            self.stdout.write(f"Deleted {done} of {len(orphans)} file(s) without a record ({total}).")
        else:
            self.stdout.write(
                f"{len(orphans)} file(s) without a record, older than {hours} hour(s) ({total}). "
                "Nothing was deleted: run `uchast files_sweep --delete` to remove them."
            )
