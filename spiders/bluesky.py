"""Bluesky accounts through the public AppView (``BLUESKY_APPVIEW_URL``).

crawl_state: ``{"did": "<did>", "newest_at": "<ISO time of the newest post or repost seen>"}``.
The author feed has no "since" parameter: later crawls page from the newest post back until
they reach ``newest_at``. A post dated more than a day in the future is kept but does not
become ``newest_at``; paging stops when a cursor repeats or a page brings no new post.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from scrapy.http import Response

from spiders.base import MonitorSpider, home_only, not_in_future
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
        self.newest_at = not_in_future(parse_iso(self.previous_state.get("newest_at")))
        if self.newest_at is None:
            self.crawl_state.pop("newest_at", None)

    @property
    def appview(self) -> str:
        return self.settings.get("BLUESKY_APPVIEW_URL", "https://public.api.bsky.app").rstrip("/")

    def home_urls(self) -> list[str]:
        return [*super().home_urls(), self.appview]

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(
            f"{self.appview}/xrpc/app.bsky.actor.getProfile?actor={quote(self.actor, safe='')}",
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

    @home_only
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

    def _remember(self, posts: list[Any]) -> None:
        """Moves ``newest_at`` to the newest date among ``posts`` not in the future."""
        for post in posts:
            moment = post.posted_at
            current = parse_iso(self.crawl_state.get("newest_at"))
            if (
                moment is not None
                and self.moves_cursor(moment)
                and (current is None or moment > current)
            ):
                self.crawl_state["newest_at"] = _iso(moment)

    def feed_request(self, cursor: str | None) -> Any:
        limit = PAGE_LIMIT if self.newest_at else min(PAGE_LIMIT, self.backfill)
        url = (
            f"{self.appview}/xrpc/app.bsky.feed.getAuthorFeed"
            f"?actor={quote(self.platform_account_id or self.actor, safe='')}&limit={limit}"
        )
        if cursor:
            url += f"&cursor={quote(cursor, safe='')}"
        return self.request(url, self.parse_feed)

    @home_only
    def parse_feed(self, response: Response) -> Iterator[Any]:
        if self._xrpc_failed(response):
            return
        problems: list[str] = []
        try:
            posts, cursor = parser.parse_author_feed(response, self.account_url, problems=problems)
        except BadResponse as problem:
            self.note_bad_response(problem)
            return
        self.note_problems(problems, response)
        reached_known = False
        if self.newest_at is not None:
            fresh = [p for p in posts if p.posted_at is None or p.posted_at > self.newest_at]
            reached_known = len(fresh) < len(posts)
            posts = fresh
        limit = self.backfill - self.posts_yielded if self.newest_at is None else None
        posts = self.counted(posts, limit)
        self._remember(posts)
        yield from posts
        if not cursor or reached_known or not posts:
            return
        if not self.new_cursor("Bluesky cursor", cursor):
            return
        if self.newest_at is None and self.posts_yielded >= self.backfill:
            return
        if self.posts_yielded >= self.settings.getint("MONITOR_MAX_POSTS_PER_CRAWL", 10_000):
            return
        yield self.feed_request(cursor)
