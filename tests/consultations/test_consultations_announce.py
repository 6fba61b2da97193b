"""Opening a consultation tells the people who asked for new processes (once, at opening)."""

from __future__ import annotations

from typing import Any

import pytest

from uchast.core.models import Notification
from uchast.testing.factories import make_user

from .conftest import make_consultation

pytestmark = pytest.mark.django_db


def test_opening_a_consultation_is_announced(community: Any, official: Any) -> None:
    wants = make_user(email="wants@example.org", notification_preferences={"new_processes": True})
    make_consultation(community, official, phase="announced", title="Про сквер")
    assert not Notification.objects.filter(user=wants).exists()
    consultation = make_consultation(community, official, phase="open", title="Про парк")
    (item,) = Notification.objects.filter(user=wants)
    assert "Про парк" in item.subject and item.url == consultation.get_absolute_url()
