"""Every catalogue is complete and its compiled .mo matches the .po (CI has no gettext tools)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

import uchast

SOURCE = Path(uchast.__file__).parent
CATALOGUES = sorted(SOURCE.glob("**/locale/uk/LC_MESSAGES/django.po"))


def test_there_are_catalogues():
    assert CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_ukrainian_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries() if not e.obsolete]
    assert not missing, f"untranslated in {po_path}: {missing[:10]}"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"{entry.msgid!r} is not compiled into {po_path.with_suffix('.mo')}"
        assert compiled[key] == (entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))), entry.msgid
    for entry in po.translated_entries():
        if "python-format" in entry.flags and entry.msgstr:
            for placeholder in ("%(", "%s", "%d"):
                assert entry.msgid.count(placeholder) == entry.msgstr.count(placeholder), entry.msgid
