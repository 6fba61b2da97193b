"""CSV files the platform publishes: every cell safe to open in a spreadsheet, one download shape.

A resident's text that starts with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel and
LibreOffice (``=HYPERLINK("http://evil", "click")``), and a leading tab or carriage return can
hide one; an official who opens the export would run it. Such a text cell is written with a
leading apostrophe, which spreadsheets show as text and which a reader of the raw file sees at once.
Numbers stay numbers: only text is changed, and only at its start.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """``value`` as a spreadsheet will show it: text that could start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows (the header first) as CSV text, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def csv_download(text: str, filename: str) -> HttpResponse:
    """A CSV attachment in UTF-8 with a byte-order mark (so spreadsheets read Cyrillic correctly)."""
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
