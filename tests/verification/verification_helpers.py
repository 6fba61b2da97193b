"""Helpers shared by the verification tests (imported by file-name from this directory)."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from uchast.verification.demo import demo_rnokpp


def png_upload(name: str = "dovidka.png", size: tuple[int, int] = (64, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 210, 220)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def rnokpp(birth_date: date, serial: int = 1) -> str:
    return demo_rnokpp(birth_date, serial)
