"""Journeys at 360 px, axe-core and width checked on every page: register an organisation and get
it confirmed; apply to a competition with a budget table; score as a commission member with a
conflict declared on one application; publish the results."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.organisations.conftest import announce, apply, close_applications, register
from uchast.organisations import services
from uchast.organisations.models import Application, ApplicationStatus, Organisation, OrganisationStatus
from uchast.testing.browser import assert_fits_phone
from uchast.testing.factories import make_user, make_verified_resident

pytestmark = pytest.mark.django_db(transaction=True)


def check(page: Any) -> None:
    assert_fits_phone(page)


@pytest.fixture
def phone(page: Any) -> Any:
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def test_register_and_get_confirmed(phone: Any, login_as: Any, community: Any, official: Any) -> None:
    head = make_verified_resident(community, full_name="Олена Коваль", email="olena@example.org")
    login_as(head)
    phone.goto("/organisations/")
    check(phone)
    phone.get_by_role("link", name="Зареєструвати організацію").click()
    check(phone)
    phone.get_by_label("Повна назва").fill("ГО «Зоряни разом»")
    phone.get_by_label("Код ЄДРПОУ").fill("43005390")
    phone.get_by_label("Організаційно-правова форма").select_option("public_organisation")
    phone.get_by_label("Дата державної реєстрації").fill("2019-04-12")
    phone.get_by_label("Напрями діяльності").fill("допомога ВПО")
    phone.get_by_label("Працює з переселенцями").check()
    phone.get_by_label("Контактна електронна пошта").fill("info@zoriany.org.ua")
    phone.get_by_role("button", name="Зареєструвати").click()
    expect(phone.get_by_text("контрольна цифра не збігається")).to_be_visible()
    check(phone)
    phone.get_by_label("Код ЄДРПОУ").fill("43005393")
    phone.get_by_role("button", name="Зареєструвати").click()
    phone.wait_for_url(re.compile(r"/organisations/\d+/$"))
    expect(phone.get_by_text("очікує підтвердження")).to_be_visible()
    check(phone)

    login_as(official)
    phone.goto("/organisations/staff/")
    check(phone)
    phone.get_by_role("link", name="ГО «Зоряни разом»").click()
    phone.get_by_role("button", name="Підтвердити організацію").click()
    expect(phone.get_by_text("Організацію підтверджено.")).to_be_visible()
    check(phone)
    assert Organisation.objects.get().status == OrganisationStatus.CONFIRMED


def test_apply_with_a_budget_table(phone: Any, login_as: Any, community: Any, official: Any) -> None:
    head = make_verified_resident(community, full_name="Олена Коваль", email="olena@example.org")
    organisation = services.organisation_confirm(organisation=register(community, head), actor=official)
    competition = announce(community, official, [official])
    login_as(head)
    phone.goto(competition.get_absolute_url())
    check(phone)
    phone.get_by_role("link", name="Подати пропозицію від своєї організації").click()
    check(phone)
    phone.get_by_label("Назва програми").fill("Правова допомога переселенцям")
    phone.get_by_label("Мета").fill("Консультації для ВПО")
    phone.get_by_label("Заходи").fill("Щотижневі прийоми")
    phone.get_by_label("Терміни виконання програми").fill("Березень — листопад")
    phone.get_by_label("Позиція 1").fill("Оренда")
    phone.get_by_label("Власні кошти, грн 1").fill("5000")
    phone.get_by_label("Позиція 2").fill("Юристи")
    phone.get_by_label("Запитано, грн 2").fill("40000")
    phone.get_by_label("Власний внесок усього, грн").fill("5000")
    phone.get_by_label("Запитано всього, грн").fill("45000")
    phone.get_by_role("button", name="Подати пропозицію").click()
    expect(phone.get_by_text("Запитані суми в кошторисі становлять 40 000.00 грн")).to_be_visible()
    check(phone)
    phone.get_by_label("Запитано всього, грн").fill("40000")
    phone.get_by_role("button", name="Подати пропозицію").click()
    phone.wait_for_url(re.compile(r"/organisations/applications/\d+/$"))
    expect(phone.get_by_text("Пропозицію подано.")).to_be_visible()
    check(phone)
    application = Application.objects.get()
    assert (application.organisation, application.requested_total) == (organisation, 40_000_00)


def test_score_with_a_conflict_declared_and_publish(phone: Any, login_as: Any, community: Any, official: Any) -> None:
    member = make_user(full_name="Ірина Гнатюк", email="hnatiuk@example.org")
    competition = announce(community, official, [official, member])
    heads = [make_verified_resident(community, email=f"head{i}@example.org") for i in range(2)]
    first = services.organisation_confirm(organisation=register(community, heads[0]), actor=official)
    second = services.organisation_confirm(
        organisation=register(community, heads[1], name="БО «Світанок»", edrpou="14360570"), actor=official
    )
    applications = [apply(competition, first, heads[0]), apply(competition, second, heads[1], requested=45_000_00)]
    competition = close_applications(competition)
    for application in applications:
        services.application_set_eligibility(application=application, actor=official, eligible=True)

    login_as(member)
    phone.goto(applications[0].get_absolute_url())
    check(phone)
    phone.get_by_label("Суть конфлікту").fill("Я членкиня правління цієї ГО")
    phone.get_by_role("button", name="Заявити про конфлікт").click()
    expect(phone.get_by_text("Ваш конфлікт інтересів зафіксовано")).to_be_visible()
    expect(phone.get_by_role("button", name="Зберегти мої оцінки")).to_have_count(0)
    check(phone)
    phone.goto(applications[1].get_absolute_url())
    phone.get_by_label("Актуальність (0–10)").fill("9")
    phone.get_by_label("Реалістичність бюджету (0–10)").fill("8")
    phone.get_by_role("button", name="Зберегти мої оцінки").click()
    expect(phone.get_by_text("Ваші оцінки збережено.")).to_be_visible()
    check(phone)

    login_as(official)
    for application, marks in zip(applications, [("7", "7"), ("6", "6")], strict=True):
        phone.goto(application.get_absolute_url())
        phone.get_by_label("Актуальність (0–10)").fill(marks[0])
        phone.get_by_label("Реалістичність бюджету (0–10)").fill(marks[1])
        phone.get_by_role("button", name="Зберегти мої оцінки").click()
    phone.goto(competition.get_absolute_url())
    phone.get_by_role("button", name="Оприлюднити результати").click()
    expect(phone.get_by_text("Результати оприлюднено.")).to_be_visible()
    check(phone)
    phone.context.clear_cookies()
    phone.goto(applications[1].get_absolute_url())
    expect(phone.get_by_text("Ірина Гнатюк")).to_be_visible()  # every member's scores are public
    check(phone)
    statuses = {a.pk: a.status for a in Application.objects.all()}
    assert statuses[applications[1].pk] == ApplicationStatus.WINNER  # mean of 17 and 12 = 14.5, ahead of 14
