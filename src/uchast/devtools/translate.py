"""Fill a .po catalogue from a JSON mapping {msgid: msgstr} and compile it.

Usage: ``python -m uchast.devtools.translate path/to/django.po translations.json``
Plural entries take a list of forms (Ukrainian: one, few, many). Existing translations are kept
unless the mapping gives a new one; fuzzy flags are cleared for entries the mapping covers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib


def fill(po_path: Path, mapping: dict[str, str | list[str]]) -> list[str]:
    catalogue = polib.pofile(str(po_path))
    for entry in catalogue:
        key = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}\x04{entry.msgid}"
        value = mapping.get(key)
        if value is None:
            continue
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value] * 3
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save()
    catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
    return [e.msgid for e in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]


def main() -> int:
    po_path, mapping_path = Path(sys.argv[1]), Path(sys.argv[2])
    missing = fill(po_path, json.loads(mapping_path.read_text()))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
