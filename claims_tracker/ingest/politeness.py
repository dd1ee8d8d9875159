"""Politeness per host, shared by every poller: at most INGEST_HOST_MAX_CONCURRENT requests at once to one host,
their starts at least INGEST_HOST_MIN_INTERVAL_MS apart, and a host that answered 429 or 503 with Retry-After
left alone until then (`host_pause`).

The counts live in Redis (the cache's server, REDIS_URL), so every thread and process on every machine sees the
same ones. Per host (name and port), a sorted set of the slots held (member: a random token; score: when its lease
ends, so the slot of a poller killed mid-fetch frees itself) and the time before which no request may start. One
Lua script, through redis-py's documented `register_script`, checks and takes a slot atomically against Redis's
own clock, so the machines' clocks need not agree.

Redis down: the limiter fails open, safely. The same rule is kept in this process's memory instead, so each
process stays polite on its own; processes no longer see each other's slots (at worst N requests at once per
process) until Redis answers again. The failure is logged on the `claims_tracker.cache` logger, as the cache's
are, and Redis is left alone for REDIS_RETRY_SECONDS, so a dead Redis costs one connect timeout, not one per poll.

A wait up to INGEST_HOST_MAX_WAIT_MS is slept through (a poller thread has nothing else to do); a longer one
raises HostBusy, and the poll is put back to the feed's schedule for that long (polling.feed_poll).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import redis
from django.conf import settings

log = logging.getLogger("claims_tracker.cache")

KEY_PREFIX = "claims_tracker:host"
REDIS_RETRY_SECONDS = 5.0
# A slot is given back when its fetch ends; this lease only frees the slot of a poller that died holding it.
SLOT_LEASE_MS = 120_000
# A host with every slot taken is asked again this often (its slots free at unknown times).
FULL_RETRY_MS = 100

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, interval, lease = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local wait = 0
local not_before = tonumber(redis.call('GET', KEYS[2]) or '0')
if not_before > now then wait = not_before - now end
if limit > 0 and redis.call('ZCARD', KEYS[1]) >= limit then wait = math.max(wait, tonumber(ARGV[5])) end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
if interval > 0 then redis.call('SET', KEYS[2], now + interval, 'PX', interval) end
return 0
"""
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local not_before = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > not_before then redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1])) end
return 0
"""


class HostBusy(Exception):
    """The host may not be asked for `seconds` more: longer than a poll waits in place."""

    def __init__(self, host: str, seconds: float):
        super().__init__(f"{host} is busy for {seconds:.1f} s more")
        self.host = host
        self.seconds = seconds


def host_keys(host: str) -> tuple[str, str]:
    """The host's Redis keys: its slots (a sorted set) and its next allowed start. The braces keep both in one
    Redis Cluster slot, as a script's keys must be."""
    return f"{KEY_PREFIX}:{{{host}}}:slots", f"{KEY_PREFIX}:{{{host}}}:next"


def host_of(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{(parts.hostname or '').lower().rstrip('.')}:{port}"


@contextmanager
def host_slot(url: str) -> Iterator[None]:
    """Hold one of the host's request slots for the body of the `with` (waiting for one if need be)."""
    host = host_of(url)
    token = uuid.uuid4().hex
    limit, interval = settings.INGEST_HOST_MAX_CONCURRENT, settings.INGEST_HOST_MIN_INTERVAL_MS
    if limit <= 0 and interval <= 0:
        yield
        return
    max_wait = settings.INGEST_HOST_MAX_WAIT_MS / 1000
    waited = 0.0
    while True:
        holder, wait_ms = _limiter().acquire(host, token, limit, interval)
        if not wait_ms:
            break
        if waited + wait_ms / 1000 > max_wait:
            raise HostBusy(host, wait_ms / 1000)
        time.sleep(wait_ms / 1000)
        waited += wait_ms / 1000
    try:
        yield
    finally:
        holder.release(host, token)


def host_pause(url: str, seconds: float) -> None:
    """No request to this URL's host for `seconds` (it answered 429 or 503 with Retry-After)."""
    if seconds > 0:
        _limiter().pause(host_of(url), int(seconds * 1000))


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now (RFC 9110: delay-seconds or an HTTP-date), None when absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _RedisLimiter:
    def __init__(self, client: redis.Redis):
        self.client = client
        self.acquire_script = client.register_script(_ACQUIRE)
        self.pause_script = client.register_script(_PAUSE)

    def acquire(self, host: str, token: str, limit: int, interval: int) -> int:
        keys = list(host_keys(host))
        return int(self.acquire_script(keys=keys, args=[token, limit, interval, SLOT_LEASE_MS, FULL_RETRY_MS]))

    def release(self, host: str, token: str) -> None:
        self.client.zrem(host_keys(host)[0], token)

    def pause(self, host: str, ms: int) -> None:
        self.pause_script(keys=[host_keys(host)[1]], args=[ms])


class _LocalLimiter:
    """The same rule in this process's memory: the fallback while Redis is down, and the only one without it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.slots: dict[str, set[str]] = {}
        self.not_before: dict[str, float] = {}

    def acquire(self, host: str, token: str, limit: int, interval: int) -> tuple[_LocalLimiter, int]:
        with self.lock:
            now = time.monotonic()
            held = self.slots.setdefault(host, set())
            wait = max(0.0, self.not_before.get(host, 0.0) - now) * 1000
            if limit > 0 and len(held) >= limit:
                wait = max(wait, FULL_RETRY_MS)
            if wait > 0:
                return self, max(1, int(wait))
            held.add(token)
            if interval > 0:
                self.not_before[host] = now + interval / 1000
            return self, 0

    def release(self, host: str, token: str) -> None:
        with self.lock:
            self.slots.get(host, set()).discard(token)

    def pause(self, host: str, ms: int) -> None:
        with self.lock:
            self.not_before[host] = max(self.not_before.get(host, 0.0), time.monotonic() + ms / 1000)


class HostLimiter:
    """Redis when it answers, else this process's memory; `acquire` says which one holds the slot it took.

    `client`: the Redis to keep the counts in; by default the cache's (REDIS_URL), none without it.
    """

    def __init__(self, client: redis.Redis | None = None) -> None:
        self.local = _LocalLimiter()
        self.remote: _RedisLimiter | None = _RedisLimiter(client) if client is not None else None
        self.down_until = 0.0

    def _redis(self) -> _RedisLimiter | None:
        if time.monotonic() < self.down_until:
            return None
        if self.remote is None and settings.REDIS_URL:
            from django_redis import get_redis_connection

            self.remote = _RedisLimiter(get_redis_connection("default"))
        return self.remote

    def forget(self) -> None:
        """Drop every host's counts and pauses, here and in Redis (an operator's reset; tests start clean)."""
        self.local = _LocalLimiter()
        remote = self._redis()
        if remote is not None:
            try:
                keys = list(remote.client.scan_iter(match=f"{KEY_PREFIX}:*", count=1000))
                if keys:
                    remote.client.delete(*keys)
            except redis.RedisError as exc:
                self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        if time.monotonic() >= self.down_until:
            log.warning("host limits: Redis unreachable (%s); each process keeps its own for now", exc)
        self.down_until = time.monotonic() + REDIS_RETRY_SECONDS

    def acquire(self, host: str, token: str, limit: int, interval: int):
        remote = self._redis()
        if remote is not None:
            try:
                return _RemoteSlot(remote, self), remote.acquire(host, token, limit, interval)
            except redis.RedisError as exc:
                self._failed(exc)
        return self.local.acquire(host, token, limit, interval)

    def pause(self, host: str, ms: int) -> None:
        self.local.pause(host, ms)  # kept here too: it holds if Redis goes down meanwhile
        remote = self._redis()
        if remote is not None:
            try:
                remote.pause(host, ms)
            except redis.RedisError as exc:
                self._failed(exc)


class _RemoteSlot:
    def __init__(self, remote: _RedisLimiter, shared: HostLimiter):
        self.remote, self.shared = remote, shared

    def release(self, host: str, token: str) -> None:
        try:
            self.remote.release(host, token)
        except redis.RedisError as exc:
            self.shared._failed(exc)  # the slot's lease frees it


# The one limiter of this process (a module attribute, so a test can hand it a Redis of its own).
limiter = HostLimiter()


def _limiter() -> HostLimiter:
    return limiter
