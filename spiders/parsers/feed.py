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

# Content types feedparser gives a text that is already plain (Atom ``type="text"``, an RSS
# title): it must not go through the HTML parser, which would take ``<jane@example.org>`` for a
# tag and drop it.
PLAIN_TYPES = frozenset(("text/plain", "text"))


def _when(*values: Any) -> datetime | None:
    """The first of ``values`` (feedparser's UTC ``struct_time``) that is a real moment, as
    aware UTC; None when there is none (a date out of range, like year 10000 in UTC, is no
    date: the entry is kept undated)."""
    for value in values:
        if not value:
            continue
        try:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            continue
    return None


def _get(entry: Any, key: str) -> Any:
    """``entry[key]`` without feedparser's deprecated ``updated``/``published`` aliasing."""
    return dict.get(entry, key) if isinstance(entry, dict) else None


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps([str(p or "") for p in parts]).encode()).hexdigest()[:24]


def entry_id(feed_url: str, entry: Any, *, shared_link: bool = False) -> str:
    """A post id unique across feeds: the entry's id when it is a URI, else prefixed by the
    feed URL (feeds often number their entries 1, 2, 3).

    An entry without an id is known by its link; when ``shared_link`` (other entries of the
    feed have the same link and no id either, as RSS 2.0 allows) the link is followed by a
    digest of the entry's title, description and date, so that each stays a post of its own.
    """
    raw = str(entry.get("id") or "")
    if not raw and entry.get("link"):
        raw = str(entry.get("link"))
        if shared_link:
            date = _get(entry, "published") or _get(entry, "updated")
            raw = f"{raw}#entry-{_digest(entry.get('title'), entry.get('summary'), date)}"
    if not raw:
        digest = hashlib.sha256(
            (str(entry.get("title", "")) + str(entry.get("summary", ""))).encode()
        ).hexdigest()[:24]
        raw = f"sha256:{digest}"
    if "://" in raw or raw.startswith(("tag:", "urn:")):
        return raw
    return f"{feed_url}#{raw}"


def _is_plain(detail: Any) -> bool:
    """True when feedparser's detail object says its value is plain text."""
    return isinstance(detail, dict) and str(detail.get("type") or "").lower() in PLAIN_TYPES


def _readable(value: Any, plain: bool) -> str:
    """``value`` as readable text: tidied if plain, else the text of the HTML."""
    text = value if isinstance(value, str) else ""
    return tidy(text) if plain else html_to_text(text)


def _shared_links(entries: list[Any]) -> set[str]:
    """Links that more than one entry without an id has."""
    seen: set[str] = set()
    shared: set[str] = set()
    for entry in entries:
        link = entry.get("link")
        if entry.get("id") or not link:
            continue
        (shared if link in seen else seen).add(link)
    return shared


def _alt_texts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(img["alt"]).strip() for img in soup.find_all("img", alt=True) if img["alt"].strip()]


def parse_feed(
    response: Response, account_url: str, problems: list[str] | None = None, *, source: str = "rss"
) -> list[Post]:
    """The entries of an RSS or Atom document, in feed order.

    A body that is no feed at all (an HTML page, whatever its content type) or that
    feedparser cannot read is a ``BadResponse``; one it reads with errors (``bozo``) is noted
    in ``problems`` as ``malformed_feed`` and its entries still used. A well-formed feed served
    with the wrong content type, or as ``text/*`` without a charset, is no problem.

    Texts feedparser marks as plain (Atom ``type="text"``, RSS titles) are kept as they are;
    HTML ones are reduced to their text. A date out of range leaves its entry undated.
    """
    problems = problems if problems is not None else []
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    parsed = feedparser.parse(
        response.body,
        response_headers={"content-type": content_type, "content-location": response.url},
    )
    if not parsed.get("version") and not parsed.entries:
        raise BadResponse("malformed_feed", f"not an RSS/Atom feed: {response.url}")
    if parsed.bozo and not _header_only_bozo(parsed.get("bozo_exception"), content_type):
        if not parsed.entries:
            raise BadResponse(
                "malformed_feed", f"unreadable feed from {response.url}: {parsed.bozo_exception}"
            )
        problems.append("malformed_feed")
    capture = capture_of(response)
    feed_language = parsed.feed.get("language")
    shared = _shared_links(parsed.entries)
    posts = []
    for entry in parsed.entries:
        contents = entry.get("content") or []
        if contents:
            value, plain = contents[0].get("value", ""), _is_plain(contents[0])
        else:
            value, plain = entry.get("summary", ""), _is_plain(entry.get("summary_detail"))
        title = _readable(entry.get("title", ""), _is_plain(entry.get("title_detail")))
        body = _readable(value, plain)
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
                post_id=entry_id(account_url, entry, shared_link=entry.get("link") in shared),
                url=entry.get("link") or account_url,
                posted_at=_when(_get(entry, "published_parsed"), _get(entry, "updated_parsed")),
                captured_at=capture.captured_at,
                text=text,
                raw=json.dumps(raw, ensure_ascii=False, sort_keys=True),
                source=source,
                language=language_tag(entry.get("language")) or language_tag(feed_language),
                alt_texts=[] if plain or not isinstance(value, str) else _alt_texts(value),
                capture=capture,
            )
        )
    return posts


def _header_only_bozo(problem: Any, content_type: str) -> bool:
    """True when feedparser's ``bozo_exception`` is only about the HTTP headers of a document
    it parsed without error: a non-XML content type, or the us-ascii RFC 3023 assumes for
    ``text/*`` without a charset overridden by the document's own encoding. (A charset the
    header names but the body does not use is still a problem.)"""
    if isinstance(problem, feedparser.CharacterEncodingOverride):
        return "charset=" not in content_type.lower()
    return isinstance(problem, feedparser.NonXMLContentType)


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
