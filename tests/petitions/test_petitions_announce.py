"""Publishing a petition tells the people who asked for new processes, through core notifications."""

from __future__ import annotations

from typing import Any

import pytest

from uchast.core.models import Notification
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_published_petition_reaches_those_who_asked(
    petition_community: Any, author: Any, moderator: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from uchast.petitions import services

    wants = make_user(email="wants@example.org", notification_preferences={"new_processes": True})
    quiet = make_user(email="quiet@example.org")  # the default: not asked
    petition = services.petition_create(
        author=author,
        community=petition_community,
        title="Укриття біля школи",
        text="Просимо облаштувати укриття біля школи до початку навчального року.",
    )
    petition = services.petition_submit(petition=petition, actor=author)
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_publish(petition=petition, actor=moderator)
    (item,) = Notification.objects.filter(user=wants)
    assert "Укриття біля школи" in item.subject and item.url == petition.get_absolute_url()
    assert not Notification.objects.filter(user=quiet, topic="new_processes").exists()
    (letter,) = smtp_server.wait_for("wants@example.org")
    assert "Укриття біля школи" in letter["Subject"]
