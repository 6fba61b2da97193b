from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.core.management.commands.runserver import Command as RunserverCommand

from uchast.core.registry import registry


def _worker_log() -> Path:
    return Path(settings.VAR_DIR) / "worker.log"


class _Runserver(RunserverCommand):
    """Django's development server, whose banner ends with the startup notes (the demo logins), so
    the last lines on screen are the address and how to sign in."""

    def on_bind(self, server_port: int) -> None:
        super().on_bind(server_port)
        # runserver sets addr and _raw_ipv6 while parsing its argument (untyped in Django).
        addr, raw_ipv6 = getattr(self, "addr", ""), getattr(self, "_raw_ipv6", False)
        host = f"[{addr}]" if raw_ipv6 else ("0.0.0.0" if addr == "0" else addr)  # noqa: S104
        self.stdout.write("")
        self.stdout.write(f"Uchast is running: open {self.protocol}://{host}:{server_port}/")
        self.stdout.write(f"Background tasks log to {_worker_log()}.")
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"E-mails are written as files to {settings.EMAIL_FILE_PATH}/.")
        for note in registry.startup_notes:
            for line in note():
                self.stdout.write(line)


class Command(BaseCommand):
    help = "Migrate the database, start the task worker and scheduler, and serve the platform."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=1)
        helpers: list[subprocess.Popen[bytes]] = []
        # The worker reports every task it runs; on screen that buried the address and the logins,
        # so it writes to var/worker.log (errors included; the banner says where) and the screen stays calm.
        _worker_log().parent.mkdir(parents=True, exist_ok=True)
        log = _worker_log().open("ab")
        if not options["no_worker"]:
            # Notifications, counting and phase changes run as tasks; the worker shares the database,
            # and the scheduler enqueues the periodic ones (phases by date, deadlines, retention).
            for command in (["db_worker", "--interval", "2"], ["scheduler"]):
                argv = [sys.executable, "-m", "uchast", *command]
                helpers.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT))  # noqa: S603
        try:
            call_command(_Runserver(), f"{options['host']}:{options['port']}", use_reloader=False)
        finally:
            for helper in helpers:
                helper.terminate()
                helper.wait(timeout=10)
            log.close()
