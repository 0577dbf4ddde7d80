"""Bluesky AppView XRPC shapes: ``app.bsky.actor.getProfile``, ``app.bsky.feed.getAuthorFeed``
(feedViewPost with images, quote and recordWithMedia embed views, reposts) and XRPC errors."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any

from monitor.replay.data import SynthPost

ACCOUNTS: dict[str, dict[str, Any]] = {
    "leaky.bsky.test": {"count": 230},
    "growing.bsky.test": {"count": 30},
    "takendown.bsky.test": {"error": ("AccountTakedown", "Account has been suspended")},
    "deactivated.bsky.test": {"error": ("AccountDeactivated", "Account is deactivated")},
    "ratelimited.bsky.test": {"count": 30, "scenario": "429"},
    "garbled.bsky.test": {"count": 30, "scenario": "malformed"},
}
TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"
OTHER_HANDLE = "someone.bsky.test"


def did_of(handle: str) -> str:
    """A did:plc identifier (24 base32 characters) derived from the handle."""
    digest = hashlib.sha256(handle.encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


HANDLE_OF_DID = {did_of(h): h for h in [*ACCOUNTS, OTHER_HANDLE]}


def cid_of(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "bafyrei" + base64.b32encode(digest).decode().lower().rstrip("=")[:52]


def tid(moment: datetime, clock: int) -> str:
    """A record key TID: microseconds since the epoch and a clock id, base32-sortable."""
    value = (int(moment.timestamp() * 1_000_000) << 10) | (clock & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(TID_CHARS[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def author(handle: str) -> dict[str, Any]:
    did = did_of(handle)
    return {
        "did": did,
        "handle": handle,
        "displayName": f"{handle.split('.')[0].title()} (synthetic)",
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/{cid_of(handle)}@jpeg",
        "associated": {"chat": {"allowIncoming": "following"}},
        "labels": [],
        "createdAt": "2025-01-10T00:00:00.000Z",
    }


def profile(handle: str, count: int) -> dict[str, Any]:
    view = author(handle)
    view.update(
        {
            "description": "Synthetic test account. Not a real person.",
            "banner": None,
            "followersCount": 12,
            "followsCount": 3,
            "postsCount": count,
            "indexedAt": "2025-01-10T00:00:00.000Z",
            "pinnedPost": None,
        }
    )
    return {k: v for k, v in view.items() if v is not None}


def _images(did: str, post: SynthPost) -> tuple[dict, dict]:
    record_images, view_images = [], []
    for i, alt in enumerate(post.alt_texts):
        cid = cid_of(f"{did}:{post.index}:img{i}")
        record_images.append(
            {
                "alt": alt,
                "image": {
                    "$type": "blob",
                    "ref": {"$link": cid},
                    "mimeType": "image/jpeg",
                    "size": 183_211,
                },
                "aspectRatio": {"width": 1200, "height": 900},
            }
        )
        view_images.append(
            {
                "thumb": f"https://cdn.bsky.app/img/feed_thumbnail/plain/{did}/{cid}@jpeg",
                "fullsize": f"https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg",
                "alt": alt,
                "aspectRatio": {"width": 1200, "height": 900},
            }
        )
    return (
        {"$type": "app.bsky.embed.images", "images": record_images},
        {"$type": "app.bsky.embed.images#view", "images": view_images},
    )


def _other_post(post: SynthPost) -> tuple[str, str, dict]:
    other_did = did_of(OTHER_HANDLE)
    rkey = tid(post.created_at, 999)
    uri = f"at://{other_did}/app.bsky.feed.post/{rkey}"
    value = {
        "$type": "app.bsky.feed.post",
        "createdAt": iso(post.created_at),
        "langs": ["en"],
        "text": post.quoted_text,
    }
    return uri, cid_of(uri), value


def feed_item(handle: str, post: SynthPost) -> dict[str, Any]:
    """One ``app.bsky.feed.defs#feedViewPost`` of the account ``handle``."""
    did = did_of(handle)
    if post.kind == "boost":
        uri, cid, value = _other_post(post)
        return {
            "post": {
                "uri": uri,
                "cid": cid,
                "author": author(OTHER_HANDLE),
                "record": value,
                "bookmarkCount": 0,
                "replyCount": 0,
                "repostCount": 1,
                "likeCount": 2,
                "quoteCount": 0,
                "indexedAt": iso(post.created_at),
                "labels": [],
            },
            "reason": {
                "$type": "app.bsky.feed.defs#reasonRepost",
                "by": author(handle),
                "uri": f"at://{did}/app.bsky.feed.repost/{tid(post.created_at, 7)}",
                "cid": cid_of(f"repost:{post.index}"),
                "indexedAt": iso(post.created_at),
            },
        }
    rkey = tid(post.created_at, post.index)
    uri = f"at://{did}/app.bsky.feed.post/{rkey}"
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "createdAt": iso(post.created_at),
        "langs": [post.language],
        "text": post.text,
    }
    embed_view = None
    if post.kind == "quote":
        quoted_uri, quoted_cid, value = _other_post(post)
        view_record = {
            "$type": "app.bsky.embed.record#viewRecord",
            "uri": quoted_uri,
            "cid": quoted_cid,
            "author": author(OTHER_HANDLE),
            "value": value,
            "labels": [],
            "likeCount": 0,
            "replyCount": 0,
            "repostCount": 0,
            "quoteCount": 1,
            "indexedAt": iso(post.created_at),
            "embeds": [],
        }
        strong_ref = {"uri": quoted_uri, "cid": quoted_cid}
        if post.alt_texts:
            images, images_view = _images(did, post)
            record["embed"] = {
                "$type": "app.bsky.embed.recordWithMedia",
                "record": {"$type": "app.bsky.embed.record", "record": strong_ref},
                "media": images,
            }
            embed_view = {
                "$type": "app.bsky.embed.recordWithMedia#view",
                "record": {"record": view_record},
                "media": images_view,
            }
        else:
            record["embed"] = {"$type": "app.bsky.embed.record", "record": strong_ref}
            embed_view = {"$type": "app.bsky.embed.record#view", "record": view_record}
    elif post.alt_texts:
        record["embed"], embed_view = _images(did, post)
    view: dict[str, Any] = {
        "uri": uri,
        "cid": cid_of(uri),
        "author": author(handle),
        "record": record,
    }
    if embed_view is not None:
        view["embed"] = embed_view
    view.update(
        {
            "bookmarkCount": 0,
            "replyCount": 0,
            "repostCount": 0,
            "likeCount": post.index % 5,
            "quoteCount": 0,
            "indexedAt": iso(post.created_at),
            "labels": [],
        }
    )
    return {"post": view}


def author_feed(handle: str, posts_desc: list[SynthPost], query: dict[str, str]) -> dict[str, Any]:
    """A page of the author feed: newest first, ``cursor`` = sort time of the last item."""
    try:
        limit = max(1, min(100, int(query.get("limit", "50"))))
    except ValueError:
        limit = 50
    cursor = query.get("cursor")
    chosen = [p for p in posts_desc if cursor is None or iso(p.created_at) < cursor][:limit]
    body: dict[str, Any] = {"feed": [feed_item(handle, p) for p in chosen]}
    if len(chosen) == limit and chosen[-1] is not posts_desc[-1]:
        body["cursor"] = iso(chosen[-1].created_at)
    return body
