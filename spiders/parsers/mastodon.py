"""Mastodon: REST API statuses, the account RSS feed and (archived) status pages."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from scrapy.http import Response

from monitor.items import Capture, Post
from spiders.parsers.common import (
    BadResponse,
    capture_of,
    decode_text,
    html_to_text,
    language_tag,
    load_json,
    now_utc,
    parse_http_date,
    parse_iso,
    str_or_empty,
    str_or_none,
)

__all__ = [
    "account_state",
    "edit_mark",
    "is_cursor_id",
    "is_status_id",
    "link_url",
    "parse_account",
    "parse_links",
    "parse_rss",
    "parse_status_page",
    "parse_statuses",
    "post_id_of",
    "status_id_key",
    "status_id_of",
    "status_to_post",
]

PLATFORM = "mastodon"
STATUS_PATH = re.compile(r"^/@([A-Za-z0-9_]+)(?:@[^/]+)?/([0-9]+)/?$")
# Ids kept as posts: Mastodon's snowflakes, and the flake ids / ULIDs of other servers that
# speak its API. Anything else (a path, 2,000 digits, spaces) makes the status unusable.
STATUS_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Ids that may be a resume point (``since_id``): a 64-bit integer (Mastodon's snowflakes) has
# at most 20 digits; a string id that is not all digits (a GoToSocial ULID, a Pleroma flake
# id) is a sortable string. An all-digit id of more than 20 digits is neither.
NUMERIC_CURSOR_ID = re.compile(r"^[0-9]{1,20}$")
CURSOR_WIDTH = 20
# RFC 8288 ``Link`` field pieces: a link-param name or unquoted value is a token.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
DEFAULT_PORTS = {"http": 80, "https": 443}

logger = logging.getLogger(__name__)


def post_id_of(account_url: str, status_id: str) -> str:
    """The ``Post.post_id`` of a status: its canonical URL ``https://host/@user/<id>``, unique
    across servers (bare status ids are only unique within one server)."""
    return f"{account_url.rstrip('/')}/{status_id}"


def status_id_of(post_id: str) -> str:
    """The server's status id inside a ``post_id``."""
    return post_id.rsplit("/", 1)[-1]


def is_status_id(value: Any) -> bool:
    """True for an id a status can be stored under (see ``STATUS_ID``)."""
    return isinstance(value, str) and STATUS_ID.match(value) is not None


def is_cursor_id(value: Any) -> bool:
    """True for an id that may be a resume point: 1 to 20 ASCII digits (a 64-bit integer),
    or a status id (``is_status_id``) that is not all digits (a ULID, a flake id)."""
    if not is_status_id(value):
        return False
    return NUMERIC_CURSOR_ID.match(value) is not None or not value.isdigit()


def status_id_key(status_id: str | None) -> tuple[int, int, str]:
    """Sort key of a Mastodon id (the API documents ids as strings, not always numbers).

    Numeric ids (1 to 20 digits) sort by their value, above every other id; string cursor
    ids (``is_cursor_id``: ULIDs, flake ids, fixed-length and sortable) sort by length, then
    as strings; every other id sorts lowest, all equal, so it never wins a cursor.
    """
    if not isinstance(status_id, str) or not is_cursor_id(status_id):
        return (0, 0, "")
    if NUMERIC_CURSOR_ID.match(status_id):
        return (2, 0, status_id.rjust(CURSOR_WIDTH, "0"))
    return (1, len(status_id), status_id)


def _http_url(base: str, url: str) -> str | None:
    """``url`` made absolute against ``base`` if the result is an http(s) URL, else None
    (also for a blank ``url``, which would name ``base`` itself)."""
    if not url.strip():
        return None
    try:
        joined = urljoin(base, url.strip())
        scheme = urlsplit(joined).scheme
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    return joined if scheme in DEFAULT_PORTS else None


def _origin(url: str) -> tuple[str, int] | None:
    """``(host, port)`` of an http(s) URL with the scheme's default port filled in."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if port is None or parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.hostname, port


def _quoted_string(field: str, start: int) -> tuple[str, int]:
    """The RFC 9110 quoted-string opening at ``field[start]`` (a ``"``), unescaped, and the
    index after it (an unclosed one runs to the end of the field)."""
    chars: list[str] = []
    index = start + 1
    while index < len(field):
        char = field[index]
        if char == "\\" and index + 1 < len(field):
            chars.append(field[index + 1])
            index += 2
            continue
        if char == '"':
            return "".join(chars), index + 1
        chars.append(char)
        index += 1
    return "".join(chars), index


def _skip_to(field: str, index: int, stops: str) -> int:
    """The index of the first of ``stops`` at or after ``index`` outside a quoted string."""
    while index < len(field) and field[index] not in stops:
        if field[index] == '"':
            index = _quoted_string(field, index)[1]
        else:
            index += 1
    return index


def parse_links(field: str) -> list[tuple[str, dict[str, str]]]:
    """The link-values of an RFC 8288 ``Link`` field: ``(URI-Reference, params)`` pairs.

    Parameter names are lower-cased and only the first occurrence of each is kept (RFC 8288
    section 3.3); a value may be a token or a quoted string (commas and semicolons inside it
    are text). A malformed link-value is skipped up to the next comma.
    """
    links: list[tuple[str, dict[str, str]]] = []
    index = 0
    while index < len(field):
        while index < len(field) and field[index] in " \t,":
            index += 1
        if index >= len(field):
            break
        if field[index] != "<":
            index = _skip_to(field, index + 1, ",")
            continue
        close = field.find(">", index)
        if close < 0:  # (no later link-value can be complete either)
            break
        target = field[index + 1 : close].strip()
        params: dict[str, str] = {}
        index = close + 1
        while True:
            while index < len(field) and field[index] in " \t":
                index += 1
            if index >= len(field) or field[index] != ";":
                break
            index += 1
            while index < len(field) and field[index] in " \t":
                index += 1
            name = _TOKEN.match(field, index)
            if name is None:
                index = _skip_to(field, index, ";,")
                continue
            index = name.end()
            while index < len(field) and field[index] in " \t":
                index += 1
            value = ""
            if index < len(field) and field[index] == "=":
                index += 1
                while index < len(field) and field[index] in " \t":
                    index += 1
                if index < len(field) and field[index] == '"':
                    value, index = _quoted_string(field, index)
                elif token := _TOKEN.match(field, index):
                    value, index = token.group(), token.end()
            params.setdefault(name.group().lower(), value)
        links.append((target, params))
        index = _skip_to(field, index, ",")
    return links


def link_url(response: Response, rel: str) -> str | None:
    """The URL of the first link whose relation types (``rel``, case-insensitive, possibly
    several separated by spaces) include ``rel`` (``next`` or ``prev``), read from every
    ``Link`` header line; only when it is http(s) on the response's own host and port (else
    None, with a warning)."""
    lines = response.headers.getlist(b"Link")
    links = [link for line in lines for link in parse_links(line.decode("latin-1"))]
    for url, params in links:
        if rel.lower() not in params.get("rel", "").lower().split():
            continue
        joined = _http_url(response.url, url)
        if joined is None or _origin(joined) != _origin(response.url):
            logger.warning(
                "Ignoring Link rel=%s of %s: not http(s) on the same host and port",
                rel,
                response.url,
            )
            return None
        return joined
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
    """The body of a status as plain text; a ``content`` that is not a string is empty."""
    return html_to_text(str_or_empty(status.get("content")))


def _poll_options(status: dict[str, Any]) -> list[str]:
    """The non-blank string titles of the options of a status's poll."""
    poll = status.get("poll")
    options = poll.get("options") if isinstance(poll, dict) else None
    if not isinstance(options, list):
        return []
    titles = (str_or_empty(o.get("title")) if isinstance(o, dict) else "" for o in options)
    return [title for title in titles if title.strip()]


def _body(status: dict[str, Any]) -> str:
    """What a reader sees as the status's own text: its body, then its poll options, one
    per line."""
    parts = [_plain(status), *_poll_options(status)]
    return "\n".join(part for part in parts if part)


def _alt_texts(status: dict[str, Any]) -> list[str]:
    """The non-blank string ``description``s of a status's media attachments."""
    media_list = status.get("media_attachments")
    if not isinstance(media_list, list):
        return []
    texts = []
    for media in media_list:
        description = str_or_empty(media.get("description")) if isinstance(media, dict) else ""
        if description.strip():
            texts.append(description)
    return texts


def _quoted_status(status: dict[str, Any]) -> dict[str, Any] | None:
    """The status a status quotes (Mastodon 4.4+: ``quote`` is a Quote entity whose
    ``quoted_status`` is the Status, or null while not accepted), if shown in full."""
    quote = status.get("quote")
    quoted = quote.get("quoted_status") if isinstance(quote, dict) else None
    return quoted if isinstance(quoted, dict) else None


def _quoted(status: dict[str, Any], *, depth: int = 2) -> tuple[str, list[str]]:
    """Text (content warning and body, one per line) and alt texts of a boosted or quoted
    status, with the status it quotes in turn (a boost of a quote post shows both), down
    to ``depth`` statuses."""
    parts = [str_or_empty(status.get("spoiler_text")), _body(status)]
    alt_texts = _alt_texts(status)
    inner = _quoted_status(status)
    if inner is not None and depth > 1:
        inner_text, inner_alts = _quoted(inner, depth=depth - 1)
        parts.append(inner_text)
        alt_texts += inner_alts
    return "\n".join(part for part in parts if part), alt_texts


def _status_url(status: dict[str, Any], reblog: dict[str, Any] | None, base: str) -> str | None:
    """The first http(s) URL among the status's ``url``, the boost's ``url`` and the status's
    ``uri``, made absolute against ``base``."""
    for value in (status.get("url"), (reblog or {}).get("url"), status.get("uri")):
        candidate = str_or_none(value)
        url = _http_url(base, candidate) if candidate is not None else None
        if url is not None:
            return url
    return None


def status_to_post(
    status: dict[str, Any],
    account_url: str,
    capture: Capture | None,
    *,
    source: str = "api",
    captured_at: datetime | None = None,
    base_url: str | None = None,
) -> Post:
    """One Status entity as a ``Post``: body and poll options, content warning, alt texts,
    boosted or quoted text (with the status a boosted quote post quotes).

    A status that is not an object or has no usable id (``is_status_id``) is a
    ``BadResponse``; any other field of the wrong type counts as missing. A relative ``url``
    is made absolute against ``base_url`` (default: ``account_url``).
    """
    if not isinstance(status, dict):
        raise BadResponse("unexpected_shape", "a Mastodon status that is not an object")
    if not is_status_id(status.get("id")):
        raise BadResponse("unexpected_shape", "a Mastodon status without a usable id")
    reblog = status.get("reblog") if isinstance(status.get("reblog"), dict) else None
    shown = reblog or _quoted_status(status)
    alt_texts = _alt_texts(status)
    quoted_text = ""
    if shown is not None:
        quoted_text, shown_alts = _quoted(shown)
        alt_texts += shown_alts
    language = language_tag(status.get("language")) or language_tag((reblog or {}).get("language"))
    url = _status_url(status, reblog, base_url or account_url) or account_url
    captured = captured_at or (capture.captured_at if capture else now_utc())
    return Post(
        platform=PLATFORM,
        account_url=account_url,
        post_id=post_id_of(account_url, status["id"]),
        url=url,
        posted_at=parse_iso(status.get("created_at")),
        captured_at=captured,
        text=_body(status),
        raw=json.dumps(status, ensure_ascii=False, sort_keys=True),
        source=source,
        language=language,
        content_warning=str_or_empty(status.get("spoiler_text")),
        alt_texts=alt_texts,
        quoted_text=quoted_text,
        capture=capture,
    )


def edit_mark(post: Post) -> str:
    """A short digest of the ``edited_at`` values a post read from the API shows (on its
    status, the status it boosts, the status it quotes); "" when it shows no edit."""
    try:
        status = json.loads(post.raw)
    except (ValueError, RecursionError):
        return ""
    if not isinstance(status, dict):
        return ""
    reblog = status.get("reblog") if isinstance(status.get("reblog"), dict) else None
    shown = [status, reblog, _quoted_status(status), _quoted_status(reblog or {})]
    edits = [str_or_none(s.get("edited_at")) for s in shown if s is not None]
    if not any(edits):
        return ""
    return hashlib.sha256(repr(edits).encode("utf-8", "surrogatepass")).hexdigest()[:12]


def parse_statuses(
    response: Response, account_url: str, *, problems: list[str] | None = None
) -> list[Post]:
    """The statuses of one ``/api/v1/accounts/:id/statuses`` page, newest first.

    A page that is not a list is a ``BadResponse``; a malformed status in it is skipped,
    logged and noted in ``problems`` (``malformed_item``), and the others kept.
    """
    statuses = load_json(response)
    if not isinstance(statuses, list):
        raise BadResponse("unexpected_shape", f"not a list of statuses from {response.url}")
    capture = capture_of(response)
    posts = []
    for index, status in enumerate(statuses):
        try:
            posts.append(status_to_post(status, account_url, capture, base_url=response.url))
        except BadResponse as problem:
            logger.warning("Skipped status %d of %s: %s", index, response.url, problem)
            if problems is not None:
                problems.append("malformed_item")
    return posts


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


def _rss_post(item: Tag, account_url: str, capture: Capture) -> Post | None:
    """One ``<item>`` of an account feed as a ``Post``; None when its link is no status."""
    link_tag = item.find("link", recursive=False) or item.find("guid", recursive=False)
    link = link_tag.get_text().strip() if link_tag is not None else ""
    match = STATUS_PATH.match(urlsplit(link).path)
    if not match:
        return None
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
    return Post(
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


def parse_rss(
    response: Response, account_url: str, *, problems: list[str] | None = None
) -> list[Post]:
    """The posts of a Mastodon account feed (``/@user.rss``): no boosts, alt texts kept.

    Mastodon writes each status as an ``<item>`` with ``<link>``, ``<pubDate>``, the HTML body
    in ``<description>`` (a content warning first, as ``<p>CW</p><hr />``) and one
    ``<media:content>`` per attachment whose ``<media:description>`` is the alt text. An item
    that cannot be read is skipped, logged and noted in ``problems`` (``malformed_item``);
    the others are kept.
    """
    text, _clean = decode_text(response)
    soup = BeautifulSoup(text, "xml")
    if soup.find("rss") is None and soup.find("channel") is None:
        raise BadResponse("malformed_feed", f"not an RSS document: {response.url}")
    capture = capture_of(response)
    posts = []
    for index, item in enumerate(soup.find_all("item")):
        try:
            post = _rss_post(item, account_url, capture)
        except (ValueError, TypeError, OverflowError) as problem:
            logger.warning("Skipped item %d of %s: %s", index, response.url, problem)
            if problems is not None:
                problems.append("malformed_item")
            continue
        if post is not None:
            posts.append(post)
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
