"""Phone journeys of issue 14 at 360 × 740, axe clean on every page they pass:

- sign-up from a petition with a mistyped (lost) confirmation e-mail, corrected, ending on the
  petition, signed;
- a vote with the live counter, with JavaScript on and off;
- an offline reload of a consultation read before, and a form sent offline that is not queued.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from uchast.testing.browser import assert_fits_phone

sys.path.insert(0, str(Path(__file__).parent))
import scenes  # noqa: E402

sys.path.insert(0, str(Path(__file__).parents[1] / "verification"))
from verification_helpers import rnokpp  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
PASSWORD = "zoriansk-rebuilds-2026"


def _phone(browser: Any, live_server: Any, *, javascript: bool = True) -> Any:
    context = browser.new_context(
        viewport=PHONE, locale="uk-UA", base_url=live_server.url, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def _fits(page: Any, *, javascript: bool = True) -> None:
    """No sideways scrolling and axe clean. Both run scripts in the page, which hang when the page's
    JavaScript is off: the same pages are checked with it on (the markup is the same)."""
    if not javascript:
        return
    assert_fits_phone(page)


def test_sign_up_from_a_petition_with_a_lost_email_ends_on_the_petition_signed(
    browser: Any, live_server: Any, community: Any, moderator: Any
) -> None:
    from uchast.petitions.models import Signature
    from uchast.verification.services import census_import

    petition = scenes.petition(community, moderator)
    number = rnokpp(date(1988, 4, 12), 5)
    census_import(
        community=community,
        actor=moderator,
        data=f"number,kind,birth_date,basis\n{number},rnokpp,1988-04-12,idp\n".encode(),
    )
    page = _phone(browser, live_server)
    url = f"/petitions/{petition.pk}/"
    page.goto(url)
    _fits(page)
    page.locator(".eligibility-notice").get_by_role("link", name="Зареєструватися").click()
    page.get_by_label("Електронна пошта").fill("olena@exmple.org")  # the typo: the e-mail never comes
    page.get_by_label("Пароль:", exact=True).fill(PASSWORD)
    page.get_by_label("Пароль (ще раз)").fill(PASSWORD)
    page.get_by_label(re.compile("Ваше ім")).fill("Олена Коваль")
    page.get_by_role("button", name="Зареєструватися").click()
    page.get_by_role("heading", name="Підтвердьте свою адресу електронної пошти").wait_for()
    _fits(page)
    page.get_by_role("link", name="Надіслати ще раз або виправити адресу").click()
    _fits(page)
    page.get_by_label("Адреса електронної пошти, з якою ви зареєструвалися").fill("olena@exmple.org")
    page.get_by_label("Пароль:", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile("Правильна адреса")).fill("olena@example.org")
    page.get_by_role("button", name="Надіслати лист").click()
    page.get_by_text("Лист для підтвердження надіслано на olena@example.org").wait_for()
    message = [m for m in mail.outbox if "olena@example.org" in m.to][-1]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)  # type: ignore[union-attr]
    page.goto("/" + link.split("/", 3)[3])
    _fits(page)
    page.get_by_role("button", name="Підтвердити").click()
    page.wait_for_url(re.compile(re.escape(url) + "$"))
    # Signed in, back on the petition: confirm the connection to the community, then sign.
    page.get_by_role("link", name="Підтвердьте зв'язок із громадою").click()
    page.get_by_role("link", name="Знайти себе у списку ради").click()
    _fits(page)
    page.get_by_label("Вид номера").select_option("rnokpp")
    page.get_by_label(re.compile(r"^Номер")).fill(number)
    page.get_by_label("Дата народження").fill("1988-04-12")
    page.get_by_role("button", name="Підтвердити").click()
    page.wait_for_url(re.compile(re.escape(url) + "$"))
    page.get_by_role("button", name="Підписати петицію").click()
    page.get_by_text("Ви підписали цю петицію.").wait_for()
    _fits(page)
    assert Signature.objects.filter(petition=petition, signer__email="olena@example.org").exists()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_vote_with_the_live_counter(
    browser: Any, live_server: Any, community: Any, administrator: Any, official: Any, javascript: bool
) -> None:
    from django.conf import settings
    from django.test import Client

    from uchast.budget.models import Ballot
    from uchast.testing.factories import make_verified_resident

    cycle = scenes.voting_cycle(community, administrator, official)
    voter = make_verified_resident(community, email="voter@example.org")
    page = _phone(browser, live_server, javascript=javascript)
    client = Client()
    client.force_login(voter)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto(f"/budget/{cycle.pk}/vote/")
    counter = page.locator(".ballot-left")
    assert "Залишилося місць із урахуванням поточного вибору: 2." in counter.inner_text()
    _fits(page, javascript=javascript)
    page.get_by_label(re.compile("Генератор для амбулаторії")).check()
    page.get_by_label(re.compile("Укриття для школи")).check()
    page.get_by_label(re.compile("Психологічна підтримка")).check()
    if javascript:
        assert not page.get_by_role("button", name="Перерахувати залишок").is_visible()
    else:
        page.get_by_role("button", name="Перерахувати залишок").click()
        page.get_by_text("Ваш бюлетень ще не подано").wait_for()
        assert not Ballot.objects.exists()
    expect(page.locator(".ballot-left")).to_contain_text("Ви обрали на 1 більше, ніж дозволено", use_inner_text=True)
    _fits(page, javascript=javascript)
    page.get_by_label(re.compile("Психологічна підтримка")).uncheck()
    if not javascript:
        page.get_by_role("button", name="Перерахувати залишок").click()
    expect(page.locator(".ballot-left")).to_contain_text(
        "Залишилося місць із урахуванням поточного вибору: 0.", use_inner_text=True
    )
    page.get_by_role("button", name="Проголосувати").click()
    page.get_by_role("heading", name="Ви обрали").wait_for()
    chosen = page.locator("main ul").first.inner_text()
    assert "Генератор для амбулаторії" in chosen and "Укриття для школи №2" in chosen and "Психологічна" not in chosen
    _fits(page, javascript=javascript)
    assert Ballot.objects.count() == 1


def test_offline_reload_of_a_read_consultation(browser: Any, live_server: Any, community: Any, official: Any) -> None:
    consultation = scenes.open_consultation(community, official)
    page = _phone(browser, live_server)
    url = f"/consultations/{consultation.pk}/"
    page.goto(url)
    # The worker registers after the first load and takes the page over; reading it again (online)
    # goes through the worker, which keeps it.
    # (Polled from here: wait_for_function evaluates a string, which the site's CSP forbids.)
    for _ in range(60):
        if page.evaluate("() => navigator.serviceWorker.controller !== null"):
            break
        page.wait_for_timeout(500)
    page.reload()
    page.context.set_offline(True)
    page.reload()
    page.get_by_text("Ви офлайн. Це копія сторінки").wait_for()
    expect(page.locator("h1")).to_contain_text(
        "Про Програму підтримки внутрішньо переміщених осіб", use_inner_text=True
    )
    _fits(page)
    # A page never read: the offline page, not a browser error.
    page.goto("/petitions/")
    page.get_by_role("heading", name="Ви офлайн").wait_for()
    # A form sent offline is not queued: the person is told nothing was sent.
    page.context.set_offline(False)
    page.goto(url)
    page.context.set_offline(True)
    page.evaluate("""() => { const f = document.querySelector('form.language-switch'); f.submit(); }""")
    page.get_by_text("Нічого не надіслано").wait_for()
    page.context.set_offline(False)
