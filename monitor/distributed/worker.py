"""``monitor worker``: a long-running crawl worker fed by the Redis job queue.

One process, one Twisted reactor, started once. Every ``poll`` seconds the worker claims jobs
(``monitor.distributed.queue``) while fewer than ``concurrency`` of its crawls run, and runs
each as its own Scrapy crawler in the same reactor: the platform spider, our pipelines (writes
to the shared PostgreSQL database), scrapy-redis as request queue and duplicate filter with
per-job keys (``monitor.distributed.compat``), and the shared per-domain spacing
(``monitor.distributed.politeness``). A heartbeat renews the worker's lease and runs the reaper
that re-queues the jobs of dead workers.

SIGTERM/SIGINT: claim nothing more, stop the running crawls (each records itself as
interrupted), put their jobs back in front of the queue, release the lease and exit.
"""

from __future__ import annotations

import logging
import signal
import time
from dataclasses import dataclass, field
from typing import Any

import redis
from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor

from monitor.crawl import CrawlJob, connect_for_crawl, crawl_settings, spider_arguments
from monitor.distributed.compat import DEFAULT_KEY_TTL, close_shared_clients, shared_client
from monitor.distributed.queue import DEFAULT_PREFIX, Claimed, JobQueue, new_worker_id

__all__ = ["WorkerConfig", "WorkerSummary", "distributed_settings", "run_worker"]

log = logging.getLogger("monitor.distributed.worker")


@dataclass
class WorkerConfig:
    """Tunables of a worker; the defaults suit production, tests shorten them."""

    redis_url: str
    prefix: str = DEFAULT_PREFIX
    concurrency: int = 4
    lease_seconds: float = 30.0
    poll_seconds: float = 0.5
    max_attempts: int = 3
    key_ttl: int = DEFAULT_KEY_TTL
    domain_delay: float | None = None
    worker_id: str = field(default_factory=new_worker_id)


@dataclass
class WorkerSummary:
    """What a worker did before it stopped."""

    worker_id: str
    jobs_done: int = 0
    jobs_released: int = 0
    posts: int = 0


def distributed_settings(db_url: str, config: WorkerConfig, **overrides: Any) -> Settings:
    """The crawl settings of a worker (per-job keys are added for each crawl)."""
    settings = crawl_settings(db_url, **overrides)
    settings.set("SCHEDULER", "monitor.distributed.compat.RedisScheduler", priority="cmdline")
    settings.set(
        "DUPEFILTER_CLASS", "monitor.distributed.compat.ExpiringDupeFilter", priority="cmdline"
    )
    # A worker's crawl closing must never wipe shared keys; the worker deletes a job's keys
    # itself when the job is done. A re-claimed job starts its crawl over (the killed
    # worker's spider state is lost), so a leftover queue is flushed when the crawl opens.
    settings.set("SCHEDULER_PERSIST", True, priority="cmdline")
    settings.set("SCHEDULER_FLUSH_ON_START", True, priority="cmdline")
    settings.set("REDIS_URL", config.redis_url, priority="cmdline")
    settings.set("MONITOR_REDIS_PREFIX", config.prefix, priority="cmdline")
    settings.set("MONITOR_REDIS_KEY_TTL", config.key_ttl, priority="cmdline")
    if config.domain_delay is not None:
        settings.set("MONITOR_SHARED_DOMAIN_DELAY", config.domain_delay, priority="cmdline")
    spider_mw = dict(settings.getdict("SPIDER_MIDDLEWARES"))
    spider_mw["monitor.distributed.compat.FollowUpFilterMiddleware"] = 900
    settings.set("SPIDER_MIDDLEWARES", spider_mw, priority="cmdline")
    downloader_mw = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    downloader_mw["monitor.distributed.politeness.SharedDomainDelayMiddleware"] = 60
    settings.set("DOWNLOADER_MIDDLEWARES", downloader_mw, priority="cmdline")
    return settings


class _Worker:
    def __init__(self, db_url: str, config: WorkerConfig, overrides: dict[str, Any]) -> None:
        self.config = config
        self.settings = distributed_settings(db_url, config, **overrides)
        self.queue = JobQueue(
            shared_client(config.redis_url),
            config.prefix,
            lease_seconds=config.lease_seconds,
            marker_ttl=config.key_ttl,
            max_attempts=config.max_attempts,
        )
        self.summary = WorkerSummary(config.worker_id)
        self.active: dict[str, tuple[Claimed, Crawler]] = {}
        self.stopping = False
        self.redis_down_since: float | None = None

    # -- the loop -------------------------------------------------------------------------

    def run(self) -> WorkerSummary:
        process = CrawlerProcess(self.settings)
        install_reactor(self.settings["TWISTED_REACTOR"])
        from twisted.internet import reactor, task

        from spiders.registry import spider_for

        self.process = process
        self.spider_for = spider_for
        wid = self.config.worker_id
        self.queue.register(wid)
        log.info(
            "worker %s started: %d crawl(s) at once, jobs from %s:jobs",
            wid,
            self.config.concurrency,
            self.config.prefix,
        )
        beat = task.LoopingCall(self._beat)
        poll = task.LoopingCall(self._fill)
        beat.start(max(0.05, self.config.lease_seconds / 3), now=True)
        poll.start(max(0.01, self.config.poll_seconds), now=True)

        def stop(signum: int, _frame: Any) -> None:
            if self.stopping:
                return
            log.info("received %s: stopping", signal.Signals(signum).name)
            reactor.callFromThread(self._stop, beat, poll)

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            process.start(stop_after_crawl=False, install_signal_handlers=False)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            close_shared_clients()
        return self.summary

    def _beat(self) -> None:
        try:
            self.queue.heartbeat(self.config.worker_id)
            for job in self.queue.reap():
                if job.attempt > self.config.max_attempts:
                    log.warning("dropped job of %s after %d attempts", job.url, job.attempt - 1)
                else:
                    log.warning(
                        "re-queued job of %s from a dead worker (attempt %d)", job.url, job.attempt
                    )
        except redis.RedisError as exc:
            log.warning("Redis unavailable (will retry): %s", exc)

    def _fill(self) -> None:
        while not self.stopping and len(self.active) < self.config.concurrency:
            try:
                claimed = self.queue.claim(self.config.worker_id)
            except redis.RedisError as exc:
                if self.redis_down_since is None:
                    self.redis_down_since = time.monotonic()
                    log.warning("Redis unavailable (will retry): %s", exc)
                return
            self.redis_down_since = None
            if claimed is None:
                return
            self._start(claimed)

    def _start(self, claimed: Claimed) -> None:
        job = claimed.job
        settings = self.settings.copy()
        keys = self.queue.keys
        settings.set("SCHEDULER_QUEUE_KEY", keys.requests(job.id), priority="cmdline")
        settings.set("SCHEDULER_DUPEFILTER_KEY", keys.dupefilter(job.id), priority="cmdline")
        log.info("crawling %s (job %s, attempt %d)", job.url, job.id[:8], job.attempt)
        outcome: dict[str, Any] = {}
        try:
            crawler = Crawler(self.spider_for(job.platform), settings)
        except KeyError as exc:
            log.error("job %s: %s", job.id[:8], exc)
            self._done(claimed, {"finish_reason": f"bad job: {exc}"})
            return

        def closed(reason: str) -> None:
            stats = crawler.stats.get_stats() if crawler.stats else {}
            outcome.update(stats)
            outcome["finish_reason"] = reason

        connect_for_crawl(crawler, closed, signals.spider_closed)
        self.active[job.id] = (claimed, crawler)
        crawl_job = CrawlJob(job.platform, job.url, job.crawl_state, job.backfill, job.cached)
        started = time.monotonic()
        deferred = self.process.crawl(crawler, **spider_arguments(crawl_job))
        deferred.addErrback(self._failed, job.url, outcome)
        deferred.addBoth(lambda _: self._finished(claimed, outcome, time.monotonic() - started))

    def _failed(self, failure: Any, url: str, outcome: dict[str, Any]) -> None:
        log.error("crawl of %s failed: %s", url, failure.getErrorMessage())
        outcome.setdefault("finish_reason", f"failed: {failure.getErrorMessage()}")

    def _finished(self, claimed: Claimed, outcome: dict[str, Any], elapsed: float) -> None:
        self.active.pop(claimed.job.id, None)
        reason = outcome.get("finish_reason", "")
        if self.stopping and reason != "finished":
            return  # put back by _stop
        self._done(claimed, outcome)
        log.info(
            "crawled %s: %s, %d post(s), %d new in %.1fs",
            claimed.job.url,
            outcome.get("monitor/account_state", reason or "?"),
            int(outcome.get("monitor/posts_seen", 0)),
            int(outcome.get("monitor/new_posts", 0)),
            elapsed,
        )
        if not self.stopping:
            self._fill()

    def _done(self, claimed: Claimed, outcome: dict[str, Any]) -> None:
        self.summary.jobs_done += 1
        self.summary.posts += int(outcome.get("monitor/posts_seen", 0))
        try:
            if not self.queue.complete(self.config.worker_id, claimed):
                log.warning(
                    "job %s of %s had gone back to the queue (lease lapsed)",
                    claimed.job.id[:8],
                    claimed.job.url,
                )
        except redis.RedisError as exc:
            log.error("could not complete job %s in Redis: %s", claimed.job.id[:8], exc)

    def _stop(self, *loops: Any) -> None:
        from twisted.internet import reactor

        self.stopping = True
        for loop in loops:
            if loop.running:
                loop.stop()

        def released(_: Any) -> None:
            try:
                self.summary.jobs_released = self.queue.release(self.config.worker_id)
            except redis.RedisError as exc:
                log.error("could not put the running jobs back (lease expiry will): %s", exc)
            if self.summary.jobs_released:
                log.info("put %d unfinished job(s) back in the queue", self.summary.jobs_released)
            if reactor.running:
                reactor.stop()

        self.process.stop().addBoth(released)


def run_worker(db_url: str, config: WorkerConfig, **overrides: Any) -> WorkerSummary:
    """Run a worker until SIGTERM/SIGINT. Starts the Twisted reactor: once per process."""
    return _Worker(db_url, config, overrides).run()
