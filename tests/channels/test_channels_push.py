"""Web push to a loopback push service, decrypted with the subscription's keys as a browser would."""

from __future__ import annotations

import base64
import json
import os

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management import call_command

from uchast.channels.models import ChannelSettings, Delivery, DeliveryStatus, PushSubscription
from uchast.core import notifications

pytestmark = pytest.mark.django_db


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Browser:
    """What a browser makes when it subscribes: an ECDH key pair and a 16-byte auth secret."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self) -> dict:
        public = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "keys": {"p256dh": _b64(public), "auth": _b64(self.auth)}}

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def _subscribe(client, browser):
    return client.post("/me/channels/push/", json.dumps(browser.subscription()), content_type="application/json")


def test_subscribe_then_receive_an_encrypted_notification(
    client, community, resident, push_service, settings, django_capture_on_commit_callbacks
):
    browser = Browser(push_service.endpoint("phone"))
    client.force_login(resident)
    assert _subscribe(client, browser).status_code == 201
    ChannelSettings.objects.create(user=resident, topic_channels={"answers": ["push"]})
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipients=[resident],
            topic="answers",
            subject="Рада відповіла",
            template="core/email/test_notification.txt",
            url="/petitions/3/",
        )
    ((path, headers, body),) = push_service.received
    assert path == "/push/phone"
    assert headers["content-encoding"] == "aes128gcm"
    assert (
        headers["authorization"].startswith("vapid t=")
        and settings.WEBPUSH_VAPID_PUBLIC_KEY in headers["authorization"]
    )
    assert b"\xd0\xa0\xd0\xb0\xd0\xb4\xd0\xb0" not in body  # "Рада": the push service cannot read it
    assert browser.decrypt(body) == {"title": "Рада відповіла", "url": "http://127.0.0.1:8000/petitions/3/"}
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_gone_subscription_is_forgotten(
    client, community, resident, push_service, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    _subscribe(client, Browser(push_service.endpoint("old")))
    ChannelSettings.objects.create(user=resident, topic_channels={"answers": ["push"]})
    push_service.status = 410
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipients=[resident], topic="answers", subject="X", template="core/email/test_notification.txt"
        )
    assert not PushSubscription.objects.exists()
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


def test_push_service_outage_is_retried(client, community, resident, push_service, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from uchast.channels import dispatch

    client.force_login(resident)
    browser = Browser(push_service.endpoint("phone"))
    _subscribe(client, browser)
    ChannelSettings.objects.create(user=resident, topic_channels={"answers": ["push"]})
    push_service.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipients=[resident], topic="answers", subject="Y", template="core/email/test_notification.txt"
        )
    assert Delivery.objects.get().status == DeliveryStatus.RETRYING
    push_service.status = 201
    assert dispatch.retry_due(now=timezone.now() + dispatch.backoff(1)) == 1
    assert browser.decrypt(push_service.received[-1][2])["title"] == "Y"


def test_bad_subscriptions_are_refused(client, community, resident, push_service):
    client.force_login(resident)
    good = Browser(push_service.endpoint("x")).subscription()
    for bad, code in (
        ({**good, "endpoint": "file:///etc/passwd"}, "bad_endpoint"),
        ({**good, "keys": {"p256dh": "AAAA", "auth": good["keys"]["auth"]}}, "bad_keys"),
        ({**good, "keys": {"p256dh": good["keys"]["p256dh"], "auth": "!!"}}, "bad_keys"),
    ):
        response = client.post("/me/channels/push/", json.dumps(bad), content_type="application/json")
        assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert client.post("/me/channels/push/", "[", content_type="application/json").status_code == 400
    assert not PushSubscription.objects.exists()
    client.logout()
    assert client.post("/me/channels/push/", json.dumps(good), content_type="application/json").status_code == 403


def test_switch_off_every_device_and_the_worker_is_served(client, community, resident, push_service):
    client.force_login(resident)
    _subscribe(client, Browser(push_service.endpoint("a")))
    _subscribe(client, Browser(push_service.endpoint("b")))
    assert "push.js" in client.get("/me/channels/").content.decode()
    assert client.post("/me/channels/push/off/").status_code == 302
    assert not PushSubscription.objects.exists()
    worker = client.get("/push-sw.js")
    assert worker["Service-Worker-Allowed"] == "/" and b"showNotification" in worker.content


def test_vapid_keys_command_prints_a_usable_pair(capsys):
    call_command("vapid_keys")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    public = base64.urlsafe_b64decode(lines["WEBPUSH_VAPID_PUBLIC_KEY"] + "==")
    assert len(public) == 65 and public[0] == 4
    from py_vapid import Vapid

    assert Vapid.from_string(lines["WEBPUSH_VAPID_PRIVATE_KEY"]).public_key is not None
