"""Crawls the site as one visitor: every same-site link reachable from the home page.

Shared by the demo crawl (no server error, no forbidden link) and the phone crawl (every page fits
360 px and is axe clean), so both visit the same pages.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/media/", "/admin/", "/accounts/logout", "/i18n/", "/api/openapi.json")
MAX_PAGES = 400


def crawl(client: Any, *, start: str = "/", max_pages: int = MAX_PAGES) -> dict[str, Any]:
    """Path -> response for every page reached (a Django test client, logged in or not)."""
    seen: dict[str, Any] = {}
    queue = deque([start])
    while queue and len(seen) < max_pages:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if is_html_page(response):
            for link in LINK.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if link not in seen and not link.startswith(SKIP):
                    queue.append(link)
    return seen


def is_html_page(response: Any) -> bool:
    return bool(response.status_code == 200 and "text/html" in response.get("Content-Type", ""))
