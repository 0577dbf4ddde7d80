"""What every monitor spider shares: arguments, account state, bad-response accounting, the
final ``AccountStatus`` and the chaining of Internet Archive look-ups.

A crawl runs in up to three phases, each started when the previous one leaves the spider idle:

1. the live crawl of the platform (the subclass's ``start()`` and callbacks);
2. the archive phase (CDX queries and snapshots, see ``spiders.archive``) when ``cached=1`` was
   given or the live crawl found the account suspended, not found or private;
3. one ``AccountStatus`` item with the account's state and the new ``crawl_state``.

Hostile or broken servers are kept in bounds here: a callback decorated with ``home_only``
ignores a response from a host the spider does not crawl (redirects off the host are refused
by ``monitor.middlewares`` already); ``new_cursor`` stops paging on a cursor used before;
``counted`` drops posts already yielded in this crawl; ``moves_cursor`` keeps posts dated in the
future from becoming the resume point; CDX paging stops on a repeated resume key, a page with
no new rows, or after ``MONITOR_ARCHIVE_CDX_MAX_PAGES`` pages, and only well-formed timestamps
(14 digits, a real date, not in the future) are fetched or become ``archive_last``.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from monitor.items import ACCOUNT_STATES, AccountStatus
from monitor.middlewares import OffHostRedirect, same_host
from spiders.parsers import archive as archive_parser
from spiders.parsers.common import BadResponse, now_utc, parse_wayback_timestamp

logger = logging.getLogger(__name__)

# Statuses the spiders look at themselves (account states, rate limits given up on).
HANDLED_STATUSES = [304, 400, 401, 403, 404, 410, 429, 451, 500, 502, 503, 504]
# States that mean the live account no longer shows its posts: the archive is looked up.
# (Telegram answers a deleted channel like a private one: a redirect away from the preview.)
GONE_STATES = ("suspended", "not_found", "private")
STATUS_URL = "data:,account-status"
# A post dated more than this after now does not move a resume cursor (it is still stored).
FUTURE_SKEW = timedelta(days=1)
WAYBACK_TIMESTAMP = re.compile(r"^\d{14}$")

# The CDX server sends its resume key already URL-encoded: it is passed on as it is, except
# for characters that would end the parameter (``&``, ``#``, spaces, ...).
RESUME_KEY_SAFE = "%+!*'(),;:@$"
CDX_META = ("archive_pattern", "archive_home", "cdx_query")

Callback = TypeVar("Callback", bound=Callable[..., Iterator[Any]])


def archive_targets(platform: str, account_url: str) -> list[tuple[str, re.Pattern[str]]]:
    """CDX ``url`` values (matched as prefixes) for an account, each with the pattern the path
    of a listed capture must match to belong to the account (``/@ann`` is a prefix of
    ``/@anna``)."""
    parts = urlsplit(account_url)
    path = parts.path.rstrip("/")
    if platform == "mastodon":
        user = re.escape(path.lstrip("/"))  # "@user"
        return [(f"{parts.netloc}{path}", re.compile(rf"^/{user}(/\d+/?|\.rss)?/?$"))]
    if platform == "telegram":
        channel = path.lstrip("/").removeprefix("s/")
        return [(f"t.me/s/{channel}", re.compile(rf"^/s/{re.escape(channel)}/?$"))]
    if platform == "bluesky":
        actor = re.escape(path.removeprefix("/profile/"))
        return [(f"bsky.app{path}", re.compile(rf"^/profile/{actor}(/post/[A-Za-z0-9]+)?/?$"))]
    return [(f"{parts.netloc}{path}", re.compile(rf"^{re.escape(path or '/')}/?$"))]


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def in_future(moment: datetime, now: datetime | None = None) -> bool:
    """True when ``moment`` is more than ``FUTURE_SKEW`` after ``now`` (default: now)."""
    return moment > (now or now_utc()) + FUTURE_SKEW


def valid_wayback_timestamp(value: str, now: datetime | None = None) -> bool:
    """True for a full ``YYYYMMDDhhmmss`` timestamp of a real moment not in the future (more
    than ``FUTURE_SKEW`` ahead); shorter prefixes are valid in URLs but not as a cursor."""
    if not WAYBACK_TIMESTAMP.match(value):
        return False
    moment = parse_wayback_timestamp(value)
    return moment is not None and not in_future(moment, now)


def _host_of(url: str) -> str:
    """The host name of ``url``, lower case, without a leading ``www.``."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def not_in_future(moment: datetime | None) -> datetime | None:
    """``moment`` unless it is more than ``FUTURE_SKEW`` after now (a resume point written
    before future dates were refused)."""
    if moment is not None and in_future(moment):
        logger.warning("Ignoring a resume point in the future: %s", moment)
        return None
    return moment


def home_only(callback: Callback) -> Callback:
    """Decorates a callback: a response from a host the spider does not crawl (see
    ``MonitorSpider.home_urls``) is ignored and noted as an error."""

    @functools.wraps(callback)
    def guarded(self: MonitorSpider, response: Response, *args: Any, **kwargs: Any) -> Any:
        if not self.on_home(response.url):
            self.note_bad_response(
                BadResponse("off_host", f"ignored a response from another host: {response.url}")
            )
            return iter(())
        return callback(self, response, *args, **kwargs)

    return guarded  # type: ignore[return-value]


class MonitorSpider(scrapy.Spider):
    """Base of the platform spiders. Subclasses implement ``start()`` and their callbacks."""

    platform: ClassVar[str] = ""

    def __init__(
        self,
        url: str = "",
        backfill: str | int | None = None,
        crawl_state: str | dict[str, str] | None = None,
        cached: str | bool = "",
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not url:
            raise ValueError(f"the {self.name} spider needs -a url=<account URL>")
        self.url = url.strip()
        self.account_url = self.url
        self._backfill_arg = backfill
        self.backfill = 200
        if isinstance(crawl_state, dict):
            previous = crawl_state
        elif crawl_state and crawl_state.strip():
            try:
                previous = json.loads(crawl_state)
            except ValueError as exc:
                raise ValueError(f"crawl_state is not a JSON object: {crawl_state!r}") from exc
        else:
            previous = {}
        if not isinstance(previous, dict):
            raise ValueError(f"crawl_state is not a JSON object: {crawl_state!r}")
        self.previous_state: dict[str, str] = {str(k): str(v) for k, v in previous.items()}
        self.crawl_state: dict[str, str] = dict(self.previous_state)
        self.cached = _truthy(cached)
        self.account_state = "ok"
        self.error = ""
        self.platform_account_id: str | None = None
        self.posts_yielded = 0
        self._archive_started = False
        self.archive_snapshots = 0
        self.cdx_pages = 0
        self._status_scheduled = False
        self._cursors: set[tuple[str, str]] = set()
        self._yielded_ids: set[str] = set()
        self._cdx_rows: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> MonitorSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        default = crawler.settings.getint("MONITOR_BACKFILL", 200)
        try:
            spider.backfill = max(1, int(spider._backfill_arg or default))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"backfill must be a whole number: {spider._backfill_arg!r}") from exc
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_callback_error, signal=signals.spider_error)
        return spider

    def _on_callback_error(self, failure: Failure, response: Response, spider: Any) -> None:
        """A callback raised: the crawl failed on that page, and the account's state says so
        (an unexpected exception must not leave the account ``ok`` with no error)."""
        if spider is not self:
            return
        self.crawler.stats.inc_value("monitor/callback_errors")
        message = f"{failure.type.__name__} while parsing {response.url}: {failure.value}"[:500]
        archive = self.settings.get("ARCHIVE_URL", "https://web.archive.org")
        if same_host(response.url, archive) and not same_host(response.url, self.url):
            self.archive_problem(message)  # (the archive's pages fail only archive crawls)
        else:
            self.set_error(message)

    @property
    def first_crawl(self) -> bool:
        """No resume state from an earlier crawl: go back ``backfill`` posts."""
        return not self.previous_state

    # -- hosts, cursors and resume points -------------------------------------------------

    def home_urls(self) -> list[str]:
        """URLs of the hosts this spider crawls: the account's and the archive's."""
        return [self.url, self.settings.get("ARCHIVE_URL", "https://web.archive.org")]

    def on_home(self, url: str) -> bool:
        """True when ``url`` is on one of the hosts this spider crawls."""
        return any(same_host(url, home) for home in self.home_urls())

    def follow_url(self, url: str | None, home: str) -> str | None:
        """A URL taken from a response (a ``Link`` header, ...) if it is on ``home``'s host;
        None (with a warning) for a missing, off-host or non-HTTP one."""
        if not url:
            return None
        if not same_host(url, home):
            self.crawler.stats.inc_value("monitor/offhost_links")
            logger.warning("Not following %s: not on the host of %s", url, home)
            return None
        return url

    def new_cursor(self, kind: str, value: str) -> bool:
        """True the first time this crawl pages with ``value``; a repeat (the server sends
        the crawl round in a circle) is logged and counted, and paging should stop."""
        key = (kind, value)
        if key in self._cursors:
            self.crawler.stats.inc_value("monitor/pagination_loops")
            logger.warning("Stopped paging: %s %r was already used in this crawl", kind, value)
            return False
        self._cursors.add(key)
        return True

    def moves_cursor(self, moment: datetime | None) -> bool:
        """True when a post dated ``moment`` may become the resume point: dated, and not
        more than ``FUTURE_SKEW`` after now (a future date would hide every later post)."""
        if moment is None:
            return False
        if in_future(moment):
            self.crawler.stats.inc_value("monitor/future_dated")
            logger.warning("A post dated %s (in the future) does not move the cursor", moment)
            return False
        return True

    # -- requests -------------------------------------------------------------------------

    def request(
        self,
        url: str,
        callback: Callable[..., Any],
        *,
        meta: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        handle: Iterable[int] = HANDLED_STATUSES,
        **kwargs: Any,
    ) -> scrapy.Request:
        """A request whose error statuses reach ``callback`` and whose failures are counted."""
        full_meta = {"handle_httpstatus_list": list(handle)}
        full_meta.update(meta or {})
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_failure,
            meta=full_meta,
            headers=headers,
            dont_filter=True,
            **kwargs,
        )

    def on_failure(self, failure: Failure) -> None:
        """A request that failed for good (after retries): count it, note the error."""
        from scrapy.exceptions import DownloadCancelledError

        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(DownloadCancelledError):
            self.note_bad_response(BadResponse("oversized", f"response too large: {url}"))
            return
        if failure.check(OffHostRedirect):
            self.note_bad_response(BadResponse("off_host", str(failure.value)))
            return
        self.crawler.stats.inc_value("monitor/request_failures")
        message = f"{failure.type.__name__ if failure.type else 'error'} fetching {url}"
        logger.warning("Request failed: %s: %s", message, failure.getErrorMessage())
        self.set_error(message)

    # -- account state ------------------------------------------------------------------

    def set_state(self, state: str, error: str = "") -> None:
        if state not in ACCOUNT_STATES:
            raise ValueError(f"unknown account state {state!r}")
        self.account_state = state
        if error:
            self.error = error

    def set_error(self, error: str) -> None:
        """A crawl error; an account already known gone or private keeps that state."""
        if self.account_state in ("ok", "error"):
            self.account_state = "error"
        if not self.error:
            self.error = error

    def note_bad_response(self, problem: BadResponse, *, fatal: bool = True) -> None:
        """Log and count a response the parser could not use; ``fatal`` marks the crawl
        as failed (the account state becomes ``error`` unless already known)."""
        stats = self.crawler.stats
        stats.inc_value("monitor/bad_responses")
        stats.inc_value(f"monitor/bad_responses/{problem.kind}")
        logger.warning("Bad response (%s): %s", problem.kind, problem)
        if fatal:
            self.set_error(str(problem))

    def note_problems(
        self, problems: list[str], response: Response, *, fatal: bool = False
    ) -> None:
        """Count what a parser skipped on a page it could otherwise use (a malformed item):
        the run reports them; ``fatal`` also marks the account failed."""
        for kind in problems:
            self.note_bad_response(BadResponse(kind, f"{kind} in {response.url}"), fatal=fatal)

    def http_error(self, response: Response) -> None:
        """An HTTP error status the platform logic did not explain."""
        self.set_error(f"HTTP {response.status} from {response.url}")

    def counted(self, posts: list[Any], limit: int | None = None) -> list[Any]:
        """The first ``limit`` (all when None) of the posts not yielded before in this crawl
        with the same id and text (a server repeating a page must not fill the backfill with
        duplicates), counted."""
        fresh = []
        for post in posts:
            if limit is not None and len(fresh) >= limit:
                break
            key = f"{post.post_id}\n{post.text}"
            if key in self._yielded_ids:
                self.crawler.stats.inc_value("monitor/repeated_posts")
                continue
            self._yielded_ids.add(key)
            fresh.append(post)
        self.posts_yielded += len(fresh)
        return fresh

    # -- phases ---------------------------------------------------------------------------

    def wants_archive(self) -> bool:
        return self.cached or self.account_state in GONE_STATES

    # -- archive phase ---------------------------------------------------------------------

    def archive_requests(self) -> list[scrapy.Request]:
        """The CDX queries for this account's archived pages (``spiders.archive``)."""
        self.crawler.stats.inc_value("monitor/archive/lookups")
        base = self.settings.get("ARCHIVE_URL", "https://web.archive.org").rstrip("/")
        limit = self.settings.getint("MONITOR_ARCHIVE_CDX_LIMIT", 500)
        since = self.archive_since()
        requests = []
        for target, pattern in archive_targets(self.platform, self.account_url):
            query = (
                f"url={quote(target, safe='')}&output=json&matchType=prefix"
                f"&filter=statuscode:200&collapse=digest&showResumeKey=true&limit={limit}"
            )
            if since:
                query += f"&from={since}"
            requests.append(
                self.request(
                    f"{base}/cdx/search/cdx?{query}",
                    self.parse_cdx,
                    meta={
                        "archive_pattern": pattern.pattern,
                        "archive_home": _host_of(f"//{target}"),
                        "cdx_query": query,
                    },
                )
            )
        return requests

    def archive_since(self) -> str:
        """The previous crawl's ``archive_last`` when it is a valid timestamp; an invalid one
        (written before timestamps were checked) is dropped from the state."""
        since = self.previous_state.get("archive_last", "")
        if since and not valid_wayback_timestamp(since):
            logger.warning("Ignoring an invalid archive_last %r", since)
            self.crawl_state.pop("archive_last", None)
            return ""
        return since

    def archive_problem(self, message: str) -> None:
        """An archive look-up failed: an error of the crawl only for the ``archive`` spider
        (the live state of an account matters more than its cached copies)."""
        self.crawler.stats.inc_value("monitor/archive/errors")
        logger.warning("Archive: %s", message)
        if self.platform_is_archive_only:
            self.set_error(message)

    platform_is_archive_only: ClassVar[bool] = False

    @home_only
    def parse_cdx(self, response: Response) -> Iterable[Any]:
        self.cdx_pages += 1
        if response.status != 200:
            self.archive_problem(f"CDX query answered HTTP {response.status}: {response.url}")
            return
        try:
            rows, resume_key = archive_parser.parse_cdx(response)
        except BadResponse as problem:
            self.note_bad_response(problem, fatal=self.platform_is_archive_only)
            return
        new_rows = [row for row in rows if self._new_cdx_row(row)]
        yield from self._snapshot_requests(new_rows, response.meta)
        if resume_key and self.archive_snapshots < self.backfill:
            follow = self._cdx_resume(response, resume_key, bool(new_rows))
            if follow is not None:
                yield follow

    def _new_cdx_row(self, row: archive_parser.CdxRow) -> bool:
        """True for a row not listed before in this crawl (a looping CDX server repeats)."""
        key = (row.timestamp, row.original)
        if key in self._cdx_rows:
            return False
        self._cdx_rows.add(key)
        return True

    def _snapshot_requests(
        self, rows: list[archive_parser.CdxRow], meta: dict[str, Any]
    ) -> Iterator[scrapy.Request]:
        """Requests for the listed captures that belong to the account and are newer than
        ``archive_last``, up to ``backfill`` snapshots; rows with a bad timestamp or another
        host are skipped (counted, not an error)."""
        pattern = re.compile(meta["archive_pattern"], re.IGNORECASE)
        home = meta.get("archive_home", "")
        since = self.archive_since()
        base = self.settings.get("ARCHIVE_URL", "https://web.archive.org").rstrip("/")
        for row in rows:
            if self.archive_snapshots >= self.backfill:
                return
            if not valid_wayback_timestamp(row.timestamp):
                self.note_bad_response(
                    BadResponse("bad_cdx_timestamp", f"CDX row with timestamp {row.timestamp!r}"),
                    fatal=False,
                )
                continue
            if since and row.timestamp <= since:
                continue
            original = urlsplit(row.original)
            if home and _host_of(row.original) != home:
                continue
            if not pattern.match(original.path):
                continue
            self.archive_snapshots += 1
            yield self.request(
                f"{base}/web/{row.timestamp}id_/{row.original}",
                self.parse_archived,
                meta={"archive_timestamp": row.timestamp, "archive_original": row.original},
            )

    def _cdx_resume(
        self, response: Response, resume_key: str, had_new_rows: bool
    ) -> scrapy.Request | None:
        """The next CDX page, or None when the server loops (a resume key used before, or a
        page without new rows) or the crawl has asked for ``MONITOR_ARCHIVE_CDX_MAX_PAGES``."""
        max_pages = self.settings.getint("MONITOR_ARCHIVE_CDX_MAX_PAGES", 20)
        if not had_new_rows or not self.new_cursor("CDX resume key", resume_key):
            self.note_bad_response(
                BadResponse("cdx_loop", f"CDX paging stopped on a loop at {response.url}"),
                fatal=self.platform_is_archive_only,
            )
            return None
        if self.cdx_pages >= max_pages:
            self.crawler.stats.inc_value("monitor/archive/cdx_page_limit")
            logger.warning("Archive: stopped after %d CDX pages", self.cdx_pages)
            return None
        base = self.settings.get("ARCHIVE_URL", "https://web.archive.org").rstrip("/")
        query = response.meta["cdx_query"]
        return self.request(
            f"{base}/cdx/search/cdx?{query}&resumeKey={quote(resume_key, safe=RESUME_KEY_SAFE)}",
            self.parse_cdx,
            meta={key: response.meta[key] for key in CDX_META if key in response.meta},
        )

    @home_only
    def parse_archived(self, response: Response) -> Iterable[Any]:
        timestamp = response.meta["archive_timestamp"]
        if response.status != 200:
            self.archive_problem(f"snapshot {timestamp} answered HTTP {response.status}")
            return
        problems: list[str] = []
        try:
            posts = archive_parser.parse_snapshot(
                response,
                self.platform,
                self.account_url,
                response.meta["archive_original"],
                timestamp,
                problems,
            )
        except BadResponse as problem:
            self.note_bad_response(problem, fatal=self.platform_is_archive_only)
            return
        self.note_problems(problems, response)
        if timestamp > self.crawl_state.get("archive_last", ""):
            self.crawl_state["archive_last"] = timestamp
        self.crawler.stats.inc_value("monitor/archive/posts", len(posts))
        yield from posts

    def _on_idle(self) -> None:
        engine = self.crawler.engine
        if not self._archive_started and self.wants_archive():
            self._archive_started = True
            requests = self.archive_requests()
            if requests:
                for request in requests:
                    engine.crawl(request)
                raise DontCloseSpider
        if not self._status_scheduled:
            self._status_scheduled = True
            engine.crawl(
                scrapy.Request(
                    STATUS_URL,
                    callback=self._emit_status,
                    dont_filter=True,
                    meta={"dont_obey_robotstxt": True},
                )
            )
            raise DontCloseSpider

    def account_status(self) -> AccountStatus:
        return AccountStatus(
            account_url=self.account_url,
            state=self.account_state,
            error=self.error,
            platform_account_id=self.platform_account_id,
            crawl_state={k: str(v) for k, v in self.crawl_state.items()},
        )

    def _emit_status(self, response: Response) -> Iterable[AccountStatus]:
        self.crawler.stats.set_value("monitor/account_state", self.account_state)
        yield self.account_status()

    async def start(self) -> AsyncIterator[Any]:  # pragma: no cover - overridden
        raise NotImplementedError
        yield
