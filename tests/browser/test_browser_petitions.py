"""Journeys: submit → moderate → sign by several residents → threshold → answer, with the e-mails
caught by a real SMTP server; a refused petition; a petition answered as an appeal after its deadline.
axe-core on every page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from uchast.petitions import services
from uchast.petitions.models import Petition, PetitionStatus
from uchast.testing.browser import assert_accessible
from uchast.testing.factories import make_verified_resident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hromada(community: Any) -> Any:
    community.statute = {"petition_threshold": 3, "petition_collection_days": 30}
    community.save()
    return community


def _published(hromada: Any, author: Any, moderator: Any, title: str) -> Petition:
    petition = services.petition_create(author=author, community=hromada, title=title, text="т" * 60)
    return services.petition_publish(
        petition=services.petition_submit(petition=petition, actor=author), actor=moderator
    )


def test_submit_moderate_sign_threshold_answer(
    page: Any, login_as: Any, hromada: Any, moderator: Any, official: Any, smtp_server: Any, tmp_path: Any
) -> None:
    author = make_verified_resident(hromada, full_name="Олена Шевчук", email="olena@example.org")
    other = make_verified_resident(hromada, email="other@example.org")
    _published(hromada, other, moderator, "Облаштувати укриття у школі №2")

    login_as(author)
    page.goto("/petitions/")
    assert_accessible(page)
    page.get_by_role("link", name="Створити петицію").click()
    assert_accessible(page)
    page.get_by_label("Назва").fill("Облаштувати укриття в школі № 2 у Степовому")
    page.get_by_label("Текст петиції").fill("Школа відновлює очне навчання, але підвал не облаштований як укриття.")
    page.get_by_role("button", name="Зберегти чернетку").click()
    page.wait_for_url(re.compile(r"/petitions/\d+/$"))
    expect(page.get_by_role("heading", name="Схожі петиції")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Подати на модерацію").click()
    expect(page.get_by_text("Петицію подано на модерацію.")).to_be_visible()
    expect(page.get_by_text("Рішення модератора до")).to_be_visible()
    assert_accessible(page)
    petition = Petition.objects.get(author=author)

    login_as(moderator)
    page.goto("/petitions/staff/")
    assert_accessible(page)
    page.get_by_role("link", name=petition.title).click()
    expect(page.get_by_role("heading", name="Схожі петиції")).to_be_visible()
    page.get_by_role("button", name="Оприлюднити для збору підписів").click()
    expect(page.get_by_text("Петицію оприлюднено, триває збір підписів.")).to_be_visible()
    assert_accessible(page)
    assert "оприлюднено" in smtp_server.wait_for("olena@example.org")[0]["Subject"]

    follower = make_verified_resident(hromada, email="follower@example.org")
    login_as(follower)
    page.goto(f"/petitions/{petition.pk}/")
    page.locator("#follow button").click()
    expect(page.locator("#follow button")).to_have_attribute("aria-pressed", "true")

    signers = [make_verified_resident(hromada, email=f"signer{i}@example.org") for i in range(3)]
    for signer in signers:
        login_as(signer)
        page.goto(f"/petitions/{petition.pk}/")
        page.get_by_role("button", name="Підписати петицію").click()
        expect(page.get_by_text("Дякуємо, ваш підпис враховано.")).to_be_visible()
    page.locator("#comment-body").fill("Підтримую: у підвалі школи немає вентиляції.")
    page.locator("#comment-form button[type=submit]").click()
    expect(page.get_by_text("Підтримую: у підвалі школи немає вентиляції.")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_text("3 з 3 підписів")).to_be_visible()
    expect(page.get_by_text("на розгляді").first).to_be_visible()
    expect(page.get_by_text("Відповідь має бути надано до")).to_be_visible()
    smtp_server.wait_for("olena@example.org", count=2)

    login_as(official)
    page.goto(f"/petitions/{petition.pk}/")
    page.get_by_label("Відповідальна посадова особа").select_option(str(official.pk))
    page.get_by_role("button", name="Призначити").click()
    expect(page.get_by_text("Розгляд петиції доручено.")).to_be_visible()
    decision = tmp_path / "rishennia.pdf"
    decision.write_bytes(b"%PDF-1.4\n% test decision\n%%EOF\n")
    page.get_by_label(re.compile(r"^Рішення:?$")).select_option("partly")
    page.get_by_label("Відповідь ради").fill("Рада підтримує облаштування укриття з наступного бюджетного року.")
    page.get_by_label("Рішення ради та інші документи").set_input_files(str(decision))
    page.get_by_role("button", name="Оприлюднити відповідь").click()
    expect(page.get_by_text("Відповідь оприлюднено; автора та підписантів повідомлено.")).to_be_visible()
    expect(page.get_by_role("link", name="rishennia")).to_be_visible()
    assert_accessible(page)

    answer_mail = smtp_server.wait_for("olena@example.org", count=3)[-1]
    assert "Рада відповіла на вашу петицію" in answer_mail["Subject"]
    assert "Рішення: підтримано частково." in smtp_server.body(answer_mail)
    for signer in [*signers, follower]:
        (mail,) = smtp_server.wait_for(signer.email)
        assert "яку ви підписали" in mail["Subject"]


def test_refused_petition_tells_author_why(
    page: Any, login_as: Any, hromada: Any, moderator: Any, smtp_server: Any
) -> None:
    author = make_verified_resident(hromada, email="taras@example.org")
    petition = services.petition_create(
        author=author, community=hromada, title="Перенести державний кордон", text="Вимагаємо змінити кордон України."
    )
    services.petition_submit(petition=petition, actor=author)
    login_as(moderator)
    page.goto(f"/petitions/{petition.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Відмовити", exact=True).click()  # no explanation: refused, nothing changes
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.MODERATION
    page.get_by_label("Підстава для відмови").select_option("outside_competence")
    page.get_by_label("Пояснення для автора").fill("Зміна державного кордону не належить до повноважень ради.")
    page.get_by_role("button", name="Відмовити", exact=True).click()
    expect(page.get_by_text("автора повідомлено про причину")).to_be_visible()
    (mail,) = smtp_server.wait_for("taras@example.org")
    assert "не належить до повноважень ради" in smtp_server.body(mail)
    login_as(author)
    page.goto(f"/petitions/{petition.pk}/")
    expect(page.get_by_role("heading", name="В оприлюдненні відмовлено")).to_be_visible()
    expect(page.get_by_text("питання не належить до повноважень ради")).to_be_visible()
    assert_accessible(page)


def test_below_threshold_answered_as_appeal(
    page: Any, login_as: Any, hromada: Any, moderator: Any, official: Any, smtp_server: Any
) -> None:
    from django.core.management import call_command

    author = make_verified_resident(hromada, email="mariia@example.org")
    petition = _published(hromada, author, moderator, "Встановити пандус біля амбулаторії у Степовому")
    services.signature_create(petition=petition, signer=make_verified_resident(hromada))
    call_command("petitions_tick", today=(petition.collection_deadline + timedelta(days=1)).isoformat())
    assert "як звернення" in smtp_server.wait_for("mariia@example.org")[-1]["Subject"]
    login_as(official)
    page.goto(f"/petitions/{petition.pk}/")
    expect(page.get_by_text("розглядається як звернення").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Рішення:?$")).select_option("supported")
    page.get_by_label("Відповідь ради").fill("Пандус внесено до плану ремонту амбулаторії на цей рік.")
    page.get_by_role("button", name="Оприлюднити відповідь").click()
    expect(page.get_by_text("Відповідь оприлюднено")).to_be_visible()
    page.goto("/petitions/?status=answered")
    expect(page.get_by_role("link", name=petition.title)).to_be_visible()
    assert_accessible(page)
    assert "Рада відповіла" in smtp_server.wait_for("mariia@example.org", count=2)[-1]["Subject"]
