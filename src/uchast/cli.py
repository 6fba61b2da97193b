"""The ``uchast`` command: the one entry point.

``uchast run``, ``uchast demo``, ``uchast audit verify``, ``uchast tally`` and every Django
management command (``uchast migrate``, ``uchast check --deploy``, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "tally":
        # Counting needs no database or settings: anyone can recount a published file. Nor does
        # it do linear algebra: without this, numpy's OpenBLAS starts a thread per core at import,
        # a third of the whole command's processor time on a small machine (docs/performance.md).
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
            os.environ.setdefault(name, "1")
        from uchast.tally.cli import main as tally_main

        sys.exit(tally_main(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uchast.settings")
    from django.core.management import execute_from_command_line

    args[0] = "uchast"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
