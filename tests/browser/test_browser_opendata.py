"""The API explorer and the open-data catalogue in a real browser (issue 18): Swagger UI from our own
static files under the site's CSP renders every operation, in the page's language, with no console
error (a CSP refusal is one), and both pages pass axe."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from uchast.api.api import api
from uchast.testing.browser import assert_accessible


def _operation_count() -> int:
    schema = api.get_openapi_schema()
    return sum(len(methods) for methods in schema["paths"].values())


def _watch_console(page: Any) -> list[str]:
    problems: list[str] = []
    # The site has no favicon yet (every page's browser asks); that 404 is not this page's error.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    return problems


def test_api_explorer_renders_every_operation_without_console_errors(page: Any, community: Any) -> None:
    problems = _watch_console(page)
    page.goto("/api/docs")  # the old address redirects to the versioned page
    assert page.url.endswith("/api/v1/docs")
    expect(page.locator("h1").first).to_have_text("Документація API", use_inner_text=True)
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() == _operation_count()
    # Operation summaries come in the page's language.
    expect(page.get_by_text("Підписати петицію").first).to_be_attached()
    assert not problems, problems
    page.locator(".opblock-summary-control").first.click()  # an operation opens
    page.locator(".opblock-body").first.wait_for()
    assert not problems, problems
    assert_accessible(page)


def test_api_explorer_in_english(page: Any, live_server: Any, community: Any) -> None:
    from django.conf import settings

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    problems = _watch_console(page)
    page.goto("/api/v1/docs")
    expect(page.locator("h1").first).to_have_text("API documentation", use_inner_text=True)
    page.get_by_text("Sign a petition").first.wait_for()
    assert not problems, problems


def test_open_data_catalogue_is_accessible(page: Any, community: Any) -> None:
    problems = _watch_console(page)
    page.goto("/open-data/")
    expect(page.locator("h1")).to_have_text("Відкриті дані", use_inner_text=True)
    assert page.locator("section.open-dataset").count() >= 9
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # fits a phone (the viewport of the suite)
    assert not problems, problems
    assert_accessible(page)
