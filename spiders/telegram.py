"""Telegram public channels through the web preview ``t.me/s/<channel>``
(``TELEGRAM_PREVIEW_URL``).

crawl_state: ``{"last_id": "<newest message number seen>"}``. Pages go back with
``?before=<id>``; later crawls stop at ``last_id``. A redirect away from ``/s/`` means the
channel has no public preview: state ``private``; a redirect to another ``/s/<channel>`` on the
same host is a renamed channel, crawled under its new name (counted as
``monitor/channel_renamed`` and noted in the account status). A 200 page with neither messages
nor the channel's header (changed markup, a login wall) is an error, not an empty channel.
Paging stops when ``before`` does not go down or a page brings no new message; a message number
above Telegram's 32-bit range is kept but does not become ``last_id``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response
from w3lib.url import url_query_parameter

from monitor.items import AccountStatus
from spiders.base import MonitorSpider, home_only
from spiders.parsers import telegram as parser
from spiders.parsers.common import BadResponse

CHANNEL_PATH = re.compile(r"^/(?:s/)?([A-Za-z0-9_]{4,64})/?$")
MAX_MESSAGE_ID = 2**31 - 1  # Telegram message ids are 32-bit

logger = logging.getLogger(__name__)


def _number(post_id: str) -> int:
    return int(post_id.rsplit("/", 1)[1])


class TelegramSpider(MonitorSpider):
    """``-a url=https://t.me/<channel>``: the channel's messages, newest first."""

    name = "telegram"
    platform = "telegram"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        match = CHANNEL_PATH.match(urlsplit(self.url).path)
        if not match:
            raise ValueError(f"not a Telegram channel URL (https://t.me/<channel>): {self.url!r}")
        self.channel = match.group(1)
        self.renames: list[tuple[str, str]] = []  # (old name, new name) seen in this crawl
        last = self.previous_state.get("last_id", "")
        self.last_id = int(last) if last.isdigit() and int(last) <= MAX_MESSAGE_ID else None
        if last and self.last_id is None:
            self.crawl_state.pop("last_id", None)

    @property
    def preview(self) -> str:
        return self.settings.get("TELEGRAM_PREVIEW_URL", "https://t.me").rstrip("/")

    def home_urls(self) -> list[str]:
        return [*super().home_urls(), self.preview]

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(f"{self.preview}/s/{self.channel}", self.parse_page)

    @home_only
    def parse_page(self, response: Response) -> Iterator[Any]:
        if response.status in (404, 410):
            self.set_state("not_found", f"HTTP {response.status} from {response.url}")
            return
        if response.status != 200:
            self.http_error(response)
            return
        if not parser.is_preview(response):
            self.set_state(
                "private", f"no public preview (redirected to {urlsplit(response.url).path})"
            )
            return
        if not parser.is_channel_page(response):
            self.note_bad_response(
                BadResponse("not_a_channel_page", f"no messages nor channel header: {response.url}")
            )
            return
        shown = parser.channel_of(response.url)
        if shown is None:
            self.note_bad_response(
                BadResponse("not_a_channel_page", f"not a channel preview: {response.url}")
            )
            return
        if shown.lower() != self.channel.lower():
            self._renamed(shown)
        self.platform_account_id = self.channel
        problems: list[str] = []
        posts = parser.parse_channel_page(
            response, self.account_url, problems, channel=self.channel
        )
        self.note_problems(problems, response, fatal=not posts)
        reached_known = False
        if self.last_id is not None:
            fresh = [p for p in posts if _number(p.post_id) > self.last_id]
            reached_known = len(fresh) < len(posts)
            posts = fresh
        limit = self.backfill - self.posts_yielded if self.last_id is None else None
        posts = self.counted(posts, limit)
        self._remember(posts)
        yield from posts
        before = parser.older_page(response)
        if not before or not posts or reached_known or "truncated_html" in problems:
            return
        if not self._goes_back(response, before):
            return
        if self.last_id is None and self.posts_yielded >= self.backfill:
            return
        if self.posts_yielded >= self.settings.getint("MONITOR_MAX_POSTS_PER_CRAWL", 10_000):
            return
        yield self.request(f"{self.preview}/s/{self.channel}?before={before}", self.parse_page)

    def _renamed(self, new: str) -> None:
        """The preview of ``self.channel`` redirected to the one of ``new`` (a renamed
        channel): crawl ``new`` from now on, count it and note it in the account status."""
        self.renames.append((self.channel, new))
        self.crawler.stats.inc_value("monitor/channel_renamed")
        logger.warning("Telegram channel %s redirects to %s: crawling it", self.channel, new)
        self.channel = new

    def account_status(self) -> AccountStatus:
        """The base status, with any rename seen after the crawl's own error (if any)."""
        status = super().account_status()
        notes = [f"channel renamed: /s/{old} redirects to /s/{new}" for old, new in self.renames]
        status.error = "; ".join(part for part in (status.error, *notes) if part)
        return status

    def _remember(self, posts: list[Any]) -> None:
        """Moves ``last_id`` to the highest plausible message number among ``posts``."""
        for post in posts:
            number = _number(post.post_id)
            if number <= MAX_MESSAGE_ID and number > int(self.crawl_state.get("last_id") or 0):
                self.crawl_state["last_id"] = str(number)

    def _goes_back(self, response: Response, before: str) -> bool:
        """True when ``before`` is new in this crawl and below the page's own ``before``."""
        if not self.new_cursor("Telegram before", before):
            return False
        current = url_query_parameter(response.url, "before")
        if current and current.isdigit() and int(before) >= int(current):
            self.crawler.stats.inc_value("monitor/pagination_loops")
            self.logger.warning("Stopped paging: before went from %s to %s", current, before)
            return False
        return True
