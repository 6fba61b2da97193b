"""What is on disk after an upload: the tests of files' rollback and of the sweep read it here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from django.conf import settings

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def stored_files() -> list[str]:
    """Every file under the public and private media roots, as ``media/...`` or ``private/...``."""
    found = []
    for label, root in (("media", settings.MEDIA_ROOT), ("private", settings.PRIVATE_MEDIA_ROOT)):
        base = Path(root)
        if base.exists():
            found += [f"{label}/{p.relative_to(base).as_posix()}" for p in base.rglob("*") if p.is_file()]
    return sorted(found)


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG")
    return out.getvalue()


REFUSED_LATER = "refused_later"


@contextmanager
def refused_after_files() -> Iterator[None]:
    """Every service records its audit entry after writing its files, in the same transaction:
    refusing there rolls the transaction back with the files already on disk."""
    from uchast.core.errors import ActionRefused

    refusal = ActionRefused(REFUSED_LATER, "refused after the files were written")
    with patch("uchast.core.audit.record", side_effect=refusal):
        yield
