"""RSS and Atom feeds, fetched with conditional GET.

crawl_state: ``{"etag": ..., "last_modified": ..., "seen": "<key>:<fingerprint> ...",
"newest_at": "<ISO>"}``: the validators are sent back as ``If-None-Match`` /
``If-Modified-Since`` (304: nothing new). ``seen`` lists the entries of the previous crawls
(at most ``SEEN_MAX``, the latest feed's first), each as a digest of its post id and one of
what a reader sees and its dates. Of a changed feed, an entry is yielded when its id was not
seen, or was seen with another fingerprint (an edit: a later ``<updated>``, a new text).
Dates decide nothing: a new entry dated before the ones seen (a repost, a backdated post) or
after a future-dated one is still new. ``newest_at`` is the newest entry date not more than a
day in the future, for information. A state without ``seen`` (none yet, or written by an
older version) yields the feed's first ``backfill`` entries; the store keeps a post once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

from scrapy.http import Response

from spiders.base import MonitorSpider, home_only, not_in_future
from spiders.parsers import feed as parser
from spiders.parsers.common import BadResponse, parse_iso

SEEN_MAX = 1000  # entries remembered in ``seen`` (about 34 characters each)
SEEN_TOKEN = re.compile(r"^[0-9a-f]{16}:[0-9a-f]{16}$")


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


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fingerprint(post: Any) -> str:
    """A digest of what changes when an entry is edited: its text, alt texts and the dates
    the feed gives it (``updated``, ``published``)."""
    try:
        raw = json.loads(post.raw)
    except (TypeError, ValueError):
        raw = {}
    dates = [raw.get(key) for key in ("updated", "published")] if isinstance(raw, dict) else []
    return _digest(json.dumps([post.text, post.alt_texts, dates], ensure_ascii=False))


def seen_token(post: Any) -> str:
    """``<key>:<fingerprint>``: the entry's identity (its post id) and its content."""
    return f"{_digest(post.post_id)}:{fingerprint(post)}"


def read_seen(state: dict[str, str]) -> list[str] | None:
    """The well-formed tokens of ``state["seen"]``; None when the state has no ``seen``."""
    value = state.get("seen")
    if value is None:
        return None
    return [token for token in value.split() if SEEN_TOKEN.match(token)]


def merge_seen(current: list[str], previous: list[str], limit: int = SEEN_MAX) -> list[str]:
    """The tokens of the feed just read (in feed order), then those of entries seen before
    and not in it (a feed may drop an entry and list it again), at most ``limit``."""
    keys = {token.split(":", 1)[0] for token in current}
    merged = list(dict.fromkeys(current))
    merged += [t for t in dict.fromkeys(previous) if t.split(":", 1)[0] not in keys]
    return merged[:limit]


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
        tokens = [seen_token(post) for post in posts]
        seen = read_seen(self.previous_state)
        if seen is None:
            fresh = posts[: self.backfill]
        else:
            # (only the first SEEN_MAX entries are remembered: a longer feed's tail is old)
            known = set(seen)
            listed = zip(posts[:SEEN_MAX], tokens[:SEEN_MAX], strict=True)
            fresh = [post for post, token in listed if token not in known]
            if seen and len(fresh) > self.backfill and len(fresh) == len(posts[:SEEN_MAX]):
                # Nothing seen before and more than a backfill: ids that change on every
                # request (or a replaced feed) would otherwise bring the whole feed each time.
                self.crawler.stats.inc_value("monitor/feed/all_entries_new")
                fresh = fresh[: self.backfill]
        self.crawl_state["seen"] = " ".join(merge_seen(tokens, seen or []))
        self.crawl_state.pop("last_id", None)  # (written by older versions)
        self._remember(posts)
        yield from self.counted(fresh)

    def _previous_newest(self) -> datetime | None:
        return not_in_future(parse_iso(self.previous_state.get("newest_at")))

    def _remember(self, posts: list[Any]) -> None:
        """``newest_at``: the newest entry date not in the future (for information)."""
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
