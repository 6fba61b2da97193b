"""The inbox and the staff's failed sends (``channels.views``): keyset pages, the newest first, that
run the same queries at any size (no count, no offset)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from uchast.channels import views
from uchast.channels.models import Delivery
from uchast.core import pagination
from uchast.core.models import Notification

pytestmark = pytest.mark.django_db


def _read(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def _notify(person: Any, start: int, count: int) -> list[Notification]:
    return Notification.objects.bulk_create(
        Notification(user=person, subject=f"Новина {n:02d}", body="…", url="/petitions/") for n in range(start, start + count)
    )


def test_inbox_is_a_keyset_page_with_constant_queries(
    client: Client, community: Any, resident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "INBOX_PAGE", 3)
    url = "/inbox/"
    _notify(resident, 0, 4)
    client.force_login(resident)
    client.get(url)
    small, response = _read(client, url)
    _notify(resident, 4, 12)
    large, response = _read(client, url)
    assert large == small
    page = response.context["page"]
    assert [n.subject for n in page.items] == ["Новина 15", "Новина 14", "Новина 13"]
    assert 'rel="next"' in response.content.decode()
    count, following = _read(client, url + page.next_url)
    assert count == large
    assert [n.subject for n in following.context["page"].items] == ["Новина 12", "Новина 11", "Новина 10"]
    assert following.context["page"].first_url == url


def _fail(person: Any, start: int, count: int) -> None:
    Delivery.objects.bulk_create(
        Delivery(notification=n, user=person, channel="email", status="failed", attempts=3, error=f"Відмова {n.subject[-2:]}")
        for n in _notify(person, start, count)
    )


def test_failed_sends_are_a_keyset_page_with_constant_queries(
    client: Client, community: Any, resident: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    url = "/staff/deliveries/"
    _fail(resident, 0, 4)
    client.force_login(official)
    client.get(url)
    small, response = _read(client, url)
    _fail(resident, 4, 12)
    large, response = _read(client, url)
    assert large == small
    rows = response.context["rows"]
    assert [d.error for d in rows.items] == ["Відмова 15", "Відмова 14", "Відмова 13"]
    assert 'rel="next"' in response.content.decode()
    count, following = _read(client, url + rows.next_url)
    assert count == large
    assert [d.error for d in following.context["rows"].items] == ["Відмова 12", "Відмова 11", "Відмова 10"]
