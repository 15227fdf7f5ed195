"""Rate limits, one limiter for the API and the pages: a fixed window per caller, counted in the default cache.

A limit is a setting of the form ``"count/period"`` (``"120/min"``, ``"10/5s"``; periods s, min, hour, day),
named where it is used: the public API (``certificates.api.public``) and the pages listed in
``settings.RATE_LIMITED_VIEWS`` (``RateLimitMiddleware``) both call :func:`hit` with the name of their rate
setting, so that one caller has one allowance whichever way it asks. Counts are in the default cache: in
production that is Redis (``REDIS_URL``), shared by every worker process and server, so a limit holds across
all of them; without it (development, tests) each process counts on its own.

Callers are told apart by address (:func:`client_address`, which django-axes uses too) unless the caller
brings an identity of its own (the API's tokens).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
# The cache cannot be asked (Redis down or unreachable): the call is let through rather than the public
# verification taken down with the cache; the failure is logged.
CACHE_DOWN = (RedisError, OSError)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$")
_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_PERIODS |= {"d": 86400, "day": 86400}


@lru_cache(maxsize=16)
def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/min"`` → (120, 60); also ``"10/5s"``. A bad value is a configuration error."""
    match = _RATE.match(rate or "")
    if not match:
        raise ImproperlyConfigured(
            f"A rate limit must look like 120/min (count/period: s, min, hour, day); got {rate!r}."
        )
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _PERIODS[unit]


def client_address(request: HttpRequest) -> str:
    """The caller's address: the socket's, or with ``NINJA_NUM_PROXIES`` proxies in front, the address that
    many places from the end of ``X-Forwarded-For`` (what the first proxy saw; the rest a caller can forge)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = int(getattr(settings, "NINJA_NUM_PROXIES", 0) or 0)
    if proxies <= 0 or not forwarded:
        return remote
    addresses = str(forwarded).split(",")
    return addresses[-min(proxies, len(addresses))].strip() or remote


def address_ident(request: HttpRequest) -> str:
    """The caller's address as a counter name (hashed: the cache holds no addresses)."""
    digest = hashlib.blake2b(client_address(request).encode(), digest_size=12).hexdigest()
    return f"address:{digest}"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    period: int
    wait: float  # seconds until the window ends and the count starts again

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.wait))


def _window(ident: str, rate_setting: str) -> tuple[str, int, int, float]:
    limit, period = parse_rate(str(getattr(settings, rate_setting)))
    now = time.time()
    key = f"certis:rate:{rate_setting}:{ident}:{period}:{int(now // period)}"
    return key, limit, period, period - now % period


def hit(ident: str, rate_setting: str) -> Verdict:
    """Count one call of ``ident`` against the rate named by ``rate_setting`` (read at each call, so tests
    and a changed setting take effect at once). One cache operation for every call but a window's first."""
    key, limit, period, wait = _window(ident, rate_setting)
    try:
        try:
            count = int(cache.incr(key))
        except ValueError:  # the window's first call
            count = 1 if cache.add(key, 1, period + 1) else int(cache.incr(key))  # or another process's
    except CACHE_DOWN as error:
        log.warning("Rate limit %s not counted: the cache cannot be reached (%s).", rate_setting, error)
        count = 0
    return Verdict(allowed=count <= limit, limit=limit, period=period, wait=wait)


def peek(ident: str, rate_setting: str) -> Verdict:
    """Whether ``ident`` has used up its allowance already, counting nothing (``allowed``: it has not)."""
    key, limit, period, wait = _window(ident, rate_setting)
    try:
        count = int(cache.get(key, 0))
    except CACHE_DOWN as error:
        log.warning("Rate limit %s not read: the cache cannot be reached (%s).", rate_setting, error)
        count = 0
    return Verdict(allowed=count < limit, limit=limit, period=period, wait=wait)


PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


# Registered when the app is ready (certis.core.apps): `certis check --deploy`.
@register(Tags.security, Tags.caches, deploy=True)
def shared_cache_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Rate limits (and lockouts, with axes' cache handler) are counted in the default cache: in a cache of
    each process's own, four workers allow four times the limit."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        CheckWarning(
            "The default cache is per process: rate limits are counted in each worker on its own.",
            hint="Set REDIS_URL (redis://host:6379/0) so that every worker and server counts together.",
            id="certis.W001",
        )
    ]
