"""Ten thousand people told of one event: bounded time and memory (figures in docs/performance.md)."""

from __future__ import annotations

import resource
import time

import pytest
from django.core import mail

from uchast.accounts.models import User
from uchast.channels.models import Delivery, DeliveryStatus
from uchast.core import notifications
from uchast.core.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
PEOPLE = 10_000


def test_ten_thousand_notifications_of_one_event(django_capture_on_commit_callbacks, capsys):
    User.objects.bulk_create(
        User(
            email=f"p{i}@example.org",
            password="!",
            preferred_language="uk" if i % 3 else "en",
            notification_preferences={"new_processes": True},
        )
        for i in range(PEOPLE)
    )
    mail.outbox.clear()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        told = notifications.announce_process_opened(kind="Consultation", title="Про бюджет громади", url="/c/1/")
    elapsed = time.perf_counter() - started
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    with capsys.disabled():
        print(f"\n{PEOPLE} notifications: {elapsed:.1f} s, peak resident memory grew {growth / 2**20:.1f} MiB")

    assert told == PEOPLE
    assert Notification.objects.count() == PEOPLE
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED, channel="email").count() == PEOPLE
    assert len(mail.outbox) == PEOPLE
    assert elapsed < 180  # generous: about 20 s on the 2-core development machine (docs/performance.md)
    assert growth < 300 * 2**20
