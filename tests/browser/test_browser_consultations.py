"""A consultation from announcement to published report, in the browser, with axe on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from uchast.testing.browser import assert_accessible, assert_fits_phone

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = """# Про Програму підтримки ВПО на 2027 рік

## Житло
Компенсація оренди протягом шести місяців.

## Робота
Мікрогранти на власну справу.
"""

STATEMENTS = [
    "Житло важливіше за роботу.",
    "Мікрогранти кращі за виплати.",
    "Потрібні хаби в Дніпрі.",
    "Звіти мають бути відкритими.",
]
# Two camps: the first two residents agree on 1 and disagree on 2; the others the opposite; all agree on 3 and 4.
VIEWS = [["1", "-1", "1", "1"], ["1", "-1", "1", "1"], ["-1", "1", "1", "1"], ["-1", "1", "1", "1"]]


def _local(delta: timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def _visit(page, url: str) -> None:
    page.goto(url)
    assert_accessible(page)


def test_consultation_from_announcement_to_report(page, login_as, community, official, smtp_server, settings):
    from uchast.consultations.models import Consultation, Proposal
    from uchast.testing.factories import make_verified_resident

    residents = [
        make_verified_resident(community, email=f"r{n}@example.org", full_name=f"Мешканка {n}") for n in range(4)
    ]

    # Official announces the consultation with its draft.
    login_as(official)
    _visit(page, "/consultations/new/")
    page.fill("[name=title]", "Про Програму підтримки ВПО на 2027 рік")
    page.fill("[name=summary]", "Програма підтримки внутрішньо переміщених осіб.")
    page.fill("[name=affected_groups]", "Мешканці зі статусом ВПО.")
    page.fill("[name=starts_at]", _local(timedelta(hours=-1)))
    page.fill("[name=ends_at]", _local(timedelta(days=20)))
    page.fill("[name=responsible_name]", "Андрій Мельник")
    page.fill("[name=responsible_contacts]", "rada@example.org")
    page.select_option("[name=audience]", "verified")
    page.click("main form button[type=submit]")
    assert_accessible(page)
    page.fill("[name=text]", DRAFT)
    page.click("main form button[type=submit]")
    consultation = Consultation.objects.get()
    assert consultation.versions.get().sections.count() == 2
    detail = f"/consultations/{consultation.pk}/"
    page.click("form[action$='/advance/'] button")  # announce
    page.click("form[action$='/advance/'] button")  # open
    assert_accessible(page)

    _visit(page, f"/consultations/{consultation.pk}/meetings/new/")
    page.fill("[name=title]", "Зустріч у Дніпрі")
    page.select_option("[name=kind]", "in_person")
    page.fill("[name=starts_at]", _local(timedelta(days=3)))
    page.fill("[name=place]", "м. Дніпро, вул. Вигадана, 1")
    page.fill("[name=capacity]", "30")
    page.click("main form button[type=submit]")

    _visit(page, f"/consultations/{consultation.pk}/surveys/new/")
    page.fill("[name=title]", "Що для вас найважливіше?")
    page.click("main form button[type=submit]")
    assert_accessible(page)
    page.select_option("[name=kind]", "scale")
    page.fill("[name=text]", "Наскільки вам потрібна допомога з житлом?")
    page.click("form[action$='/questions/'] button[type=submit]")
    survey_url = page.url

    _visit(page, f"/consultations/{consultation.pk}/statements/")
    for text in STATEMENTS:
        page.fill("[name=text]", text)
        page.click("form.stack button[type=submit]")
    assert consultation.statements.count() == 4

    # Residents take part.
    first = residents[0]
    login_as(first)
    section = consultation.versions.get().sections.get(position=1)
    _visit(page, f"/consultations/sections/{section.pk}/")
    page.fill("#comment-body", "Дякую, дуже потрібна програма.")
    page.click("#comment-form button[type=submit]")
    page.fill("[name=body]", "Подовжити строк компенсації.")
    page.fill("[name=proposed_text]", "Компенсація оренди протягом дев'яти місяців.")
    page.click("form[action$='/propose/'] button[type=submit]")
    assert page.locator(".diff del").first.inner_text().strip().endswith("шести")
    assert_accessible(page)

    page.goto(survey_url)
    page.check("input[type=radio][value='5']")
    page.click("main form.stack button[type=submit]")
    assert "/results/" in page.url
    assert_accessible(page)

    page.goto(f"/consultations/meetings/{consultation.meetings.get().pk}/")
    page.click("form[action$='/register/'] button")
    assert_accessible(page)

    # Another resident supports the wording proposal.
    login_as(residents[1])
    _visit(page, f"/consultations/sections/{section.pk}/")
    page.click("form[action$='/support/'] button")
    assert Proposal.objects.get().support_count == 1

    for resident, views in zip(residents, VIEWS, strict=True):
        login_as(resident)
        _visit(page, f"/consultations/{consultation.pk}/statements/")
        for value in views:
            page.click(f"form.statement-card button[value='{value}']")
        expect(page.locator("form.statement-card")).to_have_count(0)

    # The official closes the consultation: the final map is computed by the task.
    login_as(official)
    page.goto(detail)
    page.click("form[action$='/advance/'] button")
    _visit(page, f"/consultations/{consultation.pk}/statements/")
    expect(page.locator(".opinion-map svg circle")).to_have_count(4)
    expect(page.locator("table caption").first).to_be_visible()
    consultation.refresh_from_db()
    assert len(consultation.opinion.data["groups"]) == 2

    meeting = consultation.meetings.get()
    _visit(page, f"/consultations/meetings/{meeting.pk}/")
    page.fill("[name=minutes]", "Обговорили проєкт Програми.")
    page.fill("[name=attended]", "24")
    page.fill("[name=proposals]", "Мешканець з Калинівки | Відкрити хаб у Запоріжжі")
    page.click("form[action$='/minutes/'] button[type=submit]")
    assert Proposal.objects.count() == 2

    _visit(page, f"/consultations/{consultation.pk}/answers/")
    for proposal, status in zip(Proposal.objects.order_by("pk"), ["partly", "accepted"], strict=True):
        block = page.locator(f"#proposal-{proposal.pk}")
        block.locator("select[name=status]").select_option(status)
        block.locator("textarea[name=reason]").fill("Враховано з огляду на бюджет.")
        block.locator("button[type=submit]").click()
    page.goto(detail)
    page.fill("[name=summary]", "Надійшло дві пропозиції, обидві враховано.")
    page.click("form[action$='/report/publish/'] button[type=submit]")
    assert page.url.endswith("/report/")
    assert_accessible(page)
    expect(page.locator("#proposal-" + str(Proposal.objects.order_by("pk").first().pk))).to_be_visible()

    # The proposer is told, and anyone can read the report.
    smtp_server.wait_for(first.email)
    login_as(residents[3])
    _visit(page, f"/consultations/{consultation.pk}/report/")
    _visit(page, detail)


PHONE = {"width": 360, "height": 740}


def _fits(page, url: str | None = None) -> None:
    if url is not None:
        page.goto(url)
    assert_fits_phone(page)


def test_organisation_member_proposes_a_meeting_the_council_accepts(page, login_as, community, official):
    """At 360 px: a member proposes a meeting on behalf of the organisation, staff accept it, and it
    is public with its co-organiser."""
    from tests.consultations.conftest import make_consultation
    from tests.organisations.conftest import register
    from uchast.consultations.models import Meeting
    from uchast.organisations import services as org_services
    from uchast.testing.factories import make_verified_resident

    member = make_verified_resident(community, email="olena@example.org", full_name="Олена Коваль")
    organisation = org_services.organisation_confirm(organisation=register(community, member), actor=official)
    consultation = make_consultation(community, official)
    detail = f"/consultations/{consultation.pk}/"
    page.set_viewport_size(PHONE)

    login_as(member)
    _fits(page, detail)
    page.get_by_role("link", name="Запропонувати зустріч від імені вашої організації").click()
    _fits(page)
    page.select_option("[name=organisation]", str(organisation.pk))
    page.fill("[name=title]", "Зустріч переселенців у Запоріжжі")
    page.select_option("[name=kind]", "in_person")
    page.fill("[name=starts_at]", _local(timedelta(days=3)))
    page.fill("[name=place]", "м. Запоріжжя, вул. Вигадана, 7")
    page.fill("[name=capacity]", "40")
    page.click("main form button[type=submit]")
    _fits(page)  # the proposer's list, with the proposal awaiting the council
    assert "очікує на рішення ради" in page.content()

    login_as(official)
    _fits(page, detail)
    page.get_by_role("link", name="1 запропонована зустріч очікує на ваше рішення").click()
    _fits(page)
    page.get_by_role("button", name="Прийняти й оприлюднити").click()
    meeting = Meeting.objects.get()
    assert meeting.co_organiser == organisation

    page.context.clear_cookies()
    _fits(page, detail)
    assert "організатори: рада та" in page.content()
    page.get_by_role("link", name="Зустріч переселенців у Запоріжжі").click()
    _fits(page)
    assert "Олена Коваль від імені ГО «Зорянські переселенці»" in page.content()
    expect(page.get_by_role("link", name=organisation.name).first).to_be_visible()
