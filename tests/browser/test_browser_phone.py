"""Every page of the demo, as every role, on a 360 × 740 phone (issue 14): no page is wider than the
screen (WCAG 1.4.10, reflow) and axe finds nothing, `landmark-unique` and `heading-order` included.

One browser, one page per role. Pages are found by the same crawl as tests/core/test_core_demo_crawl.py
(the Django test client, fast); the browser then opens each one. The width is checked on every page;
axe, the slow part, runs once per kind of page (the path with its numbers blanked) and role.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from uchast.accounts.demo import load_demo
from uchast.accounts.models import Role
from uchast.testing.browser import axe_violations
from uchast.testing.crawl import crawl, is_html_page

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
# The ballot and the receipt check are being rewritten for issue 12 (the budget vote/receipt flow) by
# that helper, who owns these templates; they are checked and reported, but do not fail here
# until that work lands. Remove a pattern once its page passes.
EXPECTED_TO_FAIL: dict[str, str] = {}


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path.split("?")[0])


def _visitors() -> dict[str, Any]:
    context = load_demo()
    visitors: dict[str, Any] = {"anonymous": None, "resident": context.residents[0]}
    for role in (Role.OFFICIAL, Role.MODERATOR, Role.ADMINISTRATOR):
        visitors[role.value] = context.staff[role.value]
    return visitors


def _pages(user: Any) -> tuple[Client, list[str]]:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client, [path for path, response in crawl(client).items() if is_html_page(response)]


def _check(page: Any, path: str, *, run_axe: bool) -> list[str]:
    page.goto(path)
    found = []
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
        )
        found.append(f"{scroll} px wide ({', '.join(wide)})")
    if run_axe:
        for v in axe_violations(page):
            found.append(f"axe {v['id']}: " + "; ".join(n["target"][0] for n in v["nodes"][:3]))
    return found


def test_every_demo_page_fits_a_phone_and_is_accessible(browser, live_server):
    problems: dict[str, list[str]] = {}
    expected: dict[str, list[str]] = {}
    for name, user in _visitors().items():
        client, paths = _pages(user)
        context = browser.new_context(viewport=PHONE, locale="uk-UA", base_url=live_server.url)
        if user is not None:
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        checked: set[str] = set()
        for path in paths:
            kind = _kind(path)
            found = _check(page, path, run_axe=kind not in checked)
            checked.add(kind)
            if found:
                target = expected if kind in EXPECTED_TO_FAIL else problems
                target[f"{name} {path}"] = found
        context.close()
        assert len(paths) > 20, f"{name} reached only {paths}"
    if expected:
        print("Expected failures (issue 12):", expected)
    assert not problems, "\n".join(f"{where}: {'; '.join(found)}" for where, found in problems.items())


def test_the_live_opinion_map_refreshes_itself(page, community, official):
    """uchast/refresh.js (1 KB, in place of htmx) fetches the map every minute and keeps the region."""
    from datetime import timedelta

    from django.utils import timezone

    from uchast.consultations import services
    from uchast.consultations.drafts import sections_from_markdown

    now = timezone.now()
    c = services.consultation_create(
        actor=official,
        community=community,
        title="Про сквер",
        summary="Коротко.",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10),
        responsible_name="Андрій Мельник",
        responsible_contacts="rada@example.org",
    )
    services.draft_version_publish(actor=official, consultation=c, sections=sections_from_markdown("## Сквер\nЛавки."))
    for _ in range(2):
        c = services.consultation_advance(actor=official, consultation=c)
    page.clock.install()
    page.goto(c.get_absolute_url())
    with page.expect_response(f"**/consultations/{c.pk}/opinion/") as response:
        page.clock.run_for("01:05")
    assert response.value.ok
    page.wait_for_timeout(200)
    expect(page.locator("#opinion-live[aria-live=polite]")).to_have_count(1)
    assert page.locator("#opinion-live").inner_text().strip()
