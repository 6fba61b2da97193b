"""Journeys at 360 px, axe-core on every page: a displaced resident files an appeal with a photo and
gets an answer; a problem report gets a "me too"; an official extends a term with reasons."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from uchast.appeals import services
from uchast.appeals.models import Appeal, Department, ProblemReport, Status, Topic
from uchast.testing.browser import assert_fits_phone
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def _fits(page: Any) -> None:
    assert_fits_phone(page)


@pytest.fixture
def social(community: Any, official: Any) -> Department:
    department = Department.objects.create(community=community, name="Відділ соцзахисту", topics=[Topic.AID])
    department.members.add(official)
    return department


def _photo(tmp_path: Any) -> str:
    path = tmp_path / "dovidka.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), "green").save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_displaced_resident_files_with_a_photo_and_gets_an_answer(
    page: Any, login_as: Any, community: Any, social: Any, official: Any, tmp_path: Any
) -> None:
    page.set_viewport_size(PHONE)
    resident = make_user(full_name="Олена Шевчук", email="olena@example.org")
    login_as(resident)
    page.goto("/appeals/")
    _fits(page)
    page.get_by_role("link", name="Подати звернення").click()
    _fits(page)
    page.locator("#id_kind").select_option("application")
    page.locator("#id_topic").select_option("aid")
    page.locator("#id_subject").fill("Довідка про склад сім'ї для ВПО")
    page.locator("#id_text").fill("Прошу видати довідку про склад сім'ї для оформлення допомоги на проживання.")
    page.locator("#id_attachments").set_input_files(_photo(tmp_path))
    page.locator("#id_full_name").fill("Олена Шевчук")
    page.locator("#id_residence").fill("с. Калинівка, вул. Садова, 3")
    page.locator("#id_displaced").check()
    page.locator("#id_contact").fill("olena@example.org")
    page.get_by_role("button", name="Надіслати звернення").click()
    # The current address is missing: a clear message, nothing written.
    expect(page.get_by_text("Ви переселенець: вкажіть також адресу, де живете зараз.")).to_be_visible()
    assert not Appeal.objects.exists()
    _fits(page)
    page.locator("#id_current_address").fill("м. Дніпро, вул. Робоча, 18")
    page.locator("#id_attachments").set_input_files(_photo(tmp_path))
    page.get_by_role("button", name="Надіслати звернення").click()
    page.wait_for_url(re.compile(r"/appeals/\d+/$"))
    appeal = Appeal.objects.get()
    expect(page.get_by_text("Ваше звернення зареєстровано.")).to_be_visible()
    expect(page.get_by_text(appeal.reg_number).first).to_be_visible()
    assert appeal.files.count() == 1 and appeal.department == social
    _fits(page)

    login_as(official)
    page.goto("/appeals/staff/")
    _fits(page)
    page.get_by_role("link", name=appeal.reg_number).click()
    _fits(page)
    page.locator("#id_text").fill("Довідку сформовано й надіслано вам на електронну пошту.")
    page.get_by_role("button", name="Підписати і надіслати відповідь").click()
    expect(page.get_by_text("Відповідь підписано і надіслано.")).to_be_visible()
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED

    login_as(resident)
    page.goto(f"/appeals/{appeal.pk}/")
    expect(page.get_by_text("Довідку сформовано")).to_be_visible()
    _fits(page)
    page.locator("#id_rating").select_option("5")
    page.get_by_role("button", name="Оцінити відповідь").click()
    expect(page.get_by_text("Дякуємо за оцінку відповіді.")).to_be_visible()
    _fits(page)


def test_problem_report_with_me_too(page: Any, login_as: Any, community: Any, tmp_path: Any) -> None:
    page.set_viewport_size(PHONE)
    author = make_user(email="author@example.org")
    login_as(author)
    page.goto("/appeals/problems/")
    _fits(page)
    page.get_by_role("link", name="Повідомити про проблему").click()
    _fits(page)
    page.locator("#id_title").fill("Зачинене укриття в школі №1 під час тривоги")
    page.locator("#id_topic").select_option("safety")
    page.locator("#id_address").fill("Зорянськ, вул. Шкільна, 1")
    page.locator("#id_photo").set_input_files(_photo(tmp_path))
    page.get_by_role("button", name="Надіслати повідомлення").click()
    page.wait_for_url(re.compile(r"/appeals/problems/\d+/$"))
    _fits(page)
    report = ProblemReport.objects.get()

    login_as(make_user(email="neighbour@example.org"))
    page.goto(f"/appeals/problems/{report.pk}/")
    page.get_by_role("button", name="У мене теж").click()
    expect(page.get_by_text("Враховано: у вас така сама проблема.")).to_be_visible()
    expect(page.locator("#metoo-count")).to_have_text("1", use_inner_text=True)
    expect(page.get_by_role("button", name="У мене теж")).to_have_count(0)  # once per person
    _fits(page)


def test_official_extends_a_term_with_reasons(
    page: Any, login_as: Any, community: Any, social: Any, official: Any
) -> None:
    page.set_viewport_size(PHONE)
    resident = make_user(full_name="Іван Ткачук", email="ivan@example.org")
    draft = services.AppealDraft(
        kind="complaint",
        topic=Topic.AID,
        subject="Затримка виплати допомоги",
        text="Допомогу на проживання за жовтень не нараховано, хоча документи подано вчасно.",
        full_name="Іван Ткачук",
        residence="м. Зорянськ, вул. Миру, 12",
        contact="ivan@example.org",
    )
    appeal = services.appeal_file(author=resident, community=community, draft=draft)
    login_as(official)
    page.goto(f"/appeals/{appeal.pk}/")
    _fits(page)
    page.locator("#id_new_due").fill(appeal.ceiling_date.isoformat())
    page.get_by_role("button", name="Продовжити строк").click()
    expect(page.get_by_text("Вкажіть підстави продовження")).to_be_visible()  # without reasons: refused
    appeal.refresh_from_db()
    assert not appeal.extension_reasons
    page.locator("#id_new_due").fill(appeal.ceiling_date.isoformat())
    page.locator("#id_reasons").fill("Потрібен запит до Пенсійного фонду щодо періоду нарахування.")
    page.get_by_role("button", name="Продовжити строк").click()
    expect(page.get_by_text("Строк продовжено; заявникові повідомлено підстави.")).to_be_visible()
    expect(page.get_by_text("Потрібен запит до Пенсійного фонду")).to_be_visible()
    appeal.refresh_from_db()
    assert appeal.due_date == appeal.ceiling_date
    _fits(page)
