"""Races on PostgreSQL with real threads: a one-time link code links one chat; the announcement limit
holds when officials press at once; an update delivered twice at once is answered once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from uchast.channels import telegram
from uchast.channels.announcements import announcement_send
from uchast.channels.models import Announcement, TelegramLink
from uchast.core.errors import ActionRefused
from uchast.testing.factories import make_user
from uchast.testing.telegram import text_update

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(jobs: list[Any]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Any) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_one_code_sent_from_eight_chats_at_once_links_one(bot_api: Any) -> None:
    person = make_user()
    code = telegram.link_code_create(user=person)
    results = _together(
        [
            lambda chat=chat: telegram.handle_update(text_update(chat, 1000 + chat, f"/start {code}"))
            for chat in range(8)
        ]
    )
    assert all(result is True for result in results)
    (link,) = TelegramLink.objects.all()
    assert link.user == person
    linked_replies = [c for c in range(8) if any("/processes" in m for m in bot_api.messages_to(1000 + c))]
    assert linked_replies == [link.chat_id - 1000]


def test_same_update_twice_at_once_is_answered_once(bot_api: Any) -> None:
    results = _together([lambda: telegram.handle_update(text_update(77, 4242, "/help")) for _ in range(6)])
    assert sorted(results) == [False] * 5 + [True]
    assert len(bot_api.messages_to(4242)) == 1


def test_announcement_limit_holds_under_parallel_sends(community: Any, official: Any, settings: Any) -> None:
    settings.UCHAST_ANNOUNCEMENTS_PER_DAY = 3
    make_user(notification_preferences={"announcements": True})
    results = _together(
        [
            lambda n=n: announcement_send(
                actor=official, community=community, subject=f"Тема {n}", body="Текст оголошення."
            )
            for n in range(8)
        ]
    )
    refused = [r for r in results if isinstance(r, ActionRefused)]
    assert Announcement.objects.count() == 3
    assert len(refused) == 5 and {r.code for r in refused} == {"too_many"}
