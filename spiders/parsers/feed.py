"""RSS and Atom feeds (any dialect feedparser reads), and single web pages."""

from __future__ import annotations

import calendar
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import feedparser
from bs4 import BeautifulSoup
from scrapy.http import Response

from monitor.items import Post
from spiders.parsers.common import (
    BadResponse,
    capture_of,
    decode_text,
    html_to_text,
    language_tag,
    parse_iso,
    tidy,
    tree_text,
)

__all__ = ["entry_id", "parse_feed", "parse_page"]


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)


def _get(entry: Any, key: str) -> Any:
    """``entry[key]`` without feedparser's deprecated ``updated``/``published`` aliasing."""
    return dict.get(entry, key) if isinstance(entry, dict) else None


def entry_id(feed_url: str, entry: Any) -> str:
    """A post id unique across feeds: the entry's id when it is a URI, else prefixed by the
    feed URL (feeds often number their entries 1, 2, 3)."""
    raw = str(entry.get("id") or entry.get("link") or "")
    if not raw:
        digest = hashlib.sha256(
            (str(entry.get("title", "")) + str(entry.get("summary", ""))).encode()
        ).hexdigest()[:24]
        raw = f"sha256:{digest}"
    if "://" in raw or raw.startswith(("tag:", "urn:")):
        return raw
    return f"{feed_url}#{raw}"


def _alt_texts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(img["alt"]).strip() for img in soup.find_all("img", alt=True) if img["alt"].strip()]


def parse_feed(
    response: Response, account_url: str, problems: list[str] | None = None, *, source: str = "rss"
) -> list[Post]:
    """The entries of an RSS or Atom document, in feed order.

    A body that is no feed at all (an HTML page, whatever its content type) or that
    feedparser cannot read is a ``BadResponse``; one it reads with errors (``bozo``) is noted
    in ``problems`` as ``malformed_feed`` and its entries still used.
    """
    problems = problems if problems is not None else []
    parsed = feedparser.parse(
        response.body,
        response_headers={
            "content-type": (response.headers.get(b"Content-Type") or b"").decode("latin-1"),
            "content-location": response.url,
        },
    )
    if not parsed.get("version") and not parsed.entries:
        raise BadResponse("malformed_feed", f"not an RSS/Atom feed: {response.url}")
    if parsed.bozo:
        if not parsed.entries:
            raise BadResponse(
                "malformed_feed", f"unreadable feed from {response.url}: {parsed.bozo_exception}"
            )
        problems.append("malformed_feed")
    capture = capture_of(response)
    feed_language = parsed.feed.get("language")
    posts = []
    for entry in parsed.entries:
        contents = entry.get("content") or []
        html = contents[0].get("value", "") if contents else entry.get("summary", "")
        title = tidy(html_to_text(entry.get("title", "")))
        body = html_to_text(html)
        text = body if not title or body.startswith(title) else f"{title}\n\n{body}"
        raw = {
            key: _get(entry, key)
            for key in ("id", "title", "link", "published", "updated", "summary", "author")
            if _get(entry, key)
        }
        if contents:
            raw["content"] = [c.get("value", "") for c in contents]
        posts.append(
            Post(
                platform="feed",
                account_url=account_url,
                post_id=entry_id(account_url, entry),
                url=entry.get("link") or account_url,
                posted_at=_when(_get(entry, "published_parsed") or _get(entry, "updated_parsed")),
                captured_at=capture.captured_at,
                text=text,
                raw=json.dumps(raw, ensure_ascii=False, sort_keys=True),
                source=source,
                language=language_tag(entry.get("language")) or language_tag(feed_language),
                alt_texts=_alt_texts(html),
                capture=capture,
            )
        )
    return posts


def parse_page(
    response: Response,
    account_url: str,
    url: str | None = None,
    problems: list[str] | None = None,
    *,
    source: str = "html",
) -> Post:
    """A whole web page as one post: its visible text (no script, style, noscript or
    template), image alt texts and language. The post id is the page URL, so each change of
    the page is a new version of the same post."""
    problems = problems if problems is not None else []
    text, clean = decode_text(response)
    if not clean:
        problems.append("invalid_utf8")
    if "</html>" not in text[-300:].lower():
        problems.append("truncated_html")
    soup = BeautifulSoup(text, "html.parser")
    root = soup.body or soup
    language = soup.html.get("lang") if soup.html is not None else None
    alts = [str(img["alt"]).strip() for img in root.find_all("img", alt=True) if img["alt"].strip()]
    published = soup.find("meta", attrs={"property": "article:published_time"})
    capture = capture_of(response)
    page_url = url or account_url
    return Post(
        platform="page",
        account_url=account_url,
        post_id=page_url,
        url=page_url,
        posted_at=parse_iso(published.get("content")) if published is not None else None,
        captured_at=capture.captured_at,
        text=tidy(tree_text(root)),  # the tree parsed above, not parsed again
        raw=text,
        source=source,
        language=str(language) if language else None,
        alt_texts=alts,
        capture=capture,
    )
