"""Telegram public channels through the web preview ``t.me/s/<channel>``
(``TELEGRAM_PREVIEW_URL``).

crawl_state: ``{"last_id": "<newest message number seen>"}``. Pages go back with
``?before=<id>``; later crawls stop at ``last_id``. A redirect away from ``/s/`` means the
channel has no public preview: state ``private``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from spiders.base import MonitorSpider
from spiders.parsers import telegram as parser
from spiders.parsers.common import BadResponse

CHANNEL_PATH = re.compile(r"^/(?:s/)?([A-Za-z0-9_]{4,64})/?$")


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
        last = self.previous_state.get("last_id", "")
        self.last_id = int(last) if last.isdigit() else None

    @property
    def preview(self) -> str:
        return self.settings.get("TELEGRAM_PREVIEW_URL", "https://t.me").rstrip("/")

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(f"{self.preview}/s/{self.channel}", self.parse_page)

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
        self.platform_account_id = self.channel
        problems: list[str] = []
        posts = parser.parse_channel_page(response, self.account_url, problems)
        for kind in problems:
            self.note_bad_response(BadResponse(kind, f"{kind} in {response.url}"), fatal=not posts)
        reached_known = False
        if self.last_id is not None:
            fresh = [p for p in posts if _number(p.post_id) > self.last_id]
            reached_known = len(fresh) < len(posts)
            posts = fresh
        else:
            posts = posts[: self.backfill - self.posts_yielded]
        for post in posts:
            if _number(post.post_id) > int(self.crawl_state.get("last_id", "0") or 0):
                self.crawl_state["last_id"] = str(_number(post.post_id))
        yield from self.counted(posts)
        before = parser.older_page(response)
        if not before or reached_known or "truncated_html" in problems:
            return
        if self.last_id is None and self.posts_yielded >= self.backfill:
            return
        if self.posts_yielded >= self.settings.getint("MONITOR_MAX_POSTS_PER_CRAWL", 10_000):
            return
        yield self.request(f"{self.preview}/s/{self.channel}?before={before}", self.parse_page)
