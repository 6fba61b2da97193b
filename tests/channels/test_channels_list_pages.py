"""The inbox and the staff's failed sends (``channels.views``): keyset pages, the newest first, that
run the same queries at any size (no count, no offset)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from uchast.channels import views
from uchast.channels.models import Delivery
from uchast.core import pagination
from uchast.core.models import Notification
from uchast.testing.pages import assert_keyset_list

pytestmark = pytest.mark.django_db


def _notify(person: Any, start: int, count: int) -> list[Notification]:
    return Notification.objects.bulk_create(
        Notification(user=person, subject=f"Новина {n:02d}", body="…", url="/petitions/")
        for n in range(start, start + count)
    )


def test_inbox_is_a_keyset_page_with_constant_queries(
    client: Client, community: Any, resident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "INBOX_PAGE", 3)
    client.force_login(resident)
    assert_keyset_list(
        client,
        "/inbox/",
        grow=lambda start, count: _notify(resident, start, count),
        page="page",
        label=lambda n: n.subject,
        first=["Новина 15", "Новина 14", "Новина 13"],
        then=["Новина 12", "Новина 11", "Новина 10"],
    )


def test_failed_sends_are_a_keyset_page_with_constant_queries(
    client: Client, community: Any, resident: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)

    def fail(start: int, count: int) -> None:
        Delivery.objects.bulk_create(
            Delivery(notification=n, user=resident, channel="email", status="failed", error=f"Відмова {n.subject[-2:]}")
            for n in _notify(resident, start, count)
        )

    client.force_login(official)
    assert_keyset_list(
        client,
        "/staff/deliveries/",
        grow=fail,
        page="rows",
        label=lambda d: d.error,
        first=["Відмова 15", "Відмова 14", "Відмова 13"],
        then=["Відмова 12", "Відмова 11", "Відмова 10"],
    )
