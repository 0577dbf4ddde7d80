"""Store pipeline: posts, findings and evidence in SQL, in batches; crawl runs and account
state alongside."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Self, TypeVar
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy import Engine
from twisted.internet import threads
from twisted.internet.defer import Deferred, DeferredList, DeferredLock

from monitor.items import AccountStatus, Post
from pipelines.signals import posts_flagged
from storage.crawl_runs import RunCounts, finish_run, record_account_status, start_run
from storage.db import acquire_engine, release_engine
from storage.posts import BatchResult, CaptureRow, FindingRow, PostRow, save_posts_isolated
from storage.takedown import link_reappearances

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 200
MAX_LANGUAGE = 16  # posts.language

T = TypeVar("T")

# One lock per database engine: the writes of every crawl of a process to one database run
# one at a time, in the order they were asked for, in the reactor's thread pool.
_locks: WeakKeyDictionary[Engine, DeferredLock] = WeakKeyDictionary()


def _lock_for(engine: Engine) -> DeferredLock:
    lock = _locks.get(engine)
    if lock is None:
        lock = _locks[engine] = DeferredLock()
    return lock


def to_row(post: Post, capture: CaptureRow | None = None) -> PostRow:
    """The storage form of a crawled post (findings masked; no matched value kept);
    ``capture``: the storage form of ``post.capture`` if already made (posts of one page)."""
    if capture is None and post.capture is not None:
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
        post_id=storable(post.post_id),
        url=storable(post.url),
        posted_at=post.posted_at,
        captured_at=post.captured_at,
        text=storable(post.text),
        raw=storable(post.raw),
        source=post.source,
        language=_language_tag(post.language),
        content_warning=storable(post.content_warning),
        alt_texts=[storable(t) for t in post.alt_texts],
        quoted_text=storable(post.quoted_text),
        archive_timestamp=post.archive_timestamp,
        capture=capture,
        findings=findings,
    )


def storable(text: str) -> str:
    """``text`` as every database stores it: NUL (refused by PostgreSQL) and lone surrogates
    (not encodable, e.g. from a JSON ``"\\ud800"``) are replaced one character for one, so
    finding offsets stay right. Other values (a wrongly typed field) are left to
    ``storage.posts.row_problem``."""
    if not isinstance(text, str):
        return text
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _language_tag(language: object) -> str | None:
    """The post's language tag if it is one (text of at most 16 characters), else None."""
    if isinstance(language, str) and 0 < len(language) <= MAX_LANGUAGE:
        return language
    return None


def write_batch(
    engine: Engine, rows: list[PostRow], status: AccountStatus | None = None
) -> tuple[BatchResult, list[int]]:
    """Store ``rows`` (one transaction), link reappearances of removed data, then record the
    account ``status``: only once the posts before it are committed, so a stored resume state
    never points past posts that are not stored (a row the database refuses is left out and
    its reason kept in the result; see ``save_posts_isolated``). Runs in a worker thread."""
    result = save_posts_isolated(engine, rows) if rows else BatchResult()
    reappeared = link_reappearances(engine, result.newly_flagged) if result.newly_flagged else []
    if status is not None:
        record_account_status(
            engine,
            status.account_url,
            status.state,
            status.error,
            status.platform_account_id,
            status.crawl_state,
        )
    return result, reappeared


class StorePipeline:
    """Writes posts in batches (one transaction per batch), idempotently.

    Database work runs off the reactor thread (``deferToThread``), one statement batch at a
    time per database (a ``DeferredLock``, first come first served), so parsing and detection
    go on while the database works. Counts, stats and ``posts_flagged`` are handled back in
    the reactor thread once a batch is committed; closing waits for every pending write.
    """

    def __init__(self, crawler: Crawler, engine: Engine, batch_size: int) -> None:
        self.crawler = crawler
        self.engine = engine
        self.batch_size = batch_size
        self.buffer: list[PostRow] = []
        self.counts = RunCounts()
        self.run_id: int | None = None
        self.account_error = ""
        self.dropped: list[str] = []  # why posts could not be stored (no values)
        self.store_error = ""
        self.lock = _lock_for(engine)
        self.pending: set[Deferred[Any]] = set()
        self._capture: tuple[object, CaptureRow | None] = (None, None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        engine = acquire_engine(crawler.settings.get("MONITOR_DATABASE_URL"))
        batch = crawler.settings.getint("MONITOR_STORE_BATCH", DEFAULT_BATCH_SIZE)
        pipeline = cls(crawler, engine, batch)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def _in_thread(self, function: Callable[..., T], *args: Any) -> Deferred[T]:
        """``function(*args)`` in a worker thread, after every write asked for before it."""
        deferred: Deferred[T] = self.lock.run(threads.deferToThread, function, *args)
        self.pending.add(deferred)

        def done(result: Any) -> Any:
            self.pending.discard(deferred)
            return result

        return deferred.addBoth(done)

    def _account_url(self) -> str:
        spider = self.crawler.spider
        return getattr(spider, "account_url", None) or getattr(spider, "url", "")

    async def open_spider(self) -> None:
        self.run_id = await maybe_deferred_to_future(
            self._in_thread(start_run, self.engine, self._account_url())
        )

    def spider_error(self, failure: object, response: object, spider: object) -> None:
        self.account_error = self.account_error or str(getattr(failure, "value", failure))

    def process_item(self, item: object) -> object:
        if isinstance(item, Post):
            # The posts of a page share its capture: one CaptureRow for them all.
            capture = self._capture[1] if item.capture is self._capture[0] else None
            row = to_row(item, capture)
            self._capture = (item.capture, row.capture)
            self.buffer.append(row)
            if len(self.buffer) >= self.batch_size:
                return self._after(self.flush(), item)
        elif isinstance(item, AccountStatus):
            if item.state == "error":
                self.account_error = item.error or "error"
            return self._store_status(item)
        return item

    async def _after(self, deferred: Deferred[Any], item: object) -> object:
        """``item`` once ``deferred`` has fired (its error, if any, is the item's)."""
        await maybe_deferred_to_future(deferred)
        return item

    async def _store_status(self, item: AccountStatus) -> AccountStatus:
        """The account's status, written after every post before it (with the posts of a
        failed batch, which went back to the buffer)."""
        await self._drain()
        await maybe_deferred_to_future(self.flush(item))
        return item

    def flush(self, status: AccountStatus | None = None) -> Deferred[None]:
        """Write the buffered posts in one transaction (then ``status``, if given); if that
        fails, the posts go back to the front of the buffer for the next flush."""
        rows, self.buffer = self.buffer, []

        def failed(failure: Any) -> Any:
            self.buffer[:0] = rows
            self.store_error = f"storing posts failed: {failure.getErrorMessage()}"[:500]
            return failure

        return self._in_thread(write_batch, self.engine, rows, status).addCallbacks(
            self._written, failed
        )

    def _written(self, outcome: tuple[BatchResult, list[int]]) -> None:
        """Back in the reactor thread: counts, stats and ``posts_flagged`` for a batch."""
        result, reappeared = outcome
        if result.failures:
            for reason in result.failures:
                logger.warning("post not stored: %s", reason)
            self.dropped += result.failures
        self.counts.posts_seen += result.posts_seen
        self.counts.new_posts += result.new_posts
        self.counts.flagged += len(result.newly_flagged)
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("monitor/posts_seen", result.posts_seen)
            stats.inc_value("monitor/new_posts", result.new_posts)
            stats.inc_value("monitor/flagged", len(result.newly_flagged))
            if reappeared:
                stats.inc_value("monitor/reappeared", len(reappeared))
            if result.failures:
                stats.inc_value("monitor/posts_not_stored", len(result.failures))
        if result.newly_flagged:
            self.crawler.signals.send_catch_log(posts_flagged, rows=result.flagged_rows)

    async def close_spider(self) -> None:
        """Write what is left and wait for every pending write; the run is finished on
        ``spider_closed``, which knows why."""
        try:
            if self.buffer:
                await maybe_deferred_to_future(self.flush())
        finally:
            await self._drain()

    async def _drain(self) -> None:
        """Wait until no write of this pipeline is pending (their errors went to their items)."""
        while self.pending:
            await maybe_deferred_to_future(DeferredList(list(self.pending), consumeErrors=True))

    def _run_error(self, bad_responses: int) -> str:
        """What went wrong in this crawl, most telling first ("" if nothing did)."""
        problems = [self.account_error, self.store_error]
        if self.dropped:
            problems.append(f"{len(self.dropped)} post(s) not stored: {self.dropped[0]}")
        if bad_responses:
            problems.append(f"{bad_responses} bad response(s)")
        return "; ".join(p for p in problems if p)

    async def spider_closed(self, spider: object, reason: str) -> None:
        """Record the run's outcome: Scrapy tells pipelines the close reason only here."""
        try:
            await self._drain()
            if self.run_id is not None:
                stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
                self.counts.requests = int(stats.get("downloader/request_count", 0))
                bad = int(stats.get("monitor/bad_responses", 0))
                error = self._run_error(bad)
                outcome = "error" if error else "ok"
                if reason != "finished":
                    outcome = "interrupted"
                await maybe_deferred_to_future(
                    self._in_thread(
                        finish_run, self.engine, self.run_id, outcome, self.counts, error
                    )
                )
        finally:
            await self._drain()
            release_engine(self.engine)
