from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from uchast.accounts.demo import DEMO_TOTP_SECRET, load_demo, login_lines
from uchast.core.models import Community


class Command(BaseCommand):
    help = "Load the demo community (fictional, in Ukrainian) into the database named by DATABASE_URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if a community already exists.")
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Add N x 1,500 generated residents and what they do (1, 10, 100; 100 is about Kyiv).",
        )
        # Tests build a sliver of a scale (e.g. 0.02 of N = 1) to check the generator's invariants.
        parser.add_argument("--scale-fraction", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo has public passwords; it is refused when UCHAST_ENV=production.")
        if Community.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already holds a community; demo not loaded.")
                self._print_logins()
                return
            raise CommandError("The database already holds a community. Use an empty database for the demo.")
        if options["scale"] < 0 or not 0 < options["scale_fraction"] <= 1:
            raise CommandError("--scale takes a positive number of base communities of 1,500 residents.")
        if options["scale"]:
            from uchast.accounts.scale import load_scale

            scaled = load_scale(options["scale"], fraction=options["scale_fraction"], progress=self.stdout.write)
            context = scaled.demo
            counts = ", ".join(f"{name}: {number}" for name, number in scaled.counts.items())
            self.stdout.write(f"Built in {scaled.timings['total']:.1f} s ({counts}).")
        else:
            context = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo community loaded: {context.community.name_uk}"))
        self._print_logins()

    def _print_logins(self) -> None:
        # The logins come last, so they are what a developer sees when the command ends.
        if not (lines := login_lines()):
            return
        self.stdout.write(
            "Staff sign in with a second factor: add the TOTP secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or run `uchast demo_totp` for the current code."
        )
        for line in lines:
            self.stdout.write(line)
