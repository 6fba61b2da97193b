"""Demo content: most demo residents verified on different bases, one document waiting for
review, a small census list and a sheet of codes. Prints nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from uchast.eligibility import rnokpp_check_digit
from uchast.verification import services
from uchast.verification.identity import person_key_for

# Fictional people: the numbers are valid in form only (check digit), generated from birth dates.


def demo_rnokpp(birth_date: date, serial: int) -> str:
    days = (birth_date - date(1899, 12, 31)).days
    first_nine = f"{days:05d}{serial:04d}"
    return first_nine + str(rnokpp_check_digit(first_nine))


def demo_person_key(user: Any, birth_date: date | None = None, serial: int | None = None) -> str:
    """The person key of a fictional resident: of a form-valid РНОКПП made from the birth date and a
    serial (by default from the account's id, so each demo account is a person of its own)."""
    serial = user.pk % 10_000 if serial is None else serial
    return person_key_for("rnokpp", demo_rnokpp(birth_date or date(1980, 1, 1), serial))


def _demo_scan() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (235, 235, 225)).save(buffer, format="PNG")
    return SimpleUploadedFile("dovidka.png", buffer.getvalue(), content_type="image/png")


def load_demo(context: Any) -> None:
    community, districts, residents = context.community, context.districts, context.residents
    official = context.staff.get("official")
    births = [date(1984, 3, 2), date(1991, 7, 19), date(1978, 11, 5), date(2009, 4, 23), date(1966, 1, 30)]
    census_lines = ["number;kind;birth_date;basis;district"]
    for serial, birth in enumerate(births, start=1):
        census_lines.append(f"{demo_rnokpp(birth, serial)};rnokpp;{birth.isoformat()};census;kalynivka")
    services.census_import(community=community, actor=official, data="\n".join(census_lines).encode())
    expiry = timezone.localdate() + timedelta(days=services.DEFAULT_VALIDITY_DAYS)
    plan = [
        ("idp", births[0], "zoriansk", "document"),
        ("registered", births[1], "stepove", "document"),
        ("census", births[2], "kalynivka", "census"),
        ("in_person", births[3], "haivka", "code"),
    ]
    for serial, (person, (basis, birth, district, method)) in enumerate(zip(residents, plan, strict=False), start=1):
        services.verification_grant(
            user=person,
            community=community,
            method=method,
            basis=basis,
            birth_date=birth,
            district=districts.get(district),
            verified_by=official,
            expires_on=expiry,
            person_key=demo_person_key(person, birth, serial),  # the census list's line of the same person
        )
    if len(residents) > len(plan):
        services.document_submit(
            user=residents[len(plan)],
            community=community,
            document_kind="idp_certificate",
            number_kind="idp_certificate",
            number="0312-" + "2024" + "00417",
            birth_date=date(1995, 9, 14),
            district=districts.get("zoriansk"),
            upload=_demo_scan(),
            person_kind="rnokpp",
            person_number=demo_rnokpp(date(1995, 9, 14), 5),
        )
    services.code_batch_create(
        community=community,
        actor=official,
        label="ЦНАП Дніпро, прийом ВПО",
        size=10,
        expires_on=timezone.localdate() + timedelta(days=90),
    )
