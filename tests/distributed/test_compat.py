"""The scrapy-redis adapter (Scrapy 2.19), per-job filter keys, shared politeness."""

from __future__ import annotations

import asyncio
import threading

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from monitor.distributed.compat import (
    ExpiringDupeFilter,
    FollowUpFilterMiddleware,
    RedisScheduler,
    close_shared_clients,
)
from monitor.distributed.politeness import SharedDomainDelayMiddleware, reserve_script
from monitor.distributed.queue import JobQueue, Keys, connect
from spiders.mastodon import MastodonSpider


@pytest.fixture(autouse=True)
def _close_clients():
    yield
    close_shared_clients()


def _crawler(redis_url: str, prefix: str, job: str, **extra):
    keys = Keys(prefix)
    settings = {
        "REDIS_URL": redis_url,
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": True,
        "SCHEDULER_QUEUE_KEY": keys.requests(job),
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter(job),
        "DUPEFILTER_CLASS": "monitor.distributed.compat.ExpiringDupeFilter",
        "MONITOR_REDIS_KEY_TTL": 120,
        **extra,
    }
    crawler = get_crawler(MastodonSpider, settings)
    spider = MastodonSpider.from_crawler(crawler, url="https://mastodon.test/@ann")
    crawler.spider = spider
    return crawler, spider


def _open(redis_url: str, prefix: str, job: str):
    crawler, spider = _crawler(redis_url, prefix, job)
    scheduler = RedisScheduler.from_crawler(crawler)
    scheduler.open(spider)
    return crawler, spider, scheduler


async def _start_requests(spider) -> list[Request]:
    return [request async for request in spider.start()]


def test_async_start_requests_go_through_the_redis_queue(redis_url, prefix):
    crawler, spider, scheduler = _open(redis_url, prefix, "job1")
    (start,) = asyncio.run(_start_requests(spider))
    # (pytest turns a deprecation warning, e.g. scrapy-redis's stats call, into an error)
    assert scheduler.enqueue_request(start)
    client = scheduler.server
    key = Keys(prefix).requests("job1")
    assert client.zcard(key) == 1, "the request is stored (pickled) in Redis"
    assert 0 < client.ttl(key) <= 120
    back = scheduler.next_request()
    assert back.url == start.url and back.callback == spider.parse_lookup
    assert back.errback == spider.on_failure
    assert scheduler.next_request() is None
    stats = crawler.stats.get_stats()
    assert stats["scheduler/enqueued/redis"] == stats["scheduler/dequeued/redis"] == 1
    assert scheduler.enqueue_request(start)
    scheduler.close("shutdown")
    assert client.zcard(key) == 1, "SCHEDULER_PERSIST: closing never wipes the shared queue"


def test_follow_ups_are_filtered_within_a_job_and_not_in_the_next_cycle(redis_url, prefix):
    crawler, spider, scheduler = _open(redis_url, prefix, "cycle1")
    middleware = FollowUpFilterMiddleware(crawler)
    response = TextResponse("https://mastodon.test/api/v1/accounts/lookup?acct=ann", body=b"{}")
    page = spider.request(
        "https://mastodon.test/api/v1/accounts/1/statuses?limit=40", spider.parse_older
    )
    assert page.dont_filter, "our spiders mark every request dont_filter"
    followed = middleware.get_processed_request(page, response)
    assert not followed.dont_filter
    assert middleware.get_processed_request(page, None) is page, "start requests untouched"
    retry = page.replace(meta={**page.meta, "retry_times": 1})
    assert middleware.get_processed_request(retry, response) is retry

    assert scheduler.enqueue_request(followed)
    assert not scheduler.enqueue_request(followed.replace()), "a loop back is dropped"
    assert crawler.stats.get_value("dupefilter/filtered") == 1
    dupefilter_key = Keys(prefix).dupefilter("cycle1")
    client = scheduler.server
    assert client.scard(dupefilter_key) == 1
    assert 0 < client.ttl(dupefilter_key) <= 120, "the filter expires on its own"

    # the next cycle of the account is another job: the same timeline URL goes through
    crawler2, spider2, scheduler2 = _open(redis_url, prefix, "cycle2")
    again = FollowUpFilterMiddleware(crawler2).get_processed_request(
        spider2.request(page.url, spider2.parse_older), response
    )
    assert scheduler2.enqueue_request(again)


def test_flush_on_start_restarts_a_retried_job(redis_url, prefix):
    _, spider, scheduler = _open(redis_url, prefix, "retried")
    (start,) = asyncio.run(_start_requests(spider))
    scheduler.enqueue_request(start)
    scheduler.df.request_seen(Request("https://mastodon.test/x"))
    # a worker killed here leaves both keys; the next worker opens the same job again
    _, _, fresh = _open(redis_url, prefix, "retried")
    assert len(fresh) == 0
    assert fresh.server.exists(Keys(prefix).dupefilter("retried")) == 0


def test_expiring_dupefilter_from_spider(redis_url, prefix):
    _, spider = _crawler(redis_url, prefix, "df")
    dupefilter = ExpiringDupeFilter.from_spider(spider)
    assert dupefilter.key == Keys(prefix).dupefilter("df")
    assert dupefilter.ttl == 120
    request = Request("https://mastodon.test/a")
    assert not dupefilter.request_seen(request)
    assert dupefilter.request_seen(request)


def test_shared_spacing_across_clients(redis_url, prefix):
    """Three clients (three workers) reserving slots for one host get them 100 ms apart."""
    key = Keys(prefix).domain("mastodon.test")
    waits: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        client = connect(redis_url)
        try:
            reserve = reserve_script(client)
            for _ in range(5):
                wait = int(reserve(keys=[key], args=[100]))
                with lock:
                    waits.append(wait)
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    waits.sort()
    # 15 requests at once: slots at 0, 100, ..., 1400 ms (a few ms of clock between calls)
    for index, wait in enumerate(waits):
        assert index * 100 - 20 <= wait <= index * 100 + 5


def test_politeness_middleware_settings(redis_url, prefix):
    crawler, _ = _crawler(
        redis_url,
        prefix,
        "mw",
        DOWNLOAD_DELAY=0.5,
        MONITOR_REDIS_PREFIX=prefix,
        DOWNLOAD_SLOTS={"web.archive.org": {"concurrency": 1, "delay": 2.5}},
    )
    middleware = SharedDomainDelayMiddleware.from_crawler(crawler)
    assert middleware.delay_for("mastodon.test") == 0.5, "defaults to DOWNLOAD_DELAY"
    assert middleware.delay_for("web.archive.org") == 2.5
    crawler2, _ = _crawler(redis_url, prefix, "mw2", MONITOR_SHARED_DOMAIN_DELAY=0)
    assert SharedDomainDelayMiddleware.from_crawler(crawler2).delay_for("mastodon.test") == 0


def test_queue_and_filter_keys_are_per_job(jobs: JobQueue):
    keys = jobs.keys
    assert keys.requests("a") != keys.requests("b")
    assert keys.dupefilter("a").startswith(f"{keys.prefix}:job:a:")
