"""Uploads: an image is refused from its header when it announces too many pixels, before any
pixel is decoded (a 0.5 MB PNG announcing 13,000 x 13,000 pixels decoded to 1.5 GB)."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from uchast.core.files import process_image, validate_upload


def _png_announcing(width: int, height: int) -> bytes:
    """A syntactically valid PNG whose header announces ``width`` x ``height`` (RGB) pixels and whose
    data is a few kilobytes of compressed zeros (rows of it: a real bomb, cut short)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + 3 * width) * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _upload(content: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_an_image_announcing_too_many_pixels_is_refused_without_decoding(settings) -> None:
    bomb = _upload(_png_announcing(13_000, 13_000))
    assert len(bomb.read()) < 600_000
    bomb.seek(0)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as caught:
            validate_upload(bomb, kinds={"image"})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_many_pixels"
    assert "60" in caught.value.messages[0]
    assert peak < 50 * 1024 * 1024  # nothing near the 507 MB the pixels would take
    with pytest.raises(ValidationError) as again:
        process_image(bomb)  # a caller that skipped validation is refused the same way
    assert again.value.code == "too_many_pixels"


def test_the_limit_comes_from_settings_and_a_normal_photo_passes(settings) -> None:
    photo = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(photo, format="PNG")
    assert validate_upload(_upload(photo.getvalue()), kinds={"image"}) == "image"
    assert process_image(_upload(photo.getvalue())).size > 0
    settings.UCHAST_MAX_IMAGE_PIXELS = 100_000  # 400 x 300 = 120,000: over, though Pillow's guard is not
    with pytest.raises(ValidationError) as caught:
        validate_upload(_upload(photo.getvalue()), kinds={"image"})
    assert caught.value.code == "too_many_pixels"


@pytest.mark.django_db
def test_an_attachment_is_stored_under_a_random_name_and_keeps_the_persons_name_as_its_title(community) -> None:
    """A public file's address must not carry what its name may say (a person's name, an address)
    nor be guessable: the name the person gave it is shown as the title only."""
    from uchast.core.files import attachment_add
    from uchast.core.models import District
    from uchast.testing.files import PDF

    district = District.objects.filter(community=community).first()
    upload = SimpleUploadedFile("Іван Петренко, вул. Садова 5.pdf", PDF)
    first = attachment_add(target=district, upload=upload, title="", uploaded_by=None)
    upload.seek(0)
    second = attachment_add(target=district, upload=upload, title="", uploaded_by=None)
    assert first.title == "Іван Петренко, вул. Садова 5"
    assert "Петренко" not in first.file.name and first.file.name.endswith(".pdf")
    assert first.file.name != second.file.name and first.file.read() == PDF
