"""Per-domain politeness across workers: a request spacing shared through Redis.

Scrapy's ``DOWNLOAD_DELAY``, ``CONCURRENT_REQUESTS_PER_DOMAIN`` and AutoThrottle hold per
process: N workers would hit a domain N times harder. ``SharedDomainDelayMiddleware`` keeps,
per host, the earliest time the next request may start (``P:domain:<host>`` in Redis). Each
request atomically reserves the next free slot (a Lua script on Redis's own clock, so the
machines' clocks do not matter) and waits for it without blocking the reactor. Requests to one
host, from every worker together, therefore start at least ``delay`` seconds apart, the spacing
``DOWNLOAD_DELAY`` gives a single process (which, with a delay, sends one request at a time per
host). Each worker's own delay and AutoThrottle still apply on top.

Settings:

- ``MONITOR_SHARED_DOMAIN_DELAY``: seconds between requests to one host across all workers
  (default: ``DOWNLOAD_DELAY``; 0 turns the shared spacing off);
- ``DOWNLOAD_SLOTS``: a host's own ``delay`` (the Wayback Machine's 2.5 s) wins when larger;
- ``MONITOR_REDIS_PREFIX`` and ``REDIS_URL``: where the reservations live.
"""

from __future__ import annotations

from typing import Self
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.http import Request

from monitor.distributed.compat import shared_client
from monitor.distributed.queue import DEFAULT_PREFIX, Keys
from monitor.middlewares import _sleep

__all__ = ["SharedDomainDelayMiddleware", "reserve_script"]

# KEYS: the host's key; ARGV: delay in ms. Returns the wait in ms before this request may go.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, free)
local delay = tonumber(ARGV[1])
redis.call('SET', KEYS[1], at + delay, 'PX', (at - now) + delay + 60000)
return at - now
"""


def reserve_script(client):  # type: ignore[no-untyped-def]
    """The registered reservation script for ``client``."""
    return client.register_script(RESERVE)


class SharedDomainDelayMiddleware:
    """Space requests to each host ``delay`` seconds apart across every worker."""

    def __init__(self, client, keys: Keys, delay: float, slot_delays: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
        self.keys = keys
        self.delay = max(0.0, delay)
        self.slot_delays = slot_delays
        self._reserve = reserve_script(client) if client is not None else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        value = settings.get("MONITOR_SHARED_DOMAIN_DELAY")
        delay = settings.getfloat("DOWNLOAD_DELAY") if value in (None, "") else float(value)
        slots = {
            host: float(slot.get("delay", 0) or 0)
            for host, slot in (settings.getdict("DOWNLOAD_SLOTS") or {}).items()
        }
        url = settings.get("REDIS_URL")
        client = shared_client(str(url)) if url else None
        keys = Keys(settings.get("MONITOR_REDIS_PREFIX") or DEFAULT_PREFIX)
        return cls(client, keys, delay, slots)

    def delay_for(self, host: str) -> float:
        return max(self.delay, self.slot_delays.get(host, 0.0))

    async def process_request(self, request: Request) -> None:
        if self._reserve is None:
            return
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return
        host = parts.hostname.lower()
        delay = self.delay_for(host)
        if delay <= 0:
            return
        wait_ms = int(self._reserve(keys=[self.keys.domain(host)], args=[int(delay * 1000)]))
        if wait_ms > 0:
            await _sleep(wait_ms / 1000)
