"""Mastodon: REST API statuses, the account RSS feed and (archived) status pages."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from scrapy.http import Response

from monitor.items import Capture, Post
from spiders.parsers.common import (
    BadResponse,
    capture_of,
    decode_text,
    html_to_text,
    load_json,
    now_utc,
    parse_http_date,
    parse_iso,
)

__all__ = [
    "account_state",
    "link_url",
    "parse_account",
    "parse_rss",
    "parse_status_page",
    "parse_statuses",
    "post_id_of",
    "status_id_key",
    "status_id_of",
    "status_to_post",
]

PLATFORM = "mastodon"
LINK_PART = re.compile(r'<([^>]*)>\s*;\s*rel="?([^";,]+)"?')
STATUS_PATH = re.compile(r"^/@([A-Za-z0-9_]+)(?:@[^/]+)?/(\d+)/?$")


def post_id_of(account_url: str, status_id: str) -> str:
    """The ``Post.post_id`` of a status: its canonical URL ``https://host/@user/<id>``, unique
    across servers (bare status ids are only unique within one server)."""
    return f"{account_url.rstrip('/')}/{status_id}"


def status_id_of(post_id: str) -> str:
    """The server's status id inside a ``post_id``."""
    return post_id.rsplit("/", 1)[-1]


def status_id_key(status_id: str) -> tuple[int, str]:
    """Sort key of a Mastodon id (numeric strings of varying length; longer is newer)."""
    return (len(status_id), status_id)


def link_url(response: Response, rel: str) -> str | None:
    """The URL of ``rel`` (``next`` or ``prev``) in the ``Link`` header, if any."""
    header = response.headers.get(b"Link")
    if not header:
        return None
    for url, found in LINK_PART.findall(header.decode("latin-1")):
        if found.strip() == rel:
            return response.urljoin(url)
    return None


def parse_account(response: Response) -> dict[str, Any]:
    """The Account entity returned by ``/api/v1/accounts/lookup``."""
    account = load_json(response)
    if not isinstance(account, dict) or not isinstance(account.get("id"), str):
        raise BadResponse("unexpected_shape", f"not a Mastodon Account from {response.url}")
    return account


def account_state(account: dict[str, Any]) -> str:
    """``suspended`` for a suspended account, else ``ok``."""
    return "suspended" if account.get("suspended") else "ok"


def _plain(status: dict[str, Any]) -> str:
    return html_to_text(status.get("content") or "")


def _alt_texts(status: dict[str, Any]) -> list[str]:
    texts = []
    for media in status.get("media_attachments") or []:
        if isinstance(media, dict) and (media.get("description") or "").strip():
            texts.append(media["description"])
    return texts


def _quoted(status: dict[str, Any]) -> str:
    parts = []
    if status.get("spoiler_text"):
        parts.append(status["spoiler_text"])
    body = _plain(status)
    if body:
        parts.append(body)
    return "\n".join(parts)


def status_to_post(
    status: dict[str, Any],
    account_url: str,
    capture: Capture | None,
    *,
    source: str = "api",
    captured_at: datetime | None = None,
) -> Post:
    """One Status entity as a ``Post``: body, content warning, alt texts, boosted/quoted text."""
    if not isinstance(status, dict) or not isinstance(status.get("id"), str):
        raise BadResponse("unexpected_shape", "a Mastodon status without an id")
    reblog = status.get("reblog") if isinstance(status.get("reblog"), dict) else None
    quote = status.get("quote") if isinstance(status.get("quote"), dict) else None
    quoted_status = quote.get("quoted_status") if quote else None
    alt_texts = _alt_texts(status)
    quoted_text = ""
    if reblog:
        quoted_text = _quoted(reblog)
        alt_texts += _alt_texts(reblog)
    elif isinstance(quoted_status, dict):
        quoted_text = _quoted(quoted_status)
        alt_texts += _alt_texts(quoted_status)
    language = status.get("language") or (reblog or {}).get("language")
    url = status.get("url") or (reblog or {}).get("url") or status.get("uri") or account_url
    captured = captured_at or (capture.captured_at if capture else now_utc())
    return Post(
        platform=PLATFORM,
        account_url=account_url,
        post_id=post_id_of(account_url, status["id"]),
        url=url,
        posted_at=parse_iso(status.get("created_at")),
        captured_at=captured,
        text=_plain(status),
        raw=json.dumps(status, ensure_ascii=False, sort_keys=True),
        source=source,
        language=language,
        content_warning=status.get("spoiler_text") or "",
        alt_texts=alt_texts,
        quoted_text=quoted_text,
        capture=capture,
    )


def parse_statuses(response: Response, account_url: str) -> list[Post]:
    """The statuses of one ``/api/v1/accounts/:id/statuses`` page, newest first."""
    statuses = load_json(response)
    if not isinstance(statuses, list):
        raise BadResponse("unexpected_shape", f"not a list of statuses from {response.url}")
    capture = capture_of(response)
    return [status_to_post(status, account_url, capture) for status in statuses]


def _split_content_warning(html: str) -> tuple[str, str]:
    """Mastodon's RSS puts a content warning first: ``<p>CW</p><hr />body``."""
    soup = BeautifulSoup(html, "html.parser")
    first = soup.find(True)
    if first is not None and first.name == "p":
        following = first.find_next_sibling(True)
        if following is not None and following.name == "hr":
            warning = first.get_text().strip()
            first.decompose()
            following.decompose()
            return warning, str(soup)
    return "", html


def parse_rss(response: Response, account_url: str) -> list[Post]:
    """The posts of a Mastodon account feed (``/@user.rss``): no boosts, alt texts kept.

    Mastodon writes each status as an ``<item>`` with ``<link>``, ``<pubDate>``, the HTML body
    in ``<description>`` (a content warning first, as ``<p>CW</p><hr />``) and one
    ``<media:content>`` per attachment whose ``<media:description>`` is the alt text.
    """
    text, _clean = decode_text(response)
    soup = BeautifulSoup(text, "xml")
    if soup.find("rss") is None and soup.find("channel") is None:
        raise BadResponse("malformed_feed", f"not an RSS document: {response.url}")
    capture = capture_of(response)
    posts = []
    for item in soup.find_all("item"):
        link_tag = item.find("link", recursive=False) or item.find("guid", recursive=False)
        link = link_tag.get_text().strip() if link_tag is not None else ""
        match = STATUS_PATH.match(urlsplit(link).path)
        if not match:
            continue
        description = next(
            (d for d in item.find_all("description", recursive=False) if not d.prefix), None
        )
        html = description.get_text() if description is not None else ""
        warning, body = _split_content_warning(html)
        alt_texts = [
            d.get_text().strip()
            for media in item.find_all("content", recursive=False)
            if media.prefix == "media"
            for d in media.find_all("description")
            if d.get_text().strip()
        ]
        pub_date = item.find("pubDate", recursive=False)
        posts.append(
            Post(
                platform=PLATFORM,
                account_url=account_url,
                post_id=post_id_of(account_url, match.group(2)),
                url=link,
                posted_at=parse_http_date(pub_date.get_text().strip() if pub_date else None),
                captured_at=capture.captured_at,
                text=html_to_text(body),
                raw=str(item),
                source="rss",
                content_warning=warning,
                alt_texts=alt_texts,
                capture=capture,
            )
        )
    return posts


def parse_status_page(
    response: Response, account_url: str, page_url: str | None = None, *, source: str = "html"
) -> list[Post]:
    """A Mastodon status page (``/@user/<id>``), as served live or from an archive.

    Mastodon 4 serves an app shell with the status in Open Graph tags; older versions
    rendered it with microformats (``.h-entry .e-content``, ``.p-summary``).
    """
    match = STATUS_PATH.match(urlsplit(page_url or response.url).path)
    if not match:
        return []
    text, _clean = decode_text(response)
    soup = BeautifulSoup(text, "html.parser")
    entry = soup.select_one(".h-entry")
    warning = ""
    body = ""
    alt_texts: list[str] = []
    posted_at = None
    if entry is not None:
        content = entry.select_one(".e-content")
        summary = entry.select_one(".p-summary")
        body = html_to_text(str(content)) if content is not None else ""
        warning = summary.get_text().strip() if summary is not None else ""
        alt_texts = [img["alt"] for img in entry.select(".media-gallery img[alt]") if img["alt"]]
        published = entry.select_one("time.dt-published, data.dt-published")
        if published is not None:
            posted_at = parse_iso(published.get("datetime") or published.get("value"))
    if not body:
        description = soup.find("meta", attrs={"property": "og:description"})
        body = (description.get("content") or "").strip() if description else ""
    if posted_at is None:
        published_meta = soup.find("meta", attrs={"property": "og:published_time"})
        if published_meta is not None:
            posted_at = parse_iso(published_meta.get("content"))
    if not body and not warning:
        raise BadResponse("unexpected_shape", f"no status text in {response.url}")
    capture = capture_of(response)
    canonical = soup.find("link", attrs={"rel": "canonical"})
    url = canonical.get("href") if canonical is not None else None
    return [
        Post(
            platform=PLATFORM,
            account_url=account_url,
            post_id=post_id_of(account_url, match.group(2)),
            url=url or f"{account_url}/{match.group(2)}",
            posted_at=posted_at,
            captured_at=capture.captured_at,
            text=body,
            raw=text,
            source=source,
            content_warning=warning,
            alt_texts=alt_texts,
            capture=capture,
        )
    ]
