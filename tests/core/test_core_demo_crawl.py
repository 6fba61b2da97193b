"""The whole demo, crawled as every kind of visitor: no server error, no link to a forbidden page.

Loads `uchast demo` (every module's content), then follows every same-site link reachable from the
home page as an anonymous visitor, a resident, an official, a moderator and an administrator.
"""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.test import Client

from uchast.accounts.demo import load_demo
from uchast.accounts.models import Role

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/media/", "/admin/", "/accounts/logout", "/i18n/", "/api/openapi.json")
MAX_PAGES = 400


def _crawl(client: Client) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for link in LINK.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if link not in seen and not link.startswith(SKIP):
                    queue.append(link)
    return seen


@pytest.mark.slow
@pytest.mark.django_db
def test_no_server_error_anywhere_in_the_demo():
    context = load_demo()
    visitors = {"anonymous": None, "resident": context.residents[0]}
    for role in (Role.OFFICIAL, Role.MODERATOR, Role.ADMINISTRATOR):
        visitors[role.value] = context.staff[role.value]
    runs = [(name, user, "uk") for name, user in visitors.items()]
    runs += [("anonymous-en", None, "en"), ("official-en", visitors["official"], "en")]
    for name, user, language in runs:
        client = Client()
        client.cookies["uchast_language"] = language
        if user is not None:
            client.force_login(user)
        statuses = _crawl(client)
        errors = {path: status for path, status in statuses.items() if status >= 500}
        assert not errors, f"{name}: {errors}"
        # A link the page shows must lead somewhere the visitor may go.
        forbidden = {path: status for path, status in statuses.items() if status == 403}
        assert not forbidden, f"{name} is shown links it may not open: {forbidden}"
        assert len(statuses) > 20, f"{name} reached only {sorted(statuses)}"
