"""Attempt limits that hold across every worker: census claims, code redemption, receipt checks,
API writes, and per address typed into sign-up or password reset (``accounts.adapter``). Sign-in,
and sign-up and reset per client, are allauth's ``ACCOUNT_RATE_LIMITS``, on the shared cache.

A limit is a fixed-window counter in a store every worker shares, never in process memory (with a
per-process cache each of four workers counted alone: 8 wrong passwords, then the right one, signed
in). The store is Redis when the cache is Redis (all counters of one attempt in one ``MULTI``
round trip), else the database (:class:`~uchast.accounts.models.ThrottleCounter`, all counters in
one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``). Both increment atomically, so parallel
requests cannot slip past a limit: of N parallel attempts exactly ``limit`` pass in a window.

Limits are per **account**, per **ip** (the client address, ``TRUSTED_PROXY_COUNT`` proxies deep)
and per **identity** (what the attempt is about, e.g. the birth date a census claim names, so many
accounts guessing numbers for one birth date are slowed together). They are read from
``settings.UCHAST_THROTTLES`` on each check. Who or what is counted is stored as a keyed hash only.

Fixed windows allow up to twice a limit across a window boundary; every limit here is set with that
in mind. Call :func:`check` outside a transaction: inside one, a refusal would roll the count back.

Lives in ``accounts`` (not ``core``) because its counter model does, and core may not import
accounts; every caller (accounts, verification, the modules, the API) sits at this floor or above.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from ninja.throttling import BaseThrottle

from uchast.accounts.models import ThrottleCounter
from uchast.core.errors import ActionRefused, throttled

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
KINDS = ("account", "ip", "identity")


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rates(text: str) -> list[Rate]:
    """``"5/15m,20/d"`` → two rates. Units s, m, h, d; a number before the unit multiplies it."""
    rates: list[Rate] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        limit, _, period = part.partition("/")
        unit = period[-1:]
        if unit not in _UNITS or not limit.isdigit() or not (period[:-1] or "1").isdigit():
            raise ValueError(f"Not a rate: {part!r} (write it like 5/15m)")
        rate = Rate(int(limit), int(period[:-1] or "1") * _UNITS[unit])
        if rate not in rates:
            rates.append(rate)
    return rates


def rates_for(scope: str, kind: str) -> list[Rate]:
    return parse_rates(settings.UCHAST_THROTTLES.get(scope, {}).get(kind, ""))


def client_ip(request: HttpRequest) -> str:
    """The client's address as allauth's limits see it; IPv6 counted per /64 (one household)."""
    try:
        ip = get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no address, or fewer proxies than configured
        return str(request.META.get("REMOTE_ADDR", ""))
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return ip


@dataclass(frozen=True)
class _Bucket:
    name: str
    rate: Rate
    ends_at: int  # Unix seconds


def _buckets(scope: str, counted: dict[str, str], now: float) -> list[_Bucket]:
    buckets = []
    for kind, value in counted.items():
        digest = salted_hmac("uchast.throttle", f"{scope}:{kind}:{value}").hexdigest()[:32]
        for rate in rates_for(scope, kind):
            window = int(now // rate.seconds)
            buckets.append(
                _Bucket(
                    f"{scope}:{kind}:{rate.limit}/{rate.seconds}:{digest}:{window}", rate, (window + 1) * rate.seconds
                )
            )
    return buckets


def _uses_redis() -> bool:
    return str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache")


def _increment_in_redis(buckets: list[_Bucket], now: float) -> dict[str, int]:
    # Django's Redis cache stores integers as plain Redis integers, so INCR works on them; the
    # client is private API, used for the one round trip (SET NX + INCR per counter, in MULTI).
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=True)
    for bucket in buckets:
        key = cache.make_and_validate_key(bucket.name)
        pipe.set(key, 0, ex=max(1, bucket.ends_at - int(now)), nx=True)
        pipe.incr(key)
    results = pipe.execute()
    return {bucket.name: int(count) for bucket, count in zip(buckets, results[1::2], strict=True)}


def _increment_in_database(buckets: list[_Bucket]) -> dict[str, int]:
    table = connection.ops.quote_name(ThrottleCounter._meta.db_table)
    rows = ", ".join(["(%s, 1, %s)"] * len(buckets))
    sql = (
        f"INSERT INTO {table} (bucket, hits, expires_at) VALUES {rows} "  # noqa: S608 - names are ours
        f"ON CONFLICT (bucket) DO UPDATE SET hits = {table}.hits + 1 RETURNING bucket, hits"
    )
    params: list[Any] = []
    for bucket in buckets:
        params += [bucket.name, bucket.ends_at]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {name: int(hits) for name, hits in cursor.fetchall()}


def check(scope: str, *, account: Any = None, ip: str = "", identity: str = "") -> None:
    """Count one attempt of ``scope``; refuse (``throttled``, 429, saying when to try again) when
    it passes any configured limit of the account, the address or the identity given. Empty ones
    are not counted. Attempts made while refused count too (the window does not grow)."""
    counted = {
        kind: str(value)
        for kind, value in (("account", getattr(account, "pk", None)), ("ip", ip), ("identity", identity))
        if value
    }
    now = time.time()
    buckets = _buckets(scope, counted, now)
    if not buckets:
        return
    counts = _increment_in_redis(buckets, now) if _uses_redis() else _increment_in_database(buckets)
    waits = [bucket.ends_at - now for bucket in buckets if counts[bucket.name] > bucket.rate.limit]
    if waits:
        raise throttled(max(waits))


def purge_expired() -> int:
    """Delete database counters whose window has passed (Redis expires its own)."""
    deleted, _ = ThrottleCounter.objects.filter(expires_at__lt=int(time.time())).delete()
    return deleted


_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ApiWriteThrottle(BaseThrottle):
    """django-ninja throttle of every API write (``api_write``), per account and per address.

    Runs after authentication, so token callers are counted per account too. Reads are not
    counted. The ballot cast opts out (``throttle=[]``): it guesses nothing and its fast lane must
    stay one statement (docs/ARCHITECTURE.md, hot paths).
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        if request.method not in _WRITE_METHODS:
            return True
        user = getattr(request, "user", None)
        try:
            check(
                "api_write",
                account=user if getattr(user, "is_authenticated", False) else None,
                ip=client_ip(request),
            )
        except ActionRefused as refusal:
            self._local.wait = float(refusal.details["retry_after"])
            return False
        return True

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
