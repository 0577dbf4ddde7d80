"""Bluesky accounts through the public AppView (``BLUESKY_APPVIEW_URL``).

crawl_state: ``{"did": "<did>", "newest_at": "<ISO indexedAt of the newest item seen>",
"newest_ids": "<space-separated ids of the items indexed at that moment>"}``.
The author feed has no "since" parameter: later crawls page from the newest item back. Whether
an item is new is decided by the server's ``indexedAt`` (a repost's own ``reason.indexedAt``),
never by the client-set ``createdAt`` (a wrong clock or an imported post would hide posts):
new is indexed after ``newest_at``, or at that moment and not in ``newest_ids``. Items without
``indexedAt`` are kept. ``createdAt`` stays the post's date (``posted_at``).

The feed is ordered by the earlier of ``createdAt`` and ``indexedAt``, so a post from a slow
clock can sort below the newest known one: paging goes on past known items until a page brings
no new item or lists one indexed ``SORT_OVERLAP`` before ``newest_at`` (a pinned post does not
count). A post backdated further sorts deeper and is found only by a first crawl or a backfill.
An ``indexedAt`` more than a day in the future is kept but does not become ``newest_at``;
paging also stops when a cursor repeats. (A ``newest_at`` written by older versions, a
``createdAt``, is read as an ``indexedAt``.)
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from scrapy.http import Response

from spiders.base import MonitorSpider, home_only, not_in_future
from spiders.parsers import bluesky as parser
from spiders.parsers.common import BadResponse, parse_iso

PAGE_LIMIT = 100  # getAuthorFeed's maximum
PROFILE_PATH = re.compile(r"^/profile/([A-Za-z0-9._:%-]{3,253})/?$")
# How far below the newest known item the feed's order (the earlier of createdAt and
# indexedAt) may put a new post: paging goes on until an item indexed this long before.
SORT_OVERLAP = timedelta(days=1)
NEWEST_IDS_MAX = 100  # ids kept for items sharing the newest indexedAt (when full: all known)
# Pages read on after one that held a known item (a slow clock's post may sit below known
# ones; a hostile server mixing one new post into known ones would page on for ever).
PAGES_PAST_KNOWN = 2


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
        self.newest_ids = set(self.previous_state.get("newest_ids", "").split())
        self._pages_past_known = 0
        if self.newest_at is None:
            self.crawl_state.pop("newest_at", None)
            self.crawl_state.pop("newest_ids", None)
            self.newest_ids = set()

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

    def _is_new(self, entry: parser.FeedEntry) -> bool:
        """True for an item not seen by the previous crawl, judged by server time."""
        if self.newest_at is None or entry.indexed_at is None:
            return True
        if entry.indexed_at == self.newest_at:
            # (a full list cannot tell: every item at that moment counts as seen)
            full = len(self.newest_ids) >= NEWEST_IDS_MAX
            return not full and entry.post.post_id not in self.newest_ids
        return entry.indexed_at > self.newest_at

    def _reached_known(self, entries: list[parser.FeedEntry]) -> bool:
        """True when the page lists an item indexed ``SORT_OVERLAP`` before ``newest_at``:
        nothing further down can be new (but for posts backdated further)."""
        if self.newest_at is None:
            return False
        horizon = self.newest_at - SORT_OVERLAP
        return any(
            e.indexed_at is not None and not e.pinned and e.indexed_at <= horizon for e in entries
        )

    def _remember(self, entries: list[parser.FeedEntry]) -> None:
        """Moves ``newest_at`` to the latest ``indexedAt`` among ``entries`` not in the
        future, with the ids of the items indexed at that moment in ``newest_ids``."""
        for entry in entries:
            moment = entry.indexed_at
            if moment is None or not self.moves_cursor(moment):
                continue
            current = parse_iso(self.crawl_state.get("newest_at"))
            ids = self.crawl_state.get("newest_ids", "").split()
            if current is None or moment > current:
                self.crawl_state["newest_at"] = _iso(moment)
                self.crawl_state["newest_ids"] = entry.post.post_id
            elif moment == current and entry.post.post_id not in ids:
                ids = [*ids, entry.post.post_id][-NEWEST_IDS_MAX:]
                self.crawl_state["newest_ids"] = " ".join(ids)

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
            entries, cursor = parser.parse_author_feed_entries(
                response, self.account_url, problems=problems
            )
        except BadResponse as problem:
            self.note_bad_response(problem)
            return
        self.note_problems(problems, response)
        reached_known = self._reached_known(entries)
        fresh = [entry for entry in entries if self._is_new(entry)]
        if len(fresh) < len([e for e in entries if not e.pinned]):
            self._pages_past_known += 1  # this page held known items
            reached_known = reached_known or self._pages_past_known > PAGES_PAST_KNOWN
        limit = self.backfill - self.posts_yielded if self.newest_at is None else None
        posts = self.counted([entry.post for entry in fresh], limit)
        kept = {id(post) for post in posts}
        self._remember([entry for entry in fresh if id(entry.post) in kept])
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
