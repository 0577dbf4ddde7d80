"""scrapy-redis 0.9.1 as the request queue and duplicate filter of Scrapy 2.19 crawls.

scrapy-redis predates Scrapy's ``async def start()`` (Scrapy 2.13; ``start_requests()`` is
gone since 2.16, scrapy-redis issues #305 and #317, PR #316 unreleased). What that means here:

- ``RedisSpider``/``RedisMixin`` read their start URLs in ``start_requests()``, which Scrapy
  2.19 never calls, and pop them with ``LRANGE`` + ``LTRIM`` (a killed worker loses what it
  popped). We do not use them: account jobs come from ``monitor.distributed.queue`` (claimed
  with a lease), and each crawl runs our own platform spider, whose ``async def start()`` the
  engine feeds into the scrapy-redis scheduler like any other request.
- The scheduler passes ``spider=`` to ``StatsCollector.inc_value()``, deprecated in Scrapy 2.19
  (a warning per request; an error under ``-W error``). ``RedisScheduler`` below does not.
- It opens one Redis connection pool per crawl and per duplicate filter; a long-running worker
  running thousands of crawls shares one client per Redis URL instead (``shared_client``).

Keys are per job (``P:job:<id>:requests`` / ``:dupefilter``, set by the worker through
``SCHEDULER_QUEUE_KEY`` and ``SCHEDULER_DUPEFILTER_KEY``). The next cycle of an account is a
new job with new keys, so a timeline URL fetched in this cycle is never "seen" in the next one;
the worker deletes both keys when the job ends, and every write renews a TTL
(``MONITOR_REDIS_KEY_TTL``) so keys of a crawl nobody finished expire on their own: the filter
cannot grow without bound (scrapy-redis #144).

Our spiders mark every request ``dont_filter`` (a single-process crawl needs no filter). In
distributed mode ``FollowUpFilterMiddleware`` lets the requests a callback yields (next pages,
the RSS fallback, archived snapshots) go through the shared filter, so a page that links back
to an earlier one (a pagination loop) is fetched once per job. Start requests, retries and the
spider's own engine requests (archive look-ups, the final status) stay unfiltered.
"""

from __future__ import annotations

import threading
from typing import Any, Self

import redis
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy_redis import defaults as redis_defaults
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from monitor.distributed.queue import connect

__all__ = [
    "DEFAULT_KEY_TTL",
    "ExpiringDupeFilter",
    "FollowUpFilterMiddleware",
    "RedisScheduler",
    "close_shared_clients",
    "shared_client",
]

DEFAULT_KEY_TTL = 24 * 3600

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def shared_client(url: str) -> redis.Redis:
    """One Redis client per URL for the whole process."""
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = connect(url)
        return client


def close_shared_clients() -> None:
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def _redis_url(settings: BaseSettings) -> str:
    url = settings.get("REDIS_URL")
    if not url:
        raise ValueError("distributed crawls need the REDIS_URL setting")
    return str(url)


def _ttl(settings: BaseSettings) -> int:
    return max(1, settings.getint("MONITOR_REDIS_KEY_TTL", DEFAULT_KEY_TTL))


class ExpiringDupeFilter(RFPDupeFilter):
    """scrapy-redis's filter (a Redis set of request fingerprints) whose key expires
    ``MONITOR_REDIS_KEY_TTL`` seconds after its last write."""

    def __init__(self, server: redis.Redis, key: str, debug: bool = False, ttl: int = 0) -> None:
        super().__init__(server, key, debug)
        self.ttl = ttl or DEFAULT_KEY_TTL

    @classmethod
    def from_spider(cls, spider: Any) -> Self:
        settings = spider.settings
        key = settings.get("SCHEDULER_DUPEFILTER_KEY", redis_defaults.SCHEDULER_DUPEFILTER_KEY)
        return cls(
            shared_client(_redis_url(settings)),
            key=key % {"spider": spider.name},
            debug=settings.getbool("DUPEFILTER_DEBUG"),
            ttl=_ttl(settings),
        )

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.request_fingerprint(request)
        with self.server.pipeline(transaction=True) as pipe:
            pipe.sadd(self.key, fingerprint)
            pipe.expire(self.key, self.ttl)
            added, _ = pipe.execute()
        return int(added) == 0


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler for Scrapy 2.19: current stats API, a shared client,
    expiring keys."""

    key_ttl: int = DEFAULT_KEY_TTL

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        kwargs: dict[str, Any] = {
            "persist": settings.getbool("SCHEDULER_PERSIST"),
            "flush_on_start": settings.getbool("SCHEDULER_FLUSH_ON_START"),
            "idle_before_close": settings.getint("SCHEDULER_IDLE_BEFORE_CLOSE"),
        }
        optional = {
            "queue_key": "SCHEDULER_QUEUE_KEY",
            "queue_cls": "SCHEDULER_QUEUE_CLASS",
            "dupefilter_key": "SCHEDULER_DUPEFILTER_KEY",
            "dupefilter_cls": "DUPEFILTER_CLASS",
        }
        for name, setting in optional.items():
            value = settings.get(setting)
            if value:
                kwargs[name] = value
        server = shared_client(_redis_url(settings))
        server.ping()
        instance = cls(server=server, **kwargs)
        instance.stats = crawler.stats
        instance.key_ttl = _ttl(settings)
        return instance

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            if self.stats:
                self.stats.inc_value("dupefilter/filtered")
            return False
        self.queue.push(request)
        self.server.expire(self.queue.key, self.key_ttl)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop(self.idle_before_close)
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request  # type: ignore[no-any-return]


class FollowUpFilterMiddleware(BaseSpiderMiddleware):
    """Requests yielded by callbacks go through the duplicate filter of the job."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request:
        if response is None or not request.dont_filter or "retry_times" in request.meta:
            return request
        if request.url.startswith("data:"):
            return request
        return request.replace(dont_filter=False)
