from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from uchast.accounts.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo staff accounts (not in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.UCHAST_ALLOW_DEMO_TOTP:
            raise CommandError("Refused in production.")
        counter = int(time.time()) // 30
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
