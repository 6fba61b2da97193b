"""Size guard run by ``make lint``: no source file over 600 lines, no function over 80.

Why: a file is read whole by whoever changes it, and a long function hides its cases; both are
where newcomers trip (issue "one shape for every module"). Split a file into a package by topic,
a function into named steps. Migrations and demo data are generated or data-like, so they are
exempt (``migrations/``, ``demo.py``, ``demo/``), as is the generated holiday table's script.

Usage: ``python -m uchast.devtools.sizecheck [ROOT ...]`` (default ``src``); exit 1 on a breach.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
EXEMPT_PARTS = frozenset({"migrations", "demo"})
EXEMPT_NAMES = frozenset({"demo.py", "generate_holidays_ua.py"})


def _exempt(path: Path) -> bool:
    return path.name in EXEMPT_NAMES or bool(EXEMPT_PARTS.intersection(path.parts))


def breaches(path: Path) -> Iterator[str]:
    """Each breach in ``path`` as ``file:line: what``."""
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if lines > MAX_FILE_LINES:
        yield f"{path}:1: {lines} lines (at most {MAX_FILE_LINES}): split it by topic"
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = node.end_lineno - first + 1
            if length > MAX_FUNCTION_LINES:
                yield f"{path}:{node.lineno}: {node.name}() has {length} lines (at most {MAX_FUNCTION_LINES})"


def main(argv: list[str]) -> int:
    roots = [Path(arg) for arg in argv] or [Path("src")]
    found = [
        breach
        for root in roots
        for path in sorted(root.rglob("*.py"))
        if not _exempt(path)
        for breach in breaches(path)
    ]
    for breach in found:
        print(breach)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
