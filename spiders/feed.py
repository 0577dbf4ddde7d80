"""RSS and Atom feeds, fetched with conditional GET.

crawl_state: ``{"etag": ..., "last_modified": ..., "newest_at": "<ISO>", "last_id": ...}``:
the validators are sent back as ``If-None-Match`` / ``If-Modified-Since`` (304: nothing new),
and of a changed feed only entries newer than ``newest_at`` (or, undated, listed above
``last_id``) are new. An entry dated more than a day in the future is kept but does not
become ``newest_at``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

from scrapy.http import Response

from spiders.base import MonitorSpider, home_only, not_in_future
from spiders.parsers import feed as parser
from spiders.parsers.common import BadResponse, parse_iso


def conditional_headers(state: dict[str, str]) -> dict[str, str]:
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    return headers


def remember_validators(state: dict[str, str], response: Response) -> None:
    for header, key in ((b"ETag", "etag"), (b"Last-Modified", "last_modified")):
        value = response.headers.get(header)
        if value:
            state[key] = value.decode("latin-1")
        else:
            state.pop(key, None)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class FeedSpider(MonitorSpider):
    """``-a url=<feed URL>``: the feed's entries."""

    name = "feed"
    platform = "feed"

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(
            self.url, self.parse_feed, headers=conditional_headers(self.previous_state)
        )

    @home_only
    def parse_feed(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            self.crawler.stats.inc_value("monitor/not_modified")
            return
        if response.status in (404, 410):
            self.set_state("not_found", f"HTTP {response.status} from {response.url}")
            return
        if response.status != 200:
            self.http_error(response)
            return
        problems: list[str] = []
        try:
            posts = parser.parse_feed(response, self.account_url, problems)
        except BadResponse as problem:
            self.note_bad_response(problem)
            return
        self.note_problems(problems, response)
        remember_validators(self.crawl_state, response)
        posts = posts[: self.backfill] if self.first_crawl else self._newer(posts)
        self._remember(posts)
        yield from self.counted(posts)

    def _previous_newest(self) -> datetime | None:
        return not_in_future(parse_iso(self.previous_state.get("newest_at")))

    def _remember(self, posts: list[Any]) -> None:
        """``newest_at``: the newest date not in the future; ``last_id``: the top entry."""
        newest = self._previous_newest()
        for post in posts:
            moment = post.posted_at
            if (
                moment is not None
                and self.moves_cursor(moment)
                and (newest is None or moment > newest)
            ):
                newest = moment
        if newest is not None:
            self.crawl_state["newest_at"] = _iso(newest)
        else:
            self.crawl_state.pop("newest_at", None)
        if posts:
            self.crawl_state["last_id"] = posts[0].post_id

    def _newer(self, posts: list[Any]) -> list[Any]:
        newest = self._previous_newest()
        last_id = self.previous_state.get("last_id")
        ids = [p.post_id for p in posts]
        above_last = ids.index(last_id) if last_id in ids else len(ids)
        fresh = []
        for position, post in enumerate(posts):
            if post.posted_at is not None and newest is not None:
                if post.posted_at > newest:
                    fresh.append(post)
            elif position < above_last:
                fresh.append(post)
        return fresh
