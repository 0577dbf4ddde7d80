"""Bluesky: ``app.bsky.actor.getProfile`` and ``app.bsky.feed.getAuthorFeed`` responses."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scrapy.http import Response

from monitor.items import Capture, Post
from spiders.parsers.common import (
    BadResponse,
    capture_of,
    language_tag,
    load_json,
    now_utc,
    parse_iso,
    str_or_empty,
    str_or_none,
)

__all__ = [
    "FeedEntry",
    "error_state",
    "feed_item_to_post",
    "indexed_at",
    "parse_author_feed",
    "parse_author_feed_entries",
    "parse_profile",
    "web_url",
    "xrpc_error",
]

PLATFORM = "bluesky"
IMAGES_VIEW = "app.bsky.embed.images#view"
VIDEO_VIEW = "app.bsky.embed.video#view"
EXTERNAL_VIEW = "app.bsky.embed.external#view"
EXTERNAL = "app.bsky.embed.external"
RECORD_VIEW = "app.bsky.embed.record#view"
RECORD_WITH_MEDIA_VIEW = "app.bsky.embed.recordWithMedia#view"
VIEW_RECORD = "app.bsky.embed.record#viewRecord"
REPOST = "app.bsky.feed.defs#reasonRepost"
PIN = "app.bsky.feed.defs#reasonPin"
# How many levels of quoted posts are read: the quoted post, and the post it quotes in turn
# (a bound, so that a body nesting quotes without end costs no more than two levels).
QUOTE_DEPTH = 2

POST_ID_MAX = 512  # the width of ``posts.post_id``

logger = logging.getLogger(__name__)


def _at_uri(value: Any) -> str | None:
    """``value`` if it is an ``at://`` URI short enough to be a post id, else None."""
    uri = str_or_empty(value)
    return uri if uri.startswith("at://") and len(uri) <= POST_ID_MAX else None


def _dict(value: Any) -> dict[str, Any]:
    """``value`` if it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """``value`` if it is an array, else an empty one."""
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class FeedEntry:
    """One item of an author feed: its ``Post``, the server's time for it (``indexedAt``)
    and whether it is the pinned post the feed may list first whatever its age."""

    post: Post
    indexed_at: datetime | None
    pinned: bool = False


def _alts_of_images(images: Any) -> list[str]:
    """The string ``alt`` of each image object in ``images``."""
    return [str_or_empty(image.get("alt")) for image in _list(images) if isinstance(image, dict)]


def web_url(at_uri: str) -> str:
    """``at://<did>/app.bsky.feed.post/<rkey>`` -> ``https://bsky.app/profile/<did>/post/<rkey>``."""
    parts = at_uri.removeprefix("at://").split("/")
    if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
        return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"
    return at_uri


def xrpc_error(response: Response) -> tuple[str, str] | None:
    """``(error, message)`` of an XRPC error body, or None when the body is not one."""
    try:
        body = json.loads(response.body)
    except (ValueError, RecursionError):  # (nesting too deep to parse is no error body either)
        return None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"], str(body.get("message") or "")
    return None


def error_state(error: str, message: str) -> str | None:
    """The account state an XRPC error means, or None when it says nothing of the account."""
    if error == "AccountTakedown":
        return "suspended"
    if error == "AccountDeactivated":
        return "not_found"
    if error == "InvalidRequest" and "not found" in message.lower():
        return "not_found"
    if error == "BlockedActor":
        return "private"
    return None


def parse_profile(response: Response) -> dict[str, Any]:
    profile = load_json(response)
    if not isinstance(profile, dict) or not isinstance(profile.get("did"), str):
        raise BadResponse("unexpected_shape", f"not a Bluesky profile from {response.url}")
    return profile


def _alt_texts_of_view(embed: Any) -> list[str]:
    """Alt texts of an embed view: images, video, the media half of recordWithMedia."""
    if not isinstance(embed, dict):
        return []
    kind = embed.get("$type")
    if kind == IMAGES_VIEW:
        return _alts_of_images(embed.get("images"))
    if kind == VIDEO_VIEW:
        return [str_or_empty(embed.get("alt"))]
    if kind == RECORD_WITH_MEDIA_VIEW:
        return _alt_texts_of_view(embed.get("media"))
    return []


def _alt_texts_of_record(embed: Any) -> list[str]:
    """Alt texts from the record itself (when the AppView sent no view)."""
    if not isinstance(embed, dict):
        return []
    if embed.get("$type") == "app.bsky.embed.images":
        return _alts_of_images(embed.get("images"))
    if embed.get("$type") == "app.bsky.embed.recordWithMedia":
        return _alt_texts_of_record(embed.get("media"))
    if embed.get("$type") == "app.bsky.embed.video":
        return [str_or_empty(embed.get("alt"))]
    return []


def _quoted_record(embed: Any) -> dict[str, Any] | None:
    """The ``viewRecord`` a post quotes (record or recordWithMedia view)."""
    if not isinstance(embed, dict):
        return None
    if embed.get("$type") == RECORD_VIEW:
        record = embed.get("record")
    elif embed.get("$type") == RECORD_WITH_MEDIA_VIEW:
        record = _dict(embed.get("record")).get("record")
    else:
        return None
    if isinstance(record, dict) and record.get("$type") == VIEW_RECORD:
        return record
    return None


def _card_of(external: Any) -> list[str]:
    """The non-blank string title and description of an ``external`` link card object."""
    card = _dict(external)
    texts = (str_or_empty(card.get("title")), str_or_empty(card.get("description")))
    return [text for text in texts if text.strip()]


def _card_of_view(embed: Any) -> list[str]:
    """Title and description of the link card of an embed view: an ``external#view``, or the
    media half of a ``recordWithMedia#view`` when it is one."""
    embed = _dict(embed)
    if embed.get("$type") == RECORD_WITH_MEDIA_VIEW:
        embed = _dict(embed.get("media"))
    if embed.get("$type") == EXTERNAL_VIEW:
        return _card_of(embed.get("external"))
    return []


def _card_of_record(embed: Any) -> list[str]:
    """Title and description of the link card in the record itself (when the AppView sent
    no view): ``app.bsky.embed.external``, or the media half of ``recordWithMedia``."""
    embed = _dict(embed)
    if embed.get("$type") == "app.bsky.embed.recordWithMedia":
        embed = _dict(embed.get("media"))
    if embed.get("$type") == EXTERNAL:
        return _card_of(embed.get("external"))
    return []


def _with_card(text: str, card: list[str]) -> str:
    """``text`` with the link card's lines after it, a blank line between."""
    return "\n\n".join(part for part in (text, "\n".join(card)) if part)


def _quoted_texts(embed: Any, depth: int = QUOTE_DEPTH) -> tuple[list[str], list[str]]:
    """Texts (each with its link card) and alt texts of the post ``embed`` quotes, then of
    the post that one quotes, down to ``depth`` levels."""
    quoted = _quoted_record(embed) if depth > 0 else None
    if quoted is None:
        return [], []
    value = _dict(quoted.get("value"))
    inner_views = _list(quoted.get("embeds"))
    card: list[str] = []
    alts: list[str] = []
    texts: list[str] = []
    for inner in inner_views:
        card += _card_of_view(inner)
        alts += _alt_texts_of_view(inner)
    if not inner_views:
        card = _card_of_record(value.get("embed"))
    texts.append(_with_card(str_or_empty(value.get("text")), card))
    for inner in inner_views:
        deeper_texts, deeper_alts = _quoted_texts(inner, depth - 1)
        texts += deeper_texts
        alts += deeper_alts
    return [text for text in texts if text], alts


def _texts(post: dict[str, Any]) -> tuple[str, list[str], str]:
    """Body (with its link card), alt texts (own and quoted) and quoted text (the quoted
    posts' texts and link cards, ``QUOTE_DEPTH`` levels) of a ``postView``."""
    record = _dict(post.get("record"))
    card = _card_of_view(post.get("embed")) or _card_of_record(record.get("embed"))
    text = _with_card(str_or_empty(record.get("text")), card)
    alts = _alt_texts_of_view(post.get("embed")) or _alt_texts_of_record(record.get("embed"))
    quoted_texts, quoted_alts = _quoted_texts(post.get("embed"))
    alts += quoted_alts
    return text, [a for a in alts if a.strip()], "\n\n".join(quoted_texts)


def _language(record: dict[str, Any]) -> str | None:
    """The first of the record's ``langs``, if it is a language tag."""
    langs = _list(record.get("langs"))
    return language_tag(langs[0]) if langs else None


def feed_item_to_post(item: dict[str, Any], account_url: str, capture: Capture | None) -> Post:
    """One ``feedViewPost``: an own post, or a repost (its text goes to ``quoted_text``).

    An item that is not an object, or whose post has no ``at://`` uri, is a ``BadResponse``;
    any other field of the wrong type counts as missing.
    """
    post = item.get("post") if isinstance(item, dict) else None
    if not isinstance(post, dict):
        raise BadResponse("unexpected_shape", "a Bluesky feed item without a post")
    if _at_uri(post.get("uri")) is None:
        raise BadResponse("unexpected_shape", "a Bluesky post without a usable at:// uri")
    record = _dict(post.get("record"))
    text, alts, quoted_text = _texts(post)
    reason = item.get("reason") if isinstance(item.get("reason"), dict) else None
    captured = capture.captured_at if capture else now_utc()
    common = {
        "platform": PLATFORM,
        "account_url": account_url,
        "url": web_url(post["uri"]),
        "raw": json.dumps(item, ensure_ascii=False, sort_keys=True),
        "source": "api",
        "language": _language(record),
        "alt_texts": alts,
        "capture": capture,
    }
    if reason is not None and reason.get("$type") == REPOST:
        reposted = "\n\n".join(t for t in (text, quoted_text) if t)
        return Post(
            post_id=_at_uri(reason.get("uri")) or f"repost:{post['uri']}",
            posted_at=parse_iso(reason.get("indexedAt")),
            captured_at=captured,
            text="",
            quoted_text=reposted,
            **common,
        )
    return Post(
        post_id=post["uri"],
        posted_at=parse_iso(record.get("createdAt")) or parse_iso(post.get("indexedAt")),
        captured_at=captured,
        text=text,
        quoted_text=quoted_text,
        **common,
    )


def indexed_at(item: Any) -> datetime | None:
    """When the AppView indexed a ``feedViewPost`` (server time, unlike the client-set
    ``createdAt``): the repost's ``reason.indexedAt`` for a repost, else ``post.indexedAt``;
    a server that leaves it out gets the record's ``createdAt`` (else every crawl would
    page through the whole history and yield it again)."""
    if not isinstance(item, dict):
        return None
    reason = _dict(item.get("reason"))
    post = _dict(item.get("post"))
    moment = None
    if reason.get("$type") == REPOST:
        moment = parse_iso(str_or_none(reason.get("indexedAt")))
    return (
        moment
        or parse_iso(str_or_none(post.get("indexedAt")))
        or parse_iso(str_or_none(_dict(post.get("record")).get("createdAt")))
    )


def parse_author_feed_entries(
    response: Response, account_url: str, *, problems: list[str] | None = None
) -> tuple[list[FeedEntry], str | None]:
    """The entries of one ``getAuthorFeed`` page (in the feed's order) and the next cursor.

    A body without a ``feed`` array is a ``BadResponse``; a malformed item in it is skipped,
    logged and noted in ``problems`` (``malformed_item``), and the others kept.
    """
    body = load_json(response)
    if not isinstance(body, dict) or not isinstance(body.get("feed"), list):
        raise BadResponse("unexpected_shape", f"not an author feed from {response.url}")
    capture = capture_of(response)
    entries = []
    for index, item in enumerate(body["feed"]):
        try:
            post = feed_item_to_post(item, account_url, capture)
        except BadResponse as problem:
            logger.warning("Skipped feed item %d of %s: %s", index, response.url, problem)
            if problems is not None:
                problems.append("malformed_item")
            continue
        pinned = _dict(item.get("reason")).get("$type") == PIN
        entries.append(FeedEntry(post, indexed_at(item), pinned))
    cursor = body.get("cursor")
    return entries, cursor if isinstance(cursor, str) and cursor else None


def parse_author_feed(
    response: Response, account_url: str, *, problems: list[str] | None = None
) -> tuple[list[Post], str | None]:
    """The posts of one ``getAuthorFeed`` page (newest first) and the cursor of the next
    (see :func:`parse_author_feed_entries`)."""
    entries, cursor = parse_author_feed_entries(response, account_url, problems=problems)
    return [entry.post for entry in entries], cursor
