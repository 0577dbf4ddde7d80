"""Bluesky accounts through the public AppView (``BLUESKY_APPVIEW_URL``).

crawl_state: ``{"did": "<did>", "newest_at": "<ISO time of the newest post or repost seen>"}``.
The author feed has no "since" parameter: later crawls page from the newest post back until
they reach ``newest_at``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from scrapy.http import Response

from spiders.base import MonitorSpider
from spiders.parsers import bluesky as parser
from spiders.parsers.common import BadResponse, parse_iso

PAGE_LIMIT = 100  # getAuthorFeed's maximum
PROFILE_PATH = re.compile(r"^/profile/([A-Za-z0-9._:%-]{3,253})/?$")


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class BlueskySpider(MonitorSpider):
    """``-a url=https://bsky.app/profile/<handle or did>``: posts and reposts, newest first."""

    name = "bluesky"
    platform = "bluesky"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        match = PROFILE_PATH.match(urlsplit(self.url).path)
        if not match:
            raise ValueError(f"not a Bluesky profile URL: {self.url!r}")
        self.actor = match.group(1)
        self.newest_at = parse_iso(self.previous_state.get("newest_at"))

    @property
    def appview(self) -> str:
        return self.settings.get("BLUESKY_APPVIEW_URL", "https://public.api.bsky.app").rstrip("/")

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(
            f"{self.appview}/xrpc/app.bsky.actor.getProfile?actor={quote(self.actor)}",
            self.parse_profile,
        )

    def _xrpc_failed(self, response: Response) -> bool:
        """Account states and errors of a non-200 XRPC answer; True when it was one."""
        if response.status == 200:
            return False
        error = parser.xrpc_error(response)
        state = parser.error_state(*error) if error else None
        if state is not None and error is not None:
            self.set_state(state, f"{error[0]}: {error[1]}")
        elif error is not None:
            self.set_error(f"HTTP {response.status} {error[0]}: {error[1]} ({response.url})")
        else:
            self.http_error(response)
        return True

    def parse_profile(self, response: Response) -> Iterator[Any]:
        if self._xrpc_failed(response):
            return
        try:
            profile = parser.parse_profile(response)
        except BadResponse as problem:
            self.note_bad_response(problem)
            return
        self.platform_account_id = profile["did"]
        self.crawl_state["did"] = profile["did"]
        yield self.feed_request(None)

    def feed_request(self, cursor: str | None) -> Any:
        limit = PAGE_LIMIT if self.newest_at else min(PAGE_LIMIT, self.backfill)
        url = (
            f"{self.appview}/xrpc/app.bsky.feed.getAuthorFeed"
            f"?actor={quote(self.platform_account_id or self.actor)}&limit={limit}"
        )
        if cursor:
            url += f"&cursor={quote(cursor)}"
        return self.request(url, self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if self._xrpc_failed(response):
            return
        try:
            posts, cursor = parser.parse_author_feed(response, self.account_url)
        except BadResponse as problem:
            self.note_bad_response(problem)
            return
        reached_known = False
        if self.newest_at is not None:
            fresh = [p for p in posts if p.posted_at is None or p.posted_at > self.newest_at]
            reached_known = len(fresh) < len(posts)
            posts = fresh
        else:
            posts = posts[: self.backfill - self.posts_yielded]
        for post in posts:
            current = parse_iso(self.crawl_state.get("newest_at"))
            if post.posted_at is not None and (current is None or post.posted_at > current):
                self.crawl_state["newest_at"] = _iso(post.posted_at)
        yield from self.counted(posts)
        if not cursor or reached_known:
            return
        if self.newest_at is None and self.posts_yielded >= self.backfill:
            return
        if self.posts_yielded >= self.settings.getint("MONITOR_MAX_POSTS_PER_CRAWL", 10_000):
            return
        yield self.feed_request(cursor)
