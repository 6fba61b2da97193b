"""The inbox, channel choices, Telegram, push, calendar and announcements through the API (issue 18):
each operation does what its page does (same service, permission, audit entry) and refuses with its code."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.test import Client

from uchast.accounts.services import api_token_create
from uchast.channels import calendars
from uchast.channels.models import Announcement, ChannelSettings, PushSubscription, TelegramLink, TelegramLinkCode
from uchast.core.models import AuditEntry, Notification
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _auth(user: Any, *scopes: str) -> dict[str, str]:
    _token, key = api_token_create(
        user=user, name="test", scopes=scopes or ("read", "participate"), second_factor_recent=True
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _json(client: Client, method: str, path: str, body: Any = None, **headers: str) -> Any:
    return getattr(client, method)(path, body or {}, content_type="application/json", **headers)


def _code(response: Any) -> str:
    return str(response.json()["error"]["code"])


def _notify(user: Any, subject: str) -> Notification:
    return Notification.objects.create(user=user, subject=subject, body="Текст", url="/petitions/1/")


# --- Inbox ---------------------------------------------------------------------------------------


def test_inbox_open_and_read_all(client, community, resident):
    older, newer = _notify(resident, "Перше"), _notify(resident, "Друге")
    _notify(make_user(), "Чуже")
    inbox = client.get("/api/v1/channels/inbox", **_auth(resident)).json()
    assert inbox["unread"] == 2 and [i["id"] for i in inbox["items"]] == [newer.pk, older.pk]
    assert client.get("/api/v1/channels/inbox?limit=1&offset=1", **_auth(resident)).json()["items"][0]["id"] == older.pk

    opened = _json(client, "post", f"/api/v1/channels/inbox/{older.pk}/read", **_auth(resident))
    assert opened.status_code == 200 and opened.json()["read"] is True and opened.json()["url"] == "/petitions/1/"
    older.refresh_from_db()
    assert older.read_at is not None
    # The header's cached count follows the change (the service forgets it).
    assert client.get("/api/v1/channels/inbox", **_auth(resident)).json()["unread"] == 1

    everything = _json(client, "post", "/api/v1/channels/inbox/read", **_auth(resident))
    assert everything.status_code == 200 and everything.json() == {"marked": 1, "unread": 0}
    assert not Notification.objects.filter(user=resident, read_at__isnull=True).exists()


def test_inbox_refusals(client, community, resident):
    someone_elses = _notify(make_user(), "Чуже")
    assert client.get("/api/v1/channels/inbox").status_code == 401
    missing = _json(client, "post", f"/api/v1/channels/inbox/{someone_elses.pk}/read", **_auth(resident))
    assert missing.status_code == 404 and _code(missing) == "not_found"
    someone_elses.refresh_from_db()
    assert someone_elses.read_at is None
    assert _code(client.get("/api/v1/channels/inbox?limit=0", **_auth(resident))) == "invalid_input"


# --- Channel choices -----------------------------------------------------------------------------


def test_settings_read_and_write(client, community, resident):
    before = client.get("/api/v1/channels/settings", **_auth(resident)).json()
    assert before["email_mode"] == "immediate" and before["topic_channels"]["answers"] == ["email"]
    changed = _json(
        client, "put", "/api/v1/channels/settings",
        {"email_mode": "daily", "topic_channels": {"answers": ["telegram", "email"]}}, **_auth(resident),
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    row = ChannelSettings.objects.get(user=resident)
    assert row.email_mode == "daily" and row.topic_channels["answers"] == ["email", "telegram"]
    assert row.topic_channels["followed"] == ["email"]  # a kind left out keeps its channels
    assert changed.json()["topic_channels"]["answers"] == ["email", "telegram"]


def test_settings_refusals(client, community, resident):
    assert _json(client, "put", "/api/v1/channels/settings", {"email_mode": "daily"}).status_code == 401
    bad_mode = _json(client, "put", "/api/v1/channels/settings", {"email_mode": "hourly"}, **_auth(resident))
    assert bad_mode.status_code == 422 and _code(bad_mode) == "invalid_input"
    bad_topic = _json(
        client, "put", "/api/v1/channels/settings",
        {"email_mode": "daily", "topic_channels": {"gossip": ["email"]}}, **_auth(resident),
    )  # fmt: skip
    assert bad_topic.status_code == 422 and _code(bad_topic) == "invalid_input"
    bad_channel = _json(
        client, "put", "/api/v1/channels/settings",
        {"email_mode": "daily", "topic_channels": {"answers": ["pigeon"]}}, **_auth(resident),
    )  # fmt: skip
    assert bad_channel.status_code == 422
    assert not ChannelSettings.objects.filter(user=resident).exists()
    # Every signed-in person has an inbox and channels; a read-only token still may not change them.
    read_only = _json(client, "put", "/api/v1/channels/settings", {"email_mode": "off"}, **_auth(resident, "read"))
    assert read_only.status_code == 403 and _code(read_only) == "insufficient_scope"
    assert not ChannelSettings.objects.filter(user=resident).exists()


# --- Telegram ------------------------------------------------------------------------------------


def test_telegram_code_and_unlink(client, community, resident, settings):
    settings.TELEGRAM_BOT_TOKEN = "123:TEST"
    settings.TELEGRAM_BOT_USERNAME = "uchast_bot"
    assert client.get("/api/v1/channels/telegram", **_auth(resident)).json() == {
        "enabled": True, "linked": False, "bot_username": "uchast_bot",
    }  # fmt: skip
    response = _json(client, "post", "/api/v1/channels/telegram/code", **_auth(resident))
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert (
        body["command"] == f"/start {body['code']}" and body["link"] == f"https://t.me/uchast_bot?start={body['code']}"
    )
    assert TelegramLinkCode.objects.filter(user=resident).count() == 1

    TelegramLink.objects.create(user=resident, chat_id=42)
    unlinked = _json(client, "delete", "/api/v1/channels/telegram", **_auth(resident))
    assert unlinked.status_code == 200 and unlinked.json()["linked"] is False
    assert not TelegramLink.objects.filter(user=resident).exists()


def test_telegram_refusals(client, community, resident, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    assert _json(client, "post", "/api/v1/channels/telegram/code").status_code == 401
    off = _json(client, "post", "/api/v1/channels/telegram/code", **_auth(resident))
    assert off.status_code == 409 and _code(off) == "telegram_off"
    assert not TelegramLinkCode.objects.exists()
    assert _json(client, "delete", "/api/v1/channels/telegram").status_code == 401


# --- Push and calendar ---------------------------------------------------------------------------


def _browser_keys() -> dict[str, str]:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = public.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()  # noqa: E731
    return {"p256dh": b64(point), "auth": b64(os.urandom(16))}


def test_push_subscribe_and_off(client, community, resident):
    subscription = {"endpoint": "https://push.example.org/send/phone", "keys": _browser_keys()}
    subscribed = _json(client, "post", "/api/v1/channels/push", subscription, **_auth(resident))
    assert subscribed.status_code == 201 and subscribed.json() == {"devices": 1}
    assert PushSubscription.objects.get().user == resident
    off = _json(client, "delete", "/api/v1/channels/push", **_auth(resident))
    assert off.status_code == 200 and off.json() == {"devices": 0}
    assert not PushSubscription.objects.exists()


def test_push_refusals(client, community, resident):
    keys = _browser_keys()
    bad_endpoint = _json(
        client, "post", "/api/v1/channels/push", {"endpoint": "ftp://x", "keys": keys}, **_auth(resident)
    )
    assert bad_endpoint.status_code == 422 and _code(bad_endpoint) == "bad_endpoint"
    bad_keys = _json(
        client, "post", "/api/v1/channels/push",
        {"endpoint": "https://push.example.org/a", "keys": {"p256dh": "AAAA", "auth": "BBBB"}}, **_auth(resident),
    )  # fmt: skip
    assert bad_keys.status_code == 422 and _code(bad_keys) == "bad_keys"
    assert (
        _json(client, "post", "/api/v1/channels/push", {"endpoint": "https://x"}, **_auth(resident)).status_code == 422
    )
    assert _json(client, "delete", "/api/v1/channels/push").status_code == 401
    assert not PushSubscription.objects.exists()


def test_calendar_address_and_reset(client, community, resident):
    old = client.get("/api/v1/channels/calendar", **_auth(resident))
    assert old.status_code == 200 and old["Cache-Control"] == "no-store"
    assert old.json()["url"] == calendars.personal_url(resident)
    reset = _json(client, "post", "/api/v1/channels/calendar/reset", **_auth(resident))
    assert reset.status_code == 200 and reset.json()["url"] != old.json()["url"]
    old_key = old.json()["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert calendars.user_for_token(old_key) is None
    assert _json(client, "post", "/api/v1/channels/calendar/reset").status_code == 401


# --- Announcements -------------------------------------------------------------------------------


def test_announcement_through_the_api(client, community, official):
    told = make_user(notification_preferences={"announcements": True})
    payload = {"subject": "Гуманітарна допомога", "body": "Видача допомоги в суботу о 10:00."}
    staff = _auth(official, "read", "participate", "staff")
    sent = _json(client, "post", "/api/v1/channels/announcements", payload, **staff)
    assert sent.status_code == 201, sent.content
    assert sent.json()["recipients"] == 1 and Notification.objects.filter(user=told, topic="announcements").exists()
    announcement = Announcement.objects.get()
    entry = AuditEntry.objects.get(action="channels.announcement_sent")
    assert entry.actor == official and entry.summary["recipients"] == 1
    listed = client.get("/api/v1/channels/announcements", **staff).json()
    assert [a["id"] for a in listed] == [announcement.pk]


def test_announcement_refusals(client, community, official, resident, settings):
    payload = {"subject": "Гуманітарна допомога", "body": "Видача допомоги в суботу о 10:00."}
    assert _json(client, "post", "/api/v1/channels/announcements", payload).status_code == 401
    resident_refused = _json(client, "post", "/api/v1/channels/announcements", payload, **_auth(resident))
    assert resident_refused.status_code == 403 and _code(resident_refused) == "forbidden"
    unscoped = _json(client, "post", "/api/v1/channels/announcements", payload, **_auth(official))
    assert unscoped.status_code == 403 and _code(unscoped) == "insufficient_scope"
    staff = _auth(official, "read", "participate", "staff")
    short = _json(client, "post", "/api/v1/channels/announcements", {**payload, "body": "Коротко"}, **staff)
    assert short.status_code == 422 and _code(short) == "bad_text"
    district = _json(client, "post", "/api/v1/channels/announcements", {**payload, "district_code": "nowhere"}, **staff)
    assert district.status_code == 422 and _code(district) == "bad_district"
    assert not Announcement.objects.exists()
    settings.UCHAST_ANNOUNCEMENTS_PER_DAY = 0
    too_many = _json(client, "post", "/api/v1/channels/announcements", payload, **staff)
    assert too_many.status_code == 429 and _code(too_many) == "too_many"
