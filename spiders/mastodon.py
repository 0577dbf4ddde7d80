"""Mastodon accounts through the public REST API, with the account RSS feed as fallback.

crawl_state: ``{"account_id": "<id>", "since_id": "<newest status id seen>", "edited": "<id>=<digest
of its edited_at> ..."}`` (the edits on the newest page already yielded).

Only cursor ids (``parser.is_cursor_id``: Mastodon's 64-bit integers of 1 to 20 digits, or
the string ids of other servers, such as GoToSocial's ULIDs) become ``since_id``; paging
follows ``Link`` URLs on the account's host only, and stops when a page URL repeats, when
``max_id`` does not go down (or ``min_id`` up), or when a page brings no new post.

A later crawl also reads the newest page once (what a first request returns) and yields the
posts on it that were seen before and show an edit, so that edits of recent posts come in as
new versions.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from scrapy.http import Response
from w3lib.url import add_or_replace_parameter, url_query_parameter

from spiders.base import MonitorSpider, home_only
from spiders.parsers import mastodon as parser
from spiders.parsers.common import BadResponse

PAGE_LIMIT = 40  # the API's maximum for account statuses
ACCOUNT_PATH = re.compile(r"^/@([A-Za-z0-9_]{1,64})/?$")
_id_key = parser.status_id_key


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
        since_id = self.previous_state.get("since_id", "")
        self.since_id = since_id if parser.is_cursor_id(since_id) else ""
        if since_id and not self.since_id:
            self.crawl_state.pop("since_id", None)

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(
            f"{self.base}/api/v1/accounts/lookup?acct={quote(self.user, safe='')}",
            self.parse_lookup,
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

    @home_only
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
        statuses = f"{self.base}/api/v1/accounts/{quote(account['id'], safe='')}/statuses"
        if self.since_id:
            url = f"{statuses}?limit={PAGE_LIMIT}&min_id={quote(self.since_id, safe='')}"
            yield self.request(url, self.parse_newer)
            yield self.request(f"{statuses}?limit={PAGE_LIMIT}", self.parse_recent)
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
        problems: list[str] = []
        try:
            posts = parser.parse_statuses(response, self.account_url, problems=problems)
        except BadResponse as problem:
            self.note_bad_response(problem)
            return None
        self.note_problems(problems, response)
        return posts

    def _remember(self, posts: list[Any]) -> None:
        """Moves ``since_id`` to the newest valid status id among ``posts``."""
        for post in posts:
            current = self.crawl_state.get("since_id", "")
            status_id = parser.status_id_of(post.post_id)
            if not parser.is_cursor_id(status_id):
                continue
            if _id_key(status_id) > _id_key(current):  # (a non-cursor current sorts lowest)
                self.crawl_state["since_id"] = status_id

    def _next_page(self, response: Response, rel: str, bound: str) -> str | None:
        """The ``rel`` Link URL if it is on the account's host, new in this crawl, and moves
        its ``bound`` (``max_id`` down for ``next``, ``min_id`` up for ``prev``)."""
        url = self.follow_url(parser.link_url(response, rel), self.base)
        if url is None:
            return None
        key = add_or_replace_parameter(url, "limit", "")
        if not self.new_cursor(f"Mastodon {rel} page", key):
            return None
        before = url_query_parameter(response.url, bound)
        after = url_query_parameter(url, bound)
        if before and after and not self._moves(before, after, down=bound == "max_id"):
            self.crawler.stats.inc_value("monitor/pagination_loops")
            self.logger.warning("Stopped paging: %s went from %s to %s", bound, before, after)
            return None
        return url

    @staticmethod
    def _moves(before: str, after: str, *, down: bool) -> bool:
        if down:
            return _id_key(after) < _id_key(before)
        return _id_key(after) > _id_key(before)

    @home_only
    def parse_older(self, response: Response) -> Iterator[Any]:
        """First crawl: pages backwards (``Link: rel="next"``, ``max_id``) up to ``backfill``."""
        if response.status in (401, 403):
            yield self.rss_request()
            return
        posts = self._page(response)
        if posts is None:
            return
        posts = self.counted(posts, limit=self.backfill - self.posts_yielded)
        self._remember(posts)
        yield from posts
        remaining = self.backfill - self.posts_yielded
        if not posts or remaining <= 0:
            return
        following = self._next_page(response, "next", "max_id")
        if following:
            following = add_or_replace_parameter(
                following, "limit", str(min(PAGE_LIMIT, remaining))
            )
            yield self.request(following, self.parse_older)

    @home_only
    def parse_newer(self, response: Response) -> Iterator[Any]:
        """Later crawls: pages forwards from ``since_id`` (``min_id``, ``Link: rel="prev"``)."""
        if response.status in (401, 403):
            yield self.rss_request()
            return
        posts = self._page(response)
        if posts is None:
            return
        posts = [
            p for p in posts if _id_key(parser.status_id_of(p.post_id)) > _id_key(self.since_id)
        ]
        posts = self.counted(posts)
        self._remember(posts)
        yield from posts
        limit = self.settings.getint("MONITOR_MAX_POSTS_PER_CRAWL", 10_000)
        if not posts or self.posts_yielded >= limit:
            return
        previous = self._next_page(response, "prev", "min_id")
        if previous:
            yield self.request(previous, self.parse_newer)

    @home_only
    def parse_recent(self, response: Response) -> Iterator[Any]:
        """Later crawls: the newest page once more, for edits of posts already seen. Those
        showing an edit not yielded before (``parser.edit_mark``, remembered in the state's
        ``edited``) are yielded again: the storage keeps a new version when the text changed
        and only touches the post otherwise. Posts newer
        than ``since_id`` are left to ``parse_newer``, which moves the resume point. This
        extra page never fails the crawl: a bad answer here is only counted (``parse_newer``
        reports the account's state from its own answers)."""
        if response.status != 200:
            self.crawler.stats.inc_value("monitor/mastodon/recent_unread")
            return
        try:
            posts = parser.parse_statuses(response, self.account_url, problems=[])
        except BadResponse:
            self.crawler.stats.inc_value("monitor/mastodon/recent_unread")
            return
        seen = dict(
            token.split("=", 1)
            for token in self.previous_state.get("edited", "").split()
            if "=" in token
        )
        marks: dict[str, str] = {}
        edited = []
        for post in posts:
            status_id = parser.status_id_of(post.post_id)
            if _id_key(status_id) > _id_key(self.since_id):
                continue
            mark = parser.edit_mark(post)
            if mark and status_id:
                marks[status_id] = mark
                if seen.get(status_id) != mark:  # (an edit not yielded by an earlier crawl)
                    edited.append(post)
        self.crawl_state["edited"] = " ".join(f"{k}={v}" for k, v in marks.items())
        self.crawler.stats.inc_value("monitor/mastodon/edited_rechecked", len(edited))
        yield from self.counted(edited)

    # -- RSS fallback --------------------------------------------------------------------------

    def rss_request(self) -> Any:
        self.crawler.stats.inc_value("monitor/mastodon/rss_fallback")
        return self.request(f"{self.base}/@{quote(self.user, safe='')}.rss", self.parse_rss)

    @home_only
    def parse_rss(self, response: Response) -> Iterator[Any]:
        """Servers that refuse unauthenticated API access still publish ``/@user.rss``
        (the latest public posts, no boosts)."""
        if self._gone(response):
            return
        if response.status != 200:
            self.http_error(response)
            return
        problems: list[str] = []
        try:
            posts = parser.parse_rss(response, self.account_url, problems=problems)
        except BadResponse as problem:
            self.note_bad_response(problem)
            return
        self.note_problems(problems, response)
        if self.since_id:
            posts = [
                p for p in posts if _id_key(parser.status_id_of(p.post_id)) > _id_key(self.since_id)
            ]
        else:
            posts = posts[: self.backfill]
        posts = self.counted(posts)
        self._remember(posts)
        self.crawl_state["source"] = "rss"
        yield from posts
