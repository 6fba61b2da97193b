"""The inbox, the unread count in the header, the channel choices and the staff's record, by URL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from uchast.channels.models import ChannelSettings, Delivery, EmailMode
from uchast.core import notifications
from uchast.core.models import Notification
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _tell(person, subject="Відповідь на вашу петицію", url="/petitions/1/"):
    return notifications.notify(
        recipients=[person], topic="answers", subject=subject, template="core/email/test_notification.txt", url=url
    )[0]


def test_inbox_lists_unread_and_header_counts_without_a_query_per_page(client, community, resident):
    first = _tell(resident)
    _tell(resident, subject="Друга новина")
    client.force_login(resident)
    page = client.get("/inbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Друга новина" in html and f"/inbox/{first.pk}/" in html
    assert '<span class="badge">2' in html

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries.captured_queries if "core_notification" in q["sql"]]  # cached

    response = client.post(f"/inbox/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/petitions/1/"
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert '<span class="badge">1' in client.get("/inbox/").content.decode()

    _tell(resident, subject="Третя")  # a new item drops the cached count
    assert '<span class="badge">2' in client.get("/").content.decode()

    client.post("/inbox/read/")
    assert not Notification.objects.filter(user=resident, read_at__isnull=True).exists()
    assert 'class="badge"' not in client.get("/inbox/").content.decode()


def test_someone_elses_item_is_not_found(client, community, resident):
    other = make_user()
    item = _tell(other)
    client.force_login(resident)
    assert client.get(f"/inbox/{item.pk}/").status_code == 404
    assert client.post(f"/inbox/{item.pk}/").status_code == 404
    assert Notification.objects.get(pk=item.pk).read_at is None


def test_inbox_needs_sign_in(client, community):
    assert client.get("/inbox/").status_code == 302
    assert client.post("/inbox/read/").status_code == 403


def test_choose_channels_by_url(client, community, resident, django_capture_on_commit_callbacks):
    client.force_login(resident)
    assert client.get("/me/channels/").status_code == 200
    response = client.post(
        "/me/channels/",
        {
            "email_mode": "weekly",
            "channels_answers": ["email", "telegram"],
            "channels_followed": [],
            "channels_new_processes": ["email"],
        },
    )
    assert response.status_code == 302
    row = ChannelSettings.objects.get(user=resident)
    assert row.email_mode == EmailMode.WEEKLY
    assert row.topic_channels["answers"] == ["email", "telegram"] and row.topic_channels["followed"] == []

    bad = client.post("/me/channels/", {"email_mode": "hourly"})
    assert bad.status_code == 400
    assert ChannelSettings.objects.get(user=resident).email_mode == EmailMode.WEEKLY

    with django_capture_on_commit_callbacks(execute=True):
        _tell(resident)
    assert Delivery.objects.get(channel="email").status == "held"  # weekly: waits for the digest


def test_staff_see_failed_sends_residents_do_not(
    client, community, resident, official, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with django_capture_on_commit_callbacks(execute=True):
        _tell(resident)
    client.force_login(resident)
    assert client.get("/staff/deliveries/").status_code == 403
    client.force_login(official)
    page = client.get("/staff/deliveries/").content.decode()
    assert "ConnectionRefusedError" in page


def test_account_deletion_forgets_telegram_and_browsers(community, resident):
    from uchast.accounts import services as account_services
    from uchast.channels.models import PushSubscription, TelegramLink

    TelegramLink.objects.create(user=resident, chat_id=99)
    PushSubscription.objects.create(user=resident, endpoint="https://push.example.org/1", p256dh="x", auth="y")
    ChannelSettings.objects.create(user=resident)
    account_services.account_delete(user=resident)
    assert not TelegramLink.objects.exists() and not PushSubscription.objects.exists()
    assert not ChannelSettings.objects.exists()
