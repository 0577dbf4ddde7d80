"""Store pipeline: posts, findings and evidence in SQL, in batches; crawl runs and account
state alongside."""

from __future__ import annotations

import logging
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy import Engine

from monitor.items import AccountStatus, Post
from pipelines.signals import posts_flagged
from storage.crawl_runs import RunCounts, finish_run, record_account_status, start_run
from storage.db import open_database
from storage.posts import CaptureRow, FindingRow, PostRow, save_posts
from storage.takedown import link_reappearances

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 200


def to_row(post: Post) -> PostRow:
    """The storage form of a crawled post (findings masked; no matched value kept)."""
    capture = None
    if post.capture is not None:
        c = post.capture
        capture = CaptureRow(c.request_url, c.status, dict(c.headers), c.body, c.captured_at)
    findings = [
        FindingRow(
            field=name,
            kind=f.kind,
            country=f.country,
            scheme=f.scheme,
            start=f.start,
            end=f.end,
            score=f.score,
            masked=f.masked,
            fingerprint=f.fingerprint,
            details=f.details,
        )
        for name, f in post.findings
    ]
    return PostRow(
        platform=post.platform,
        account_url=post.account_url,
        post_id=post.post_id,
        url=post.url,
        posted_at=post.posted_at,
        captured_at=post.captured_at,
        text=post.text,
        raw=post.raw,
        source=post.source,
        language=post.language,
        content_warning=post.content_warning,
        alt_texts=list(post.alt_texts),
        quoted_text=post.quoted_text,
        archive_timestamp=post.archive_timestamp,
        capture=capture,
        findings=findings,
    )


class StorePipeline:
    """Writes posts in batches (one transaction per batch), idempotently."""

    def __init__(self, crawler: Crawler, engine: Engine, batch_size: int) -> None:
        self.crawler = crawler
        self.engine = engine
        self.batch_size = batch_size
        self.buffer: list[PostRow] = []
        self.counts = RunCounts()
        self.run_id: int | None = None
        self.account_error = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        engine = open_database(crawler.settings.get("MONITOR_DATABASE_URL"))
        batch = crawler.settings.getint("MONITOR_STORE_BATCH", DEFAULT_BATCH_SIZE)
        pipeline = cls(crawler, engine, batch)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def _account_url(self) -> str:
        spider = self.crawler.spider
        return getattr(spider, "account_url", None) or getattr(spider, "url", "")

    def open_spider(self) -> None:
        self.run_id = start_run(self.engine, self._account_url())

    def spider_error(self, failure: object, response: object, spider: object) -> None:
        self.account_error = self.account_error or str(getattr(failure, "value", failure))

    def process_item(self, item: object) -> object:
        if isinstance(item, Post):
            self.buffer.append(to_row(item))
            if len(self.buffer) >= self.batch_size:
                self.flush()
        elif isinstance(item, AccountStatus):
            self.flush()
            record_account_status(
                self.engine,
                item.account_url,
                item.state,
                item.error,
                item.platform_account_id,
                item.crawl_state,
            )
            if item.state == "error":
                self.account_error = item.error or "error"
        return item

    def flush(self) -> None:
        """Write the buffered posts in one transaction."""
        if not self.buffer:
            return
        result = save_posts(self.engine, self.buffer)
        self.buffer.clear()
        self.counts.posts_seen += result.posts_seen
        self.counts.new_posts += result.new_posts
        self.counts.flagged += len(result.newly_flagged)
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("monitor/posts_seen", result.posts_seen)
            stats.inc_value("monitor/new_posts", result.new_posts)
            stats.inc_value("monitor/flagged", len(result.newly_flagged))
        if result.newly_flagged:
            reappeared = link_reappearances(self.engine, result.newly_flagged)
            if reappeared and stats is not None:
                stats.inc_value("monitor/reappeared", len(reappeared))
            self.crawler.signals.send_catch_log(posts_flagged, rows=result.flagged_rows)

    def close_spider(self) -> None:
        """Write what is left; the run is finished on ``spider_closed``, which knows why."""
        self.flush()

    def spider_closed(self, spider: object, reason: str) -> None:
        """Record the run's outcome: Scrapy tells pipelines the close reason only here."""
        try:
            if self.run_id is not None:
                stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
                self.counts.requests = int(stats.get("downloader/request_count", 0))
                bad = int(stats.get("monitor/bad_responses", 0))
                if reason != "finished":
                    outcome = "interrupted"
                elif self.account_error or bad:
                    outcome = "error"
                else:
                    outcome = "ok"
                error = self.account_error or (f"{bad} bad response(s)" if bad else "")
                finish_run(self.engine, self.run_id, outcome, self.counts, error)
        finally:
            self.engine.dispose()
