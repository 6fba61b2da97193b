"""``uchast budget unseal <cycle> [--shares FILE]``: open and count a cycle's sealed ballots.

For a commission key the members' shares are read one per line (blank lines ignored) from the file,
or from standard input, where each member can type theirs in turn; nothing is echoed back or kept.
A server-key cycle needs no shares. Refusals print their code and message and change nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from uchast.core.errors import ActionRefused

HELP = """Participatory budget tools.

  uchast budget unseal CYCLE                 count a closed cycle; shares one per line on stdin
  uchast budget unseal CYCLE --shares FILE   ... or from a file (commission key)
"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        unseal = sub.add_parser("unseal", help="open and count the sealed ballots of a closed cycle")
        unseal.add_argument("cycle", type=int)
        unseal.add_argument("--shares", help="file with the members' shares, one per line (default: stdin)")

    def handle(self, *args: Any, **options: Any) -> None:
        from uchast.budget.models import BudgetCycle, Custody
        from uchast.budget.services import cycle_count

        cycle = BudgetCycle.objects.select_related("community").filter(pk=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"no budget cycle {options['cycle']}")
        shares: list[str] = []
        if cycle.custody == Custody.COMMISSION:
            shares = self._shares(options.get("shares"), cycle.seal_threshold)
        try:
            results = cycle_count(cycle=cycle, shares=shares)
        except ActionRefused as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message}") from None
        for result in results:
            self.stdout.write(f"{result.category.name}: sha256 {result.sha256}")
        self.stdout.write("counted; review the results on the manage page, then publish them")

    def _shares(self, path: str | None, threshold: int) -> list[str]:
        if path:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as error:
                raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
            return [line for line in text.splitlines() if line.strip()]
        if sys.stdin.isatty():
            self.stderr.write(f"Enter {threshold} shares, one per line, then an empty line:")
        lines: list[str] = []
        for line in sys.stdin:
            if not line.strip():
                if lines and sys.stdin.isatty():
                    break
                continue
            lines.append(line)
        return lines
