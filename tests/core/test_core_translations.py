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


def test_no_message_is_translated_two_ways_across_catalogues():
    """All catalogues share one gettext domain: when two apps translate the same id differently, the
    app installed first wins everywhere. Ids that mean different things need a context (pgettext)."""
    seen: dict[tuple[str | None, str], tuple[str, Path]] = {}
    conflicts = []
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.msgid_plural:
                continue
            key = (entry.msgctxt, entry.msgid)
            if key in seen and seen[key][0] != entry.msgstr:
                other, other_path = seen[key]
                conflicts.append(
                    f"{entry.msgid!r}: {other!r} ({other_path.parts[-5]}) vs {entry.msgstr!r} ({po_path.parts[-5]})"
                )
            seen.setdefault(key, (entry.msgstr, po_path))
    assert not conflicts, "\n".join(conflicts)
