"""Journey: sign up → confirm e-mail (real SMTP) → log in → switch language → profile. axe on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from uchast.testing.browser import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_signup_confirm_login_language_profile(page, live_server, community, smtp_server):
    page.goto("/")
    assert page.locator("h1").inner_text() == community.name_uk
    assert_accessible(page)

    page.locator(".site-menu summary").click()  # the compact header's menu (issue 14)
    page.get_by_role("link", name="Зареєструватися").click()
    assert_accessible(page)
    page.get_by_label("Електронна пошта").fill("kateryna@example.org")
    page.get_by_label(re.compile(r"^Пароль:?$")).fill("zoriansk-rebuilds-2026")
    page.get_by_label("Пароль (ще раз)").fill("zoriansk-rebuilds-2026")
    page.get_by_label("Ваше ім'я").fill("Катерина Бойко")
    page.get_by_role("button", name="Зареєструватися").last.click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert_accessible(page)

    (message,) = smtp_server.wait_for("kateryna@example.org")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", smtp_server.body(message)).group(0)
    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name="Підтвердити").click()
    page.wait_for_url(re.compile(r"/me/"))

    page.get_by_role("button", name="Вийти").click()
    page.get_by_role("link", name="Увійти").first.click()
    assert_accessible(page)
    page.get_by_label("Електронна пошта").fill("kateryna@example.org")
    page.get_by_label(re.compile(r"^Пароль:?$")).fill("zoriansk-rebuilds-2026")
    page.get_by_role("button", name="Увійти").click()
    page.wait_for_url(re.compile(r"/me/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Мій профіль", use_inner_text=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile", use_inner_text=True)
    expect(page.get_by_label(re.compile(r"^Your name:?$"))).to_have_value("Катерина Бойко")
    assert_accessible(page)

    page.get_by_label(re.compile(r"^Your name:?$")).fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".errorlist").first).to_be_attached()
    assert_accessible(page)


def test_pages_work_without_javascript(browser, live_server, community):
    # axe needs JavaScript, so accessibility of these pages is checked in the journeys above.
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url, locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/")
    # The header's menu is a <details>: it opens without JavaScript.
    assert not page.get_by_role("link", name="Як взяти участь").is_visible()
    page.locator(".site-menu summary").click()
    menu = page.get_by_role("navigation", name="Головне меню")
    expect(menu.get_by_role("link", name="Як взяти участь")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/about/")
    expect(page.locator("h1")).to_contain_text("How to take part", use_inner_text=True)
    page.goto("/no-such-page/")
    expect(page.locator("h1")).to_have_text("Page not found", use_inner_text=True)
    context.close()


def test_about_and_404_pages_are_accessible(page, community):
    page.goto("/about/")
    assert_accessible(page)
    page.goto("/no-such-page/")
    expect(page.locator("h1")).to_have_text("Сторінку не знайдено", use_inner_text=True)
    assert_accessible(page)


def test_login_as_fixture_signs_in(page, login_as, resident, community):
    login_as(resident)
    page.goto("/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Мій профіль", use_inner_text=True)
