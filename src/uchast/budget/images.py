"""Project images: resized to at most 1600 px, EXIF (incl. GPS) dropped — by core's shared helper."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from uchast.core.files import process_image, validate_upload

MAX_IMAGE_BYTES = 8 * 1024 * 1024


def clean_image(upload: Any) -> ContentFile[bytes]:
    """Validated (a real image, size limit) and re-encoded without metadata."""
    validate_upload(upload, kinds={"image"}, max_bytes=MAX_IMAGE_BYTES)
    return process_image(upload)
