from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate the database, start the background task worker and serve the platform."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=1)
        worker = None
        if not options["no_worker"]:
            # Notifications, counting and phase changes run as tasks; the worker shares the database.
            worker = subprocess.Popen([sys.executable, "-m", "uchast", "db_worker", "--interval", "2"])  # noqa: S603
        try:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
