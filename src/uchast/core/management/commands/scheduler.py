from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from uchast.core.registry import PeriodicJob, registry


class Command(BaseCommand):
    help = (
        "Enqueue the periodic background tasks (phase changes by date, petition deadlines, retention) "
        "on their intervals. Run one scheduler per installation, beside `uchast db_worker`; or call "
        "`uchast scheduler --once` from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between checks (loop mode).")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = sorted(registry.periodic.values(), key=lambda job: job.name)
        if options["once"]:
            for job in jobs:
                self._enqueue(job)
            return
        next_run = {job.name: 0.0 for job in jobs}
        while True:
            now = time.monotonic()
            for job in jobs:
                if now >= next_run[job.name]:
                    self._enqueue(job)
                    next_run[job.name] = now + job.every_seconds
            time.sleep(options["tick"])

    def _enqueue(self, job: PeriodicJob) -> None:
        result = job.task.enqueue()
        self.stdout.write(f"enqueued {job.name} ({getattr(result, 'id', '')})")
