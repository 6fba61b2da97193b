"""Attempt limits (``uchast.accounts.throttle``): counted in a store every worker shares (the
database here, Redis when the cache is Redis), per account, address and identity, refused with 429
and a message that says when to try again. Real parallel requests: tests/core/test_core_throttle_workers.py."""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from uchast.accounts import throttle
from uchast.accounts.models import ApiToken, ThrottleCounter
from uchast.core.errors import ActionRefused, throttled

pytestmark = pytest.mark.django_db


def _redis_up() -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


def test_rates_are_parsed_like_allauths() -> None:
    assert throttle.parse_rates("5/15m, 20/d,5/15m") == [throttle.Rate(5, 900), throttle.Rate(20, 86400)]
    assert throttle.parse_rates("10/s") == [throttle.Rate(10, 1)]
    assert throttle.parse_rates("") == []
    for bad in ("5", "x/m", "5/15y", "5/am"):
        with pytest.raises(ValueError, match="Not a rate"):
            throttle.parse_rates(bad)


def test_limits_per_account_ip_and_identity_in_the_database(settings: Any, resident: Any) -> None:
    settings.UCHAST_THROTTLES = {"t": {"account": "3/h", "ip": "5/h", "identity": "4/h"}}
    for _ in range(3):
        throttle.check("t", account=resident, ip="10.0.0.1")
    with pytest.raises(ActionRefused) as refused:
        throttle.check("t", account=resident, ip="10.0.0.1")
    assert (refused.value.code, refused.value.status) == ("throttled", 429)
    assert 0 < int(refused.value.details["retry_after"]) <= 3600
    # Another account from the same address: the address has one attempt left (5/h).
    throttle.check("t", ip="10.0.0.1")
    with pytest.raises(ActionRefused):
        throttle.check("t", ip="10.0.0.1")
    # An identity is counted whoever asks, from wherever.
    for n in range(4):
        throttle.check("t", ip=f"10.0.1.{n}", identity="birth:1990-05-17")
    with pytest.raises(ActionRefused):
        throttle.check("t", ip="10.0.2.1", identity="birth:1990-05-17")
    # Nothing counted says who: the buckets are keyed hashes.
    buckets = list(ThrottleCounter.objects.values_list("bucket", flat=True))
    assert buckets and all(len(b.split(":")[3]) == 32 for b in buckets)  # scope:kind:rate:digest:window
    assert not any("10.0.0.1" in b or "1990" in b for b in buckets)
    assert throttle.purge_expired() == 0  # all windows still open


def test_unknown_scope_and_nothing_to_count_pass(settings: Any) -> None:
    settings.UCHAST_THROTTLES = {}
    for _ in range(50):
        throttle.check("nothing", ip="10.0.0.1")
    assert not ThrottleCounter.objects.exists()


def test_expired_counters_are_purged(settings: Any) -> None:
    settings.UCHAST_THROTTLES = {"t": {"ip": "1/s"}}
    throttle.check("t", ip="10.0.0.1")
    ThrottleCounter.objects.update(expires_at=1)
    assert throttle.purge_expired() == 1


@pytest.mark.parametrize(
    ("seconds", "uk", "en"),
    [
        (30, "1 хвилину", "in 1 minute."),
        (150, "3 хвилини", "in 3 minutes."),
        (900, "15 хвилин", "in 15 minutes."),
    ],
)
def test_the_refusal_says_when_to_try_again(seconds: int, uk: str, en: str) -> None:
    with translation.override("uk"):
        assert uk in throttled(seconds).message
    with translation.override("en"):
        assert en in throttled(seconds).message


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_the_redis_store_counts_atomically_with_expiry(settings: Any) -> None:
    prefix = f"uchast-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    settings.UCHAST_THROTTLES = {"t": {"ip": "2/m,3/h"}}
    throttle.check("t", ip="10.0.0.9")
    throttle.check("t", ip="10.0.0.9")
    with pytest.raises(ActionRefused) as refused:
        throttle.check("t", ip="10.0.0.9")
    assert int(refused.value.details["retry_after"]) <= 60  # the minute window is the one passed
    assert not ThrottleCounter.objects.exists()  # Redis, not the database
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    keys = client.keys(f"{prefix}:*")
    assert len(keys) == 2 and all(0 < client.ttl(k) <= 3600 for k in keys)
    client.delete(*keys)


def test_api_writes_are_limited_reads_are_not(settings: Any, community: Any, resident: Any) -> None:
    settings.UCHAST_THROTTLES = {"api_write": {"account": "2/m", "ip": "100/m"}}
    key = ApiToken.new_key()
    ApiToken.objects.create(user=resident, name="t", key_hash=ApiToken.hash_key(key))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")
    body = {"name": "Олена", "preferred_language": "uk", "notification_preferences": {}}
    for _ in range(2):
        assert client.put("/api/me", body, content_type="application/json").status_code == 200
    refused = client.put("/api/me", body, content_type="application/json")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "throttled"
    assert "Try again in 1 minute" in refused.json()["error"]["message"]
    for _ in range(5):
        assert client.get("/api/me").status_code == 200


def test_the_schema_documents_429_on_counted_writes_only(client: Client, community: Any) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "429" in paths["/api/v1/me"]["put"]["responses"]
    assert "429" not in paths["/api/v1/me"]["get"]["responses"]
    ballot = next(v for k, v in paths.items() if k.endswith("/ballot"))
    assert "429" not in ballot["post"]["responses"]  # the ballot cast is not counted (fast lane)
    writes = [
        op for path in paths.values() for method, op in path.items() if method in {"post", "put", "patch", "delete"}
    ]
    assert sum("429" in op["responses"] for op in writes) == len(writes) - 1


def test_one_address_cannot_be_flooded_through_sign_up_or_reset(
    settings: Any, community: Any, resident: Any, mailoutbox: Any
) -> None:
    settings.UCHAST_THROTTLES = {"email": {"identity": "3/h"}}
    from django.urls import reverse

    for n in range(3):  # from three different addresses: allauth counts per client, we per address typed
        Client(REMOTE_ADDR=f"10.3.0.{n}").post(reverse("account_reset_password"), {"email": resident.email})
    sent = len(mailoutbox)
    assert sent == 3
    refused = Client(REMOTE_ADDR="10.3.1.1").post(reverse("account_reset_password"), {"email": resident.email.upper()})
    assert refused.status_code == 200 and len(mailoutbox) == sent  # the form again, no fourth message
    assert "Забагато спроб" in refused.content.decode()
    signup = Client(REMOTE_ADDR="10.3.1.2").post(
        reverse("account_signup"),
        {
            "email": resident.email,
            "password1": "zoriansk-rebuilds-2026",
            "password2": "zoriansk-rebuilds-2026",
            "full_name": "X",
        },
    )
    assert signup.status_code == 200 and len(mailoutbox) == sent
    # Another address is not affected.
    other = Client().post(reverse("account_reset_password"), {"email": "someone.else@example.org"})
    assert other.status_code == 302
