"""Journeys of every verification method, from the resident's and the staff's side. axe on each page."""

from __future__ import annotations

import io
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from uchast.testing.browser import assert_accessible
from uchast.testing.factories import make_user
from uchast.verification.models import OidcProvider as ProviderConfig
from uchast.verification.models import Verification, VerificationStatus

sys.path.insert(0, str(Path(__file__).parents[1] / "verification"))
from oidc_provider import OidcProvider  # noqa: E402
from verification_helpers import rnokpp  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _png() -> dict[str, Any]:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (220, 220, 200)).save(buffer, format="PNG")
    return {"name": "dovidka.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def _send_document(page: Any, number: str) -> None:
    page.goto("/verification/")
    assert_accessible(page)
    page.get_by_role("link", name="Надіслати фото документа").click()
    assert_accessible(page)
    page.get_by_label("Документ").select_option("idp_certificate")
    page.get_by_label("Вид номера").select_option("idp_certificate")
    page.get_by_label(re.compile(r"^Номер")).fill(number)
    page.get_by_label("Дата народження").fill("1990-05-17")
    page.get_by_label("Фото або скан").set_input_files(_png())
    page.get_by_role("button", name="Надіслати на перевірку").click()
    page.wait_for_url(re.compile(r"/verification/$"))
    expect(page.get_by_text("очікує на перевірку").first).to_be_attached()
    assert_accessible(page)


def _review(page: Any, resident: Any) -> None:
    page.goto("/verification/staff/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(f"Відкрити запит.*{re.escape(resident.email)}")).click()
    assert_accessible(page)


def test_document_rejected_then_approved(page, login_as, community, official):
    resident = make_user(full_name="Оксана Руденко")
    login_as(resident)
    page.goto("/verification/document/")
    page.get_by_label("Фото або скан").set_input_files(
        {"name": "scan.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\nbroken"}
    )
    page.get_by_label(re.compile(r"^Номер")).fill("4417")
    page.get_by_role("button", name="Надіслати на перевірку").click()
    expect(page.locator(".errorlist").first).to_be_attached()  # damaged image, no birth date
    expect(page.get_by_label(re.compile(r"^Номер"))).to_have_value("")  # the number is not echoed
    assert_accessible(page)
    assert not Verification.objects.exists()

    _send_document(page, "4417-2023-1")
    login_as(official)
    _review(page, resident)
    page.get_by_role("button", name="Відмовити").click()  # without a reason
    expect(page.locator(".errorlist").first).to_be_attached()
    assert_accessible(page)
    page.get_by_label("Обґрунтування").fill("Фото нечитабельне, надішліть чіткіше")
    page.get_by_role("button", name="Відмовити").click()
    page.wait_for_url(re.compile(r"/verification/staff/$"))
    assert_accessible(page)

    login_as(resident)
    page.goto("/verification/")
    expect(page.get_by_text("Фото нечитабельне")).to_have_count(1)
    _send_document(page, "4417-2023-1")
    login_as(official)
    _review(page, resident)
    page.get_by_role("button", name="Підтвердити").click()
    page.wait_for_url(re.compile(r"/verification/staff/$"))
    page.get_by_label("Підстава").select_option("idp")
    page.get_by_label("Стан").select_option("active")
    page.get_by_role("button", name="Показати").click()
    expect(page.get_by_role("link", name="Оксана Руденко")).to_have_count(1)
    assert_accessible(page)

    login_as(resident)
    page.goto("/verification/")
    expect(page.get_by_text("Ваш зв'язок із громадою підтверджено").or_(page.locator(".notice")).first).to_be_attached()
    assert Verification.objects.get(user=resident, status=VerificationStatus.ACTIVE).basis == "idp"
    assert_accessible(page)


def test_census_import_and_claim(page, login_as, community, official, tmp_path):
    number = rnokpp(date(1984, 3, 2), 7)
    login_as(official)
    page.goto("/verification/staff/census/")
    assert_accessible(page)
    bad = b"number,kind,birth_date,basis\n1234567890,rnokpp,1984-03-02,census\n"
    page.get_by_label("Файл CSV").set_input_files({"name": "c.csv", "mimeType": "text/csv", "buffer": bad})
    page.get_by_role("button", name="Імпортувати").click()
    expect(page.get_by_text("Рядок 2")).to_have_count(1)
    assert_accessible(page)
    good = f"number;kind;birth_date;basis\n{number};rnokpp;02.03.1984;census\n".encode("cp1251")
    page.get_by_label("Файл CSV").set_input_files({"name": "c.csv", "mimeType": "text/csv", "buffer": good})
    page.get_by_role("button", name="Імпортувати").click()
    expect(page.get_by_text("додано: 1")).to_have_count(1)
    assert_accessible(page)

    resident = make_user()
    login_as(resident)
    page.goto("/verification/")
    page.get_by_role("link", name="Знайти себе у списку ради").click()
    page.get_by_label("Вид номера").select_option("rnokpp")
    page.get_by_label(re.compile(r"^Номер")).fill(number)
    page.get_by_label("Дата народження").fill("1984-03-03")
    page.get_by_role("button", name="Підтвердити").click()
    expect(page.get_by_text("не знайдено")).to_have_count(1)
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Номер")).fill(number)
    page.get_by_label("Дата народження").fill("1984-03-02")
    page.get_by_role("button", name="Підтвердити").click()
    page.wait_for_url(re.compile(r"/verification/$"))
    assert Verification.objects.get(user=resident).basis == "census"
    assert_accessible(page)


def test_code_sheet_and_redemption(page, login_as, community, official):
    login_as(official)
    page.goto("/verification/staff/codes/")
    assert_accessible(page)
    page.get_by_label("Позначка (місце, дата)").fill("ЦНАП Дніпро")
    page.get_by_label("Кількість кодів").fill("2")
    page.get_by_label("Коди дійсні до").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Створити та надрукувати").click()
    expect(page.locator(".code")).to_have_count(2)
    assert_accessible(page)
    code = page.locator(".code").first.inner_text()

    resident = make_user()
    login_as(resident)
    page.goto("/verification/")
    page.get_by_role("link", name=re.compile("Ввести код")).click()
    page.get_by_label("Код").fill("AAAA-BBBB-CCCC")
    page.get_by_label("Дата народження").fill("1975-10-10")
    page.get_by_role("button", name="Підтвердити").click()
    expect(page.get_by_text("недійсний")).to_have_count(1)
    assert_accessible(page)
    page.get_by_label("Код").fill(code)
    page.get_by_role("button", name="Підтвердити").click()
    expect(page.locator("#id_code_error")).to_have_count(1)  # the sheet asks for the person number
    assert_accessible(page)
    page.get_by_label("Код").fill(code)
    page.fill("#id_person_number", rnokpp(date(1975, 10, 10), 4))
    page.get_by_role("button", name="Підтвердити").click()
    page.wait_for_url(re.compile(r"/verification/$"))
    verification = Verification.objects.get(user=resident)
    assert verification.basis == "in_person" and verification.person_key
    assert_accessible(page)


def test_oidc_sign_in_with_the_provider(page, login_as, community, monkeypatch):
    monkeypatch.setenv("UCHAST_BROWSER_OIDC_SECRET", "browser-secret-123")
    claims = {"sub": "p-42", "birthdate": "1979-12-01", "drfo": rnokpp(date(1979, 12, 1), 3)}
    with OidcProvider(client_id="uchast-b", client_secret="browser-secret-123", claims=claims, consent=True) as server:
        ProviderConfig.objects.create(
            community=community,
            slug="testid",
            name="TestID",
            issuer=server.issuer,
            client_id="uchast-b",
            client_secret_env="UCHAST_BROWSER_OIDC_SECRET",
            claims_map={"birth_date": "birthdate", "document_number": "drfo"},
        )
        resident = make_user()
        login_as(resident)
        page.goto("/verification/")
        assert_accessible(page)
        page.get_by_role("link", name="Увійти через TestID").click()
        page.wait_for_url(re.compile(re.escape(server.issuer) + "/authorize"))
        page.get_by_role("button", name="Дозволити").click()
        page.wait_for_url(re.compile(r"/verification/$"))
        expect(page.get_by_text("підтверджено").first).to_be_attached()
        assert_accessible(page)
    verification = Verification.objects.get(user=resident)
    assert (verification.basis, verification.birth_date) == ("provider", date(1979, 12, 1))


def test_privacy_page(page, community):
    page.goto("/verification/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
