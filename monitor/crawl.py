"""Run crawls of watched accounts in this process: one reactor start for the whole batch."""

from __future__ import annotations

import json
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor

from monitor.items import AccountStatus, Post

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENT_CRAWLS = 8


@dataclass(frozen=True)
class CrawlJob:
    """One account to crawl."""

    platform: str
    url: str
    crawl_state: dict[str, str] = field(default_factory=dict)
    backfill: int = 200
    cached: bool = False


@dataclass
class CrawlOutcome:
    """What one crawl saw, for the summary."""

    url: str
    platform: str
    state: str = "ok"
    posts_seen: int = 0
    new_posts: int = 0
    flagged: int = 0
    requests: int = 0
    errors: int = 0
    error: str = ""
    finish_reason: str = ""


@dataclass
class Progress:
    """Running totals, updated from Scrapy signals as items pass through."""

    accounts_total: int = 0
    accounts_done: int = 0
    posts: int = 0
    flagged: int = 0
    on_change: Callable[[Progress], None] | None = None

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)


def crawl_settings(db_url: str, **overrides: Any) -> Settings:
    """Scrapy settings for monitor crawls: the project settings (pipelines included).

    Scrapy installs no log handler of its own: the CLI's handler decides what is shown.
    """
    settings = Settings()
    settings.setmodule("monitor.settings", priority="project")
    settings.set("MONITOR_DATABASE_URL", db_url, priority="cmdline")
    settings.set("LOG_ENABLED", False, priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def spider_arguments(job: CrawlJob) -> dict[str, str]:
    """The ``-a`` arguments of a spider for ``job``."""
    args = {
        "url": job.url,
        "backfill": str(job.backfill),
        "crawl_state": json.dumps(job.crawl_state),
    }
    if job.cached:
        args["cached"] = "1"
    return args


def connect_for_crawl(crawler: Crawler, receiver: Callable[..., Any], signal: object) -> None:
    """Connect ``receiver`` to one of ``crawler``'s signals for as long as the crawler lives.

    The dispatcher holds receivers weakly and the crawler holds this one, so a finished crawler
    and its receivers are freed together (a strong connection keeps both alive for the life of
    the process: a leak in long-running workers).
    """
    kept: list[Callable[..., Any]] = crawler.__dict__.setdefault("_monitor_receivers", [])
    kept.append(receiver)
    crawler.signals.connect(receiver, signal=signal)


def _track(crawler: Crawler, job: CrawlJob, outcome: CrawlOutcome, progress: Progress) -> None:
    def item_scraped(item: object) -> None:
        if isinstance(item, Post):
            progress.posts += 1
            if item.findings:
                progress.flagged += 1
            progress.changed()
        elif isinstance(item, AccountStatus):
            outcome.state = item.state
            if item.error:
                outcome.error = item.error

    def spider_closed(reason: str) -> None:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        outcome.posts_seen = int(stats.get("monitor/posts_seen", 0))
        outcome.new_posts = int(stats.get("monitor/new_posts", 0))
        outcome.flagged = int(stats.get("monitor/flagged", 0))
        outcome.requests = int(stats.get("downloader/request_count", 0))
        outcome.errors = int(stats.get("monitor/bad_responses", 0)) + int(
            stats.get("log_count/ERROR", 0)
        )
        outcome.finish_reason = reason
        progress.accounts_done += 1
        progress.changed()

    connect_for_crawl(crawler, item_scraped, signals.item_scraped)
    connect_for_crawl(crawler, spider_closed, signals.spider_closed)


def run_crawls(
    jobs: list[CrawlJob],
    settings: Settings,
    progress: Progress | None = None,
    concurrent_crawls: int = DEFAULT_CONCURRENT_CRAWLS,
) -> list[CrawlOutcome]:
    """Crawl every job (a bounded number at once) and return one outcome per job.

    Starts the Twisted reactor once: call it once per process. SIGINT/SIGTERM stop the crawls
    gracefully (each records itself as interrupted) and start no new ones.
    """
    progress = progress or Progress()
    progress.accounts_total = len(jobs)
    outcomes = [CrawlOutcome(job.url, job.platform) for job in jobs]
    process = CrawlerProcess(settings)
    install_reactor(settings["TWISTED_REACTOR"])  # before anything imports the default one
    from twisted.internet import defer, reactor

    from spiders.registry import spider_for

    stopping = False
    semaphore = defer.DeferredSemaphore(max(1, concurrent_crawls))

    def start(job: CrawlJob, outcome: CrawlOutcome) -> Any:
        if stopping:
            outcome.finish_reason = "not started"
            return None
        crawler = process.create_crawler(spider_for(job.platform))
        _track(crawler, job, outcome, progress)
        return process.crawl(crawler, **spider_arguments(job))

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        reactor.callFromThread(process.stop)

    def all_done(_: Any) -> None:
        if reactor.running:
            reactor.stop()

    def failed(failure: Any, outcome: CrawlOutcome) -> None:
        logger.error("crawl of %s failed: %s", outcome.url, failure.getErrorMessage())
        outcome.state = "error"
        outcome.error = outcome.error or failure.getErrorMessage()
        outcome.errors += 1

    runs = [
        semaphore.run(start, job, outcome).addErrback(failed, outcome)
        for job, outcome in zip(jobs, outcomes, strict=True)
    ]
    finished = defer.DeferredList(runs, consumeErrors=True).addBoth(all_done)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if not finished.called:
            process.start(stop_after_crawl=False, install_signal_handlers=False)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return outcomes
