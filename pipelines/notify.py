"""Webhook notification of newly flagged posts (masked values only, never blocking a crawl)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any, Self

import httpx
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from monitor import __version__
from pipelines.signals import posts_flagged
from storage.posts import PostRow, severity_of

logger = logging.getLogger(__name__)

RETRIES = 4
BACKOFF_SECONDS = 1.0
TIMEOUT_SECONDS = 10.0


def iso(value: Any) -> str | None:
    """ISO 8601 UTC with ``Z``."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def payload(rows: list[PostRow]) -> dict[str, Any]:
    """The JSON body for newly flagged posts: where they are and masked findings, no raw text."""
    return {
        "event": "posts_flagged",
        "tool": f"doxxing-monitor/{__version__}",
        "posts": [
            {
                "platform": row.platform,
                "account_url": row.account_url,
                "post_id": row.post_id,
                "url": row.url,
                "posted_at": iso(row.posted_at),
                "captured_at": iso(row.captured_at),
                "severity": severity_of([f.kind for f in row.findings]),
                "findings": [
                    {
                        "kind": f.kind,
                        "country": f.country,
                        "scheme": f.scheme,
                        "score": f.score,
                        "masked": f.masked,
                    }
                    for f in row.findings
                ],
            }
            for row in rows
        ],
    }


def deliver(url: str, body: dict[str, Any], retries: int = RETRIES) -> bool:
    """POST ``body`` to ``url``, retrying server errors and network failures with backoff."""
    delay = BACKOFF_SECONDS
    for attempt in range(1, retries + 1):
        try:
            response = httpx.post(url, json=body, timeout=TIMEOUT_SECONDS)
            if response.status_code < 500 and response.status_code != 429:
                if response.is_error:
                    logger.warning(
                        "webhook refused the notification: HTTP %s", response.status_code
                    )
                return response.is_success
            logger.warning("webhook answered HTTP %s (try %d)", response.status_code, attempt)
        except httpx.HTTPError as exc:
            logger.warning("webhook not reachable: %s (try %d)", exc, attempt)
        if attempt < retries:
            time.sleep(delay)
            delay *= 2
    return False


class WebhookNotifier:
    """A Scrapy extension that posts newly flagged posts to ``MONITOR_WEBHOOK_URL`` from a
    background thread, so a slow or dead webhook never holds up the crawl."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="webhook", daemon=True)
        self.thread.start()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = crawler.settings.get("MONITOR_WEBHOOK_URL")
        if not url:
            raise NotConfigured  # silently off without a webhook URL
        notifier = cls(url)
        crawler.signals.connect(notifier.flagged, signal=posts_flagged)
        crawler.signals.connect(notifier.close, signal=signals.spider_closed)
        return notifier

    def flagged(self, rows: list[PostRow]) -> None:
        self.queue.put(payload(rows))

    def close(self) -> None:
        """Let queued notifications go out (bounded wait), then stop the thread."""
        self.queue.put(None)
        self.thread.join(timeout=TIMEOUT_SECONDS * 2)

    def _run(self) -> None:
        while (body := self.queue.get()) is not None:
            deliver(self.url, body)
