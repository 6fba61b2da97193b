"""The whole demo, crawled as every kind of visitor: no server error, no link to a forbidden page.

Loads `uchast demo` (every module's content), then follows every same-site link reachable from the
home page as an anonymous visitor, a resident, an official, a moderator and an administrator.
"""

from __future__ import annotations

import pytest
from django.test import Client

from uchast.accounts.demo import load_demo
from uchast.accounts.models import Role
from uchast.testing.crawl import crawl


def _crawl(client: Client) -> dict[str, int]:
    return {path: response.status_code for path, response in crawl(client).items()}


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
