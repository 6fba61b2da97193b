from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls
# made by the test itself (the live server runs in its own thread and is unaffected). Tests that
# start `uchast` subprocesses drop this variable from the child's environment.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from uchast.testing.browser import CHROMIUM, launch

    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="uk-UA", viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def login_as(page: Any, live_server: Any) -> Any:
    """Signs ``user`` in for the browser page without going through the login form (which the
    foundation journey tests); staff keep their TOTP device, so the 2FA middleware lets them in."""
    from django.conf import settings
    from django.test import Client

    def login(user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return login
