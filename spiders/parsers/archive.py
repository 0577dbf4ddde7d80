"""Internet Archive: CDX listings and raw (``id_``) snapshots, parsed by the parser of the
platform whose page was archived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from scrapy.http import Response

from monitor.items import Post
from spiders.parsers import feed, mastodon, telegram
from spiders.parsers.common import BadResponse, load_json, parse_wayback_timestamp

__all__ = ["CdxRow", "parse_cdx", "parse_snapshot"]

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")


@dataclass(frozen=True)
class CdxRow:
    """One capture in a CDX listing."""

    urlkey: str
    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    digest: str

    @property
    def captured_at(self) -> datetime | None:
        return parse_wayback_timestamp(self.timestamp)


def parse_cdx(response: Response) -> tuple[list[CdxRow], str | None]:
    """The rows of a CDX ``output=json`` answer and its resume key (``showResumeKey=true``:
    after the rows, an empty row, then a one-element row holding the key)."""
    if not response.body.strip():
        return [], None
    table = load_json(response)
    if not isinstance(table, list):
        raise BadResponse("unexpected_shape", f"not a CDX table from {response.url}")
    if not table:
        return [], None
    resume_key = None
    if len(table) >= 2 and table[-2] == [] and isinstance(table[-1], list) and len(table[-1]) == 1:
        resume_key = str(table[-1][0])
        table = table[:-2]
    header, *rows = table
    if not isinstance(header, list) or "timestamp" not in header or "original" not in header:
        raise BadResponse("unexpected_shape", f"CDX table without a header from {response.url}")
    index = {name: i for i, name in enumerate(header)}

    def field(row: list[str], name: str) -> str:
        i = index.get(name)
        return str(row[i]) if i is not None and i < len(row) else ""

    parsed = [
        CdxRow(
            urlkey=field(row, "urlkey"),
            timestamp=field(row, "timestamp"),
            original=field(row, "original"),
            mimetype=field(row, "mimetype"),
            statuscode=field(row, "statuscode"),
            digest=field(row, "digest"),
        )
        for row in rows
        if isinstance(row, list) and row
    ]
    return parsed, resume_key


def _mastodon(response: Response, account_url: str, original: str) -> list[Post] | None:
    path = urlsplit(original).path
    if mastodon.STATUS_PATH.match(path):
        return mastodon.parse_status_page(response, account_url, original)
    if path.endswith(".rss"):
        return mastodon.parse_rss(response, account_url)
    if path.startswith("/api/v1/") and response.body.lstrip()[:1] == b"[":
        return mastodon.parse_statuses(response, account_url)
    return None


def parse_snapshot(
    response: Response,
    platform: str,
    account_url: str,
    original: str,
    timestamp: str,
    problems: list[str] | None = None,
) -> list[Post]:
    """The posts in one archived copy of ``original``, marked ``source="archive"`` with the
    capture time. Pages no platform parser recognises become one ``page`` post."""
    problems = problems if problems is not None else []
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    posts: list[Post] | None = None
    if platform == "mastodon":
        posts = _mastodon(response, account_url, original)
    elif platform == "telegram" and urlsplit(original).path.startswith("/s/"):
        posts = telegram.parse_channel_page(response, account_url, problems)
    elif platform == "feed" or content_type.startswith(FEED_TYPES):
        posts = feed.parse_feed(response, account_url, problems)
    if posts is None:
        page = feed.parse_page(response, account_url, original, problems)
        if platform != "page":
            page.platform = platform
        posts = [page]
    when = parse_wayback_timestamp(timestamp)
    for post in posts:
        post.source = "archive"
        post.archive_timestamp = when
    return posts
