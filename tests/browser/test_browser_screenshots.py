"""Screenshots of home, a ballot, results and a consultation on a 360 px phone (issue 14), with
Ukrainian demo-like content. `make screenshots` writes them to docs/screenshots/ (the directory in
UCHAST_SCREENSHOTS_DIR); otherwise they go to a temporary directory, so a test run never changes
the repository. Each page is also checked: no sideways scrolling, axe clean."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from uchast.testing.browser import assert_accessible
from uchast.testing.factories import make_verified_resident

sys.path.insert(0, str(Path(__file__).parent))
import scenes  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_screenshots_at_360_px(
    browser: Any, live_server: Any, community: Any, administrator: Any, official: Any, moderator: Any, tmp_path: Path
) -> None:
    target = Path(os.environ.get("UCHAST_SCREENSHOTS_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    scenes.petition(community, moderator)
    consultation = scenes.open_consultation(community, official)
    results = scenes.published_results(community, administrator, official)
    voting = scenes.voting_cycle(community, administrator, official)
    voter = make_verified_resident(community, email="screenshot-voter@example.org")
    client = Client()
    client.force_login(voter)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="uk-UA", base_url=live_server.url
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    shots = {
        "home": "/",
        "ballot": f"/budget/{voting.pk}/vote/",
        "results": f"/budget/{results.pk}/results/",
        "consultation": f"/consultations/{consultation.pk}/",
    }
    for name, path in shots.items():
        page.goto(path)
        if name == "ballot":
            page.locator("input[name=project]").first.check()
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{path} is {scroll} px wide"
        assert_accessible(page)
        page.screenshot(path=str(target / f"{name}-360.png"), full_page=True)
        assert (target / f"{name}-360.png").stat().st_size > 5_000
    context.close()
