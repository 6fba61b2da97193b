"""Playwright driving Debian's chromium (never a downloaded browser) and axe-core checks."""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page; returns the violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    violations: list[dict[str, Any]] = results.response.get("violations", [])
    return violations


def settle(page: Any) -> None:
    """Wait until the page a click opened has loaded. Playwright's ``click`` returns once the
    navigation it started has committed, before the new document is parsed: a script run at that
    moment finds no ``document.documentElement`` (seen in CI as "Cannot read properties of null")."""
    page.wait_for_load_state()


def assert_fits_phone(page: Any) -> None:
    """No sideways scrolling (nothing wider than the viewport), and axe clean."""
    settle(page)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        raise AssertionError(f"{page.url} is {scroll} px wide at {inner} px")
    assert_accessible(page)


def assert_accessible(page: Any) -> None:
    settle(page)
    violations = axe_violations(page)
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in violations
        ]
        raise AssertionError(f"axe-core found violations on {page.url}:\n" + "\n".join(lines))
