"""A budget cycle leaving preparation tells the people who asked for new processes, once."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from uchast.budget import services
from uchast.core.models import Notification
from uchast.testing.factories import make_user

from .conftest import dates_around

pytestmark = pytest.mark.django_db


def test_cycle_opening_is_announced_once(community: Any, administrator: Any) -> None:
    wants = make_user(notification_preferences={"new_processes": True})
    cycle = services.cycle_create(
        community=community, actor=administrator, title="Бюджет участі 2027", year=2027,
        dates=dates_around(timezone.now(), "submission"),
    )  # fmt: skip
    assert not Notification.objects.filter(user=wants).exists()  # still in preparation
    assert services.cycle_advance(cycle=cycle)
    (item,) = Notification.objects.filter(user=wants)
    assert "Бюджет участі 2027" in item.subject and item.url == f"/budget/{cycle.pk}/"
