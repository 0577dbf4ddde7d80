"""Mastodon accounts through the public REST API, with the account RSS feed as fallback.

crawl_state: ``{"account_id": "<id>", "since_id": "<newest status id seen>"}``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from scrapy.http import Response
from w3lib.url import add_or_replace_parameter

from spiders.base import MonitorSpider
from spiders.parsers import mastodon as parser
from spiders.parsers.common import BadResponse

PAGE_LIMIT = 40  # the API's maximum for account statuses
ACCOUNT_PATH = re.compile(r"^/@([A-Za-z0-9_]{1,64})/?$")


class MastodonSpider(MonitorSpider):
    """``-a url=https://host/@user``: the account's statuses, newest first."""

    name = "mastodon"
    platform = "mastodon"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parts = urlsplit(self.url)
        match = ACCOUNT_PATH.match(parts.path)
        if parts.scheme not in ("http", "https") or not parts.netloc or not match:
            raise ValueError(f"not a Mastodon account URL (https://host/@user): {self.url!r}")
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.user = match.group(1)
        self.since_id = self.previous_state.get("since_id", "")

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(
            f"{self.base}/api/v1/accounts/lookup?acct={quote(self.user)}", self.parse_lookup
        )

    # -- API --------------------------------------------------------------------------------

    def _gone(self, response: Response) -> bool:
        """Account states told by the HTTP status; True when handled."""
        if response.status == 404:
            self.set_state("not_found", f"no such account (HTTP 404 from {response.url})")
        elif response.status == 410:
            self.set_state("not_found", f"account gone (HTTP 410 from {response.url})")
        else:
            return False
        return True

    def parse_lookup(self, response: Response) -> Iterator[Any]:
        if response.status in (401, 403):
            yield self.rss_request()
            return
        if self._gone(response):
            return
        if response.status != 200:
            self.http_error(response)
            return
        try:
            account = parser.parse_account(response)
        except BadResponse as problem:
            self.note_bad_response(problem)
            return
        self.platform_account_id = account["id"]
        self.crawl_state["account_id"] = account["id"]
        if parser.account_state(account) == "suspended":
            self.set_state("suspended", "account suspended by its server")
            return
        statuses = f"{self.base}/api/v1/accounts/{quote(account['id'])}/statuses"
        if self.since_id:
            url = f"{statuses}?limit={PAGE_LIMIT}&min_id={quote(self.since_id)}"
            yield self.request(url, self.parse_newer)
        else:
            url = f"{statuses}?limit={min(PAGE_LIMIT, self.backfill)}"
            yield self.request(url, self.parse_older)

    def _page(self, response: Response) -> list[Any] | None:
        """The posts of a statuses page, or None when the page ended the crawl."""
        if response.status in (401, 403):
            return None
        if self._gone(response):
            return None
        if response.status != 200:
            self.http_error(response)
            return None
        try:
            return parser.parse_statuses(response, self.account_url)
        except BadResponse as problem:
            self.note_bad_response(problem)
            return None

    def _remember(self, posts: list[Any]) -> None:
        for post in posts:
            current = self.crawl_state.get("since_id", "")
            status_id = parser.status_id_of(post.post_id)
            if not current or parser.status_id_key(status_id) > parser.status_id_key(current):
                self.crawl_state["since_id"] = status_id

    def parse_older(self, response: Response) -> Iterator[Any]:
        """First crawl: pages backwards (``Link: rel="next"``, ``max_id``) up to ``backfill``."""
        if response.status in (401, 403):
            yield self.rss_request()
            return
        posts = self._page(response)
        if posts is None:
            return
        posts = posts[: self.backfill - self.posts_yielded]
        self._remember(posts)
        yield from self.counted(posts)
        remaining = self.backfill - self.posts_yielded
        following = parser.link_url(response, "next")
        if posts and remaining > 0 and following:
            following = add_or_replace_parameter(
                following, "limit", str(min(PAGE_LIMIT, remaining))
            )
            yield self.request(following, self.parse_older)

    def parse_newer(self, response: Response) -> Iterator[Any]:
        """Later crawls: pages forwards from ``since_id`` (``min_id``, ``Link: rel="prev"``)."""
        if response.status in (401, 403):
            yield self.rss_request()
            return
        posts = self._page(response)
        if posts is None:
            return
        posts = [
            p
            for p in posts
            if parser.status_id_key(parser.status_id_of(p.post_id))
            > parser.status_id_key(self.since_id)
        ]
        self._remember(posts)
        yield from self.counted(posts)
        limit = self.settings.getint("MONITOR_MAX_POSTS_PER_CRAWL", 10_000)
        previous = parser.link_url(response, "prev")
        if posts and previous and self.posts_yielded < limit:
            yield self.request(previous, self.parse_newer)

    # -- RSS fallback --------------------------------------------------------------------------

    def rss_request(self) -> Any:
        self.crawler.stats.inc_value("monitor/mastodon/rss_fallback")
        return self.request(f"{self.base}/@{quote(self.user)}.rss", self.parse_rss)

    def parse_rss(self, response: Response) -> Iterator[Any]:
        """Servers that refuse unauthenticated API access still publish ``/@user.rss``
        (the latest public posts, no boosts)."""
        if self._gone(response):
            return
        if response.status != 200:
            self.http_error(response)
            return
        try:
            posts = parser.parse_rss(response, self.account_url)
        except BadResponse as problem:
            self.note_bad_response(problem)
            return
        if self.since_id:
            posts = [
                p
                for p in posts
                if parser.status_id_key(parser.status_id_of(p.post_id))
                > parser.status_id_key(self.since_id)
            ]
        else:
            posts = posts[: self.backfill]
        self._remember(posts)
        self.crawl_state["source"] = "rss"
        yield from self.counted(posts)
