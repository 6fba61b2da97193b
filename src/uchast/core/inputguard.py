"""What no request may carry, refused at the edge with a clear message before any view runs.

Every text a person or a program sends ends up in PostgreSQL, which refuses a NUL character in
text (a server error, after part of the work was done), and in pages, CSV files and e-mails, where
other control characters hide or forge content. Numbers too long for a 64-bit column fail the same
way (``?offset=99999999999999999999``), and deeply nested JSON exhausts the parser's recursion.
So the guard looks at the query string, the form fields, uploaded file names and JSON bodies:

- text may hold tab, line feed and carriage return, and no other control character (C0, DEL, C1);
- a value made only of digits (with an optional sign) has at most 18 digits: anything longer is
  not a count, an id or an amount we store;
- JSON nests at most ``MAX_JSON_DEPTH`` levels, and its integers fit in 64 bits.

Each check returns the name of the first offending field (or None), so the answer can say where.
This module is plain Python; the middleware that answers lives in ``core.middleware``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

MAX_JSON_DEPTH = 32
MAX_DIGITS = 18
_INT64 = 2**63
# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LONG_NUMBER = re.compile(rf"[+-]?\d{{{MAX_DIGITS + 1},}}")


class Refusal(ValueError):
    """``field`` is where the problem is; ``kind`` is ``control``, ``number`` or ``json``."""

    def __init__(self, field: str, kind: str) -> None:
        super().__init__(f"{kind} in {field}")
        self.field = field
        self.kind = kind


def check_text(field: str, value: str) -> None:
    """Refuse control characters and over-long numbers in one text value."""
    if _CONTROL.search(value):
        raise Refusal(field, "control")
    if _LONG_NUMBER.fullmatch(value.strip()):
        raise Refusal(field, "number")


def check_pairs(pairs: Iterable[tuple[str, str]]) -> None:
    """Check every (name, value) pair: names are text a client controls too."""
    for name, value in pairs:
        check_text(name, name)
        check_text(name, value)


def check_json(body: bytes) -> None:
    """Refuse JSON nested deeper than ``MAX_JSON_DEPTH``, with control characters in its strings or
    keys, or with integers beyond 64 bits. Malformed JSON passes: the endpoint reports it in its
    own words (this guard only removes what would crash it)."""
    if _nesting(body) > MAX_JSON_DEPTH:
        raise Refusal("body", "json")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return
    _walk(data, "body")


def _nesting(body: bytes) -> int:
    """The deepest bracket nesting outside strings, read byte by byte without parsing (so a hostile
    body cannot make the check itself recurse)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _walk(value: Any, field: str) -> None:
    if isinstance(value, str):
        if _CONTROL.search(value):
            raise Refusal(field, "control")
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -_INT64 <= value < _INT64:
            raise Refusal(field, "number")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _CONTROL.search(key):
                raise Refusal(f"{field}.{key!r}", "control")
            _walk(item, f"{field}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _walk(item, f"{field}[{position}]")
