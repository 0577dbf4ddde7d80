"""Downloader middlewares: polite retries that honour ``Retry-After`` and rate-limit headers,
and an optional host allow-list (tests use it to make sure nothing leaves 127.0.0.1).

``RetryAfterMiddleware`` replaces Scrapy's ``RetryMiddleware`` (which ignores
``Retry-After``). On 429 and 503 it waits for the server's ``Retry-After`` (seconds or an HTTP
date; on a 429 without it, until the rate-limit reset the response announces; a default when
neither is there), at most ``MONITOR_RETRY_AFTER_MAX`` seconds; other retryable
statuses and network errors wait an exponential backoff. Waiting never blocks the reactor: the
host is marked busy until the retry time and every request to that host (the retry included)
awaits that time in ``process_request``, so the whole host is paused, not the whole crawl. A
response announcing an exhausted quota (``X-RateLimit-Remaining: 0`` with
``X-RateLimit-Reset``, or the IETF ``RateLimit-*`` fields) pauses the host the same way.

Settings (all optional):

- ``MONITOR_RETRY_AFTER_MAX`` (300): cap of one wait, in seconds;
- ``MONITOR_RETRY_AFTER_DEFAULT`` (60): wait after a 429/503 without ``Retry-After``;
- ``MONITOR_RETRY_BACKOFF_BASE`` (2.0) and ``MONITOR_RETRY_BACKOFF_MAX`` (120): backoff of the
  n-th retry is ``base * 2**(n-1)`` seconds, capped;
- ``MONITOR_RETRY_DELAYS_ENABLED`` (True): False retries at once (tests);
- ``MONITOR_ALLOWED_HOSTS`` ([]): when set, requests to other hosts are dropped.

``SameHostRedirectMiddleware`` and ``SameHostMetaRefreshMiddleware`` replace Scrapy's redirect
and meta-refresh middlewares: they follow a redirect only when its target is on the host of the
request that started the chain (``same_host``: the same host name, ignoring a leading ``www.``
and case; the same port, where http's 80 and https's 443 count as the same, so an upgrade from
http to https is followed and a downgrade too, but a move to another port is not). Any other
redirect fails the request with ``OffHostRedirect`` (an ``IgnoreRequest``): the request's
errback gets it, and a watched account is never credited with another host's content.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.response import response_status_message

from monitor.urls import same_host

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

__all__ = [
    "AllowedHostsMiddleware",
    "OffHostRedirect",
    "RetryAfterMiddleware",
    "SameHostMetaRefreshMiddleware",
    "SameHostRedirectMiddleware",
    "parse_reset",
    "parse_retry_after",
    "same_host",
]

logger = logging.getLogger(__name__)


async def _sleep(seconds: float) -> None:
    try:
        from scrapy.utils.asyncio import sleep  # Scrapy >= 2.18
    except ImportError:  # pragma: no cover - older Scrapy
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        await maybe_deferred_to_future(deferLater(reactor, seconds))
        return
    await sleep(seconds)


def _http_date_delay(value: str, now: float) -> float | None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    now = time.time() if now is None else now
    if value.isdigit():
        return float(value)
    return _http_date_delay(value, now)


def parse_reset(value: str | None, now: float | None = None) -> float | None:
    """Seconds until a rate-limit window resets: ``X-RateLimit-Reset`` (Mastodon: ISO 8601),
    ``RateLimit-Reset`` (epoch seconds, or delta seconds when small), or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    now = time.time() if now is None else now
    if value.replace(".", "", 1).isdigit():
        number = float(value)
        return max(0.0, number - now) if number > 1_000_000_000 else number
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _http_date_delay(value, now)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


_QUOTA_HEADERS = (
    (b"X-RateLimit-Remaining", b"X-RateLimit-Reset"),
    (b"RateLimit-Remaining", b"RateLimit-Reset"),
)


def _host(request: Request) -> str | None:
    parts = urlsplit(request.url)
    if parts.scheme not in ("http", "https"):
        return None
    return parts.netloc.lower()


class RetryAfterMiddleware(RetryMiddleware):
    """Retries 429/503 after ``Retry-After``, other failures after a backoff (see module)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        settings = crawler.settings
        self.max_wait = settings.getfloat("MONITOR_RETRY_AFTER_MAX", 300.0)
        self.default_wait = settings.getfloat("MONITOR_RETRY_AFTER_DEFAULT", 60.0)
        self.backoff_base = settings.getfloat("MONITOR_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("MONITOR_RETRY_BACKOFF_MAX", 120.0)
        self.delays = settings.getbool("MONITOR_RETRY_DELAYS_ENABLED", True)
        self.busy_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    # -- waiting -------------------------------------------------------------------------

    def _pause(self, host: str, seconds: float, why: str) -> float:
        seconds = max(0.0, min(seconds, self.max_wait))
        if not self.delays or seconds <= 0:
            return 0.0
        until = time.monotonic() + seconds
        if until > self.busy_until.get(host, 0.0):
            self.busy_until[host] = until
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("monitor/retry_wait/count")
            stats.inc_value("monitor/retry_wait/seconds", round(seconds, 3))
        logger.info("Pausing %s for %.1f s (%s)", host, seconds, why)
        return seconds

    def _backoff(self, request: Request) -> float:
        if self.backoff_base <= 0:
            return 0.0
        attempt = request.meta.get("retry_times", 0)
        return min(self.backoff_max, self.backoff_base * 2**attempt)

    async def process_request(self, request: Request) -> None:
        host = _host(request)
        if host is None:
            return
        while (wait := self.busy_until.get(host, 0.0) - time.monotonic()) > 0:
            await _sleep(wait)

    # -- responses and errors ------------------------------------------------------------

    def _note_quota(self, host: str, response: Response) -> None:
        headers = response.headers
        for remaining, reset in _QUOTA_HEADERS:
            value = headers.get(remaining)
            if value is not None and value.strip() == b"0":
                seconds = parse_reset((headers.get(reset) or b"").decode("latin-1"))
                if seconds:
                    self._pause(host, seconds, "rate-limit quota exhausted")
                return

    @staticmethod
    def _quota_reset(response: Response) -> float | None:
        """Seconds until the quota resets, from a 429's rate-limit headers (Mastodon sends
        ``X-RateLimit-Reset`` and no ``Retry-After``), or None (also for a reset already past:
        a clock ahead of the server's must not make the retries run at once)."""
        for _remaining, reset in _QUOTA_HEADERS:
            seconds = parse_reset((response.headers.get(reset) or b"").decode("latin-1"))
            if seconds:
                return seconds
        return None

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        host = _host(request)
        if host is None:
            return response
        if response.status not in (429, 503) and 200 <= response.status < 300:
            self._note_quota(host, response)
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if response.status in (429, 503):
            header = (response.headers.get(b"Retry-After") or b"").decode("latin-1")
            wait = parse_retry_after(header)
            if wait is None and response.status == 429:
                wait = self._quota_reset(response)
            self._pause(
                host, self.default_wait if wait is None else wait, f"HTTP {response.status}"
            )
        else:
            self._pause(host, self._backoff(request), f"HTTP {response.status}")
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._retry(request, exception)
        host = _host(request)
        if retry is not None and host is not None:
            self._pause(host, self._backoff(request), type(exception).__name__)
        return retry


class AllowedHostsMiddleware:
    """Drops requests to hosts outside ``MONITOR_ALLOWED_HOSTS`` (when that list is set)."""

    def __init__(self, allowed: list[str]) -> None:
        self.allowed = {host.lower() for host in allowed}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedHostsMiddleware:
        return cls(crawler.settings.getlist("MONITOR_ALLOWED_HOSTS"))

    def process_request(self, request: Request) -> None:
        if not self.allowed:
            return
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and (parts.hostname or "") not in self.allowed:
            raise IgnoreRequest(f"host not allowed: {parts.hostname}")


# -- redirects that stay on the host ----------------------------------------------------------


class OffHostRedirect(IgnoreRequest):
    """A redirect or meta refresh to another host, refused."""


class _SameHostMixin:
    """Refuses, in ``_redirect``, a redirect whose target is off the chain's first host."""

    crawler: Crawler

    def _redirect(self, redirected: Request, request: Request, reason: object) -> Request:
        origin = (request.meta.get("redirect_urls") or [request.url])[0]
        if not same_host(origin, redirected.url):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("monitor/offhost_redirects")
            raise OffHostRedirect(
                f"refused redirect ({reason}) off {urlsplit(origin).netloc}: "
                f"{request.url} -> {redirected.url}"
            )
        return super()._redirect(redirected, request, reason)  # type: ignore[misc]


class SameHostRedirectMiddleware(_SameHostMixin, RedirectMiddleware):
    """Scrapy's ``RedirectMiddleware`` (3xx ``Location``), on the same host only."""


class SameHostMetaRefreshMiddleware(_SameHostMixin, MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware`` (``<meta http-equiv=refresh>``), on the same host
    only."""
