"""Mastodon REST API v1 shapes (Account, Status, MediaAttachment), paging and account RSS."""

from __future__ import annotations

import hashlib
import html
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from monitor.replay.data import SynthPost

# username -> scenario. ``count`` posts exist at start; ``scenario`` names an error shape.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "leaky": {"id": "109300000000000101", "count": 230},
    "growing": {"id": "109300000000000102", "count": 30},
    "suspended": {"id": "109300000000000103", "count": 0, "suspended": True},
    "gone": {"id": "109300000000000104", "scenario": "gone"},
    "locked": {"id": "109300000000000105", "count": 25, "scenario": "unauthorized"},
    "ratelimited": {"id": "109300000000000106", "count": 45, "scenario": "429"},
    "flaky": {"id": "109300000000000107", "count": 30, "scenario": "500"},
    "garbled": {"id": "109300000000000108", "count": 30, "scenario": "malformed"},
    "badbytes": {"id": "109300000000000109", "count": 30, "scenario": "badutf8"},
    "huge": {"id": "109300000000000110", "count": 30, "scenario": "huge"},
}
RSS_ITEMS = 20


def iso_ms(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def status_id(post: SynthPost) -> str:
    """A Mastodon snowflake: milliseconds since the epoch shifted 16 bits, plus a sequence."""
    return str((int(post.created_at.timestamp() * 1000) << 16) + post.index % 65536)


def content_html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p]
    return "".join(
        "<p>" + "<br />".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def account_json(base: str, username: str, *, count: int, suspended: bool = False) -> dict:
    info = ACCOUNTS.get(username, {"id": "109300000000000999"})
    account: dict[str, Any] = {
        "id": info["id"],
        "username": username,
        "acct": username,
        "display_name": "" if suspended else f"{username.title()} (synthetic)",
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": "2025-01-10T00:00:00.000Z",
        "note": "" if suspended else "<p>Synthetic test account. Not a real person.</p>",
        "url": f"{base}/@{username}",
        "uri": f"{base}/users/{username}",
        "avatar": f"{base}/avatars/original/missing.png",
        "avatar_static": f"{base}/avatars/original/missing.png",
        "header": f"{base}/headers/original/missing.png",
        "header_static": f"{base}/headers/original/missing.png",
        "followers_count": 0 if suspended else 12,
        "following_count": 0 if suspended else 3,
        "statuses_count": count,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }
    if suspended:
        account["suspended"] = True
    return account


OTHER = {
    "id": "109300000000000777",
    "username": "someone",
    "acct": "someone@other.example",
    "display_name": "Someone Else (synthetic)",
    "url": "https://other.example/@someone",
    "uri": "https://other.example/users/someone",
}


def _media(base: str, post: SynthPost, alts: list[str]) -> list[dict]:
    media = []
    for i, alt in enumerate(alts):
        digest = hashlib.sha1(f"{post.index}:{i}".encode()).hexdigest()[:16]
        media.append(
            {
                "id": f"1093{post.index:08d}{i:02d}",
                "type": "image",
                "url": f"{base}/system/media_attachments/files/{digest}/original/{digest}.png",
                "preview_url": f"{base}/system/media_attachments/files/{digest}/small/{digest}.png",
                "remote_url": None,
                "preview_remote_url": None,
                "text_url": None,
                "meta": {"original": {"width": 640, "height": 480, "size": "640x480"}},
                "description": alt,
                "blurhash": "UeKUpFxuo~R%0nW;WCnhF6RjaJt757oJodS$",
            }
        )
    return media


def _status(base: str, username: str, account: dict, post: SynthPost, sid: str) -> dict:
    return {
        "id": sid,
        "created_at": iso_ms(post.created_at),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": bool(post.content_warning),
        "spoiler_text": post.content_warning,
        "visibility": "public",
        "language": post.language,
        "uri": f"{base}/users/{username}/statuses/{sid}",
        "url": f"{base}/@{username}/{sid}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": post.index % 4,
        "edited_at": None,
        "content": content_html(post.text),
        "reblog": None,
        "application": {"name": "Web", "website": None},
        "account": account,
        "media_attachments": _media(base, post, post.alt_texts),
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def status_json(base: str, username: str, account: dict, post: SynthPost) -> dict:
    sid = status_id(post)
    if post.kind == "boost":
        boosted = _status(
            "https://other.example", "someone", OTHER, _other(post), str(int(sid) - 7)
        )
        wrapper = _status(base, username, account, post, sid)
        wrapper.update(
            {
                "content": "",
                "spoiler_text": "",
                "sensitive": False,
                "language": None,
                "url": None,
                "uri": f"{base}/users/{username}/statuses/{sid}/activity",
                "media_attachments": [],
                "application": None,
                "reblog": boosted,
            }
        )
        return wrapper
    status = _status(base, username, account, post, sid)
    if post.kind == "quote":
        quoted = _status("https://other.example", "someone", OTHER, _other(post), str(int(sid) - 9))
        status["quote"] = {"state": "accepted", "quoted_status": quoted}
    return status


def _other(post: SynthPost) -> SynthPost:
    return SynthPost(
        index=post.index + 100_000,
        created_at=post.created_at,
        text=post.quoted_text,
        language="en",
    )


def page(
    statuses_desc: list[dict], query: dict[str, str]
) -> tuple[list[dict], dict[str, str] | None]:
    """One page of statuses (newest first) and the ids for the Link header, as Mastodon pages:
    ``max_id``/``since_id`` bound from above/below; ``min_id`` pages forward from an id."""
    try:
        limit = max(1, min(40, int(query.get("limit", "20"))))
    except ValueError:
        limit = 20

    def key(s: dict) -> tuple[int, str]:
        return (len(s["id"]), s["id"])

    def bound(name: str) -> tuple[int, str] | None:
        value = query.get(name)
        return (len(value), value) if value else None

    max_id, since_id, min_id = bound("max_id"), bound("since_id"), bound("min_id")
    if min_id is not None:
        ascending = [s for s in reversed(statuses_desc) if key(s) > min_id]
        if max_id is not None:
            ascending = [s for s in ascending if key(s) < max_id]
        chosen = list(reversed(ascending[:limit]))
    else:
        chosen = [
            s
            for s in statuses_desc
            if (max_id is None or key(s) < max_id) and (since_id is None or key(s) > since_id)
        ][:limit]
    if not chosen:
        return chosen, None
    return chosen, {"next": chosen[-1]["id"], "prev": chosen[0]["id"], "limit": str(limit)}


def rss(base: str, username: str, posts_desc: list[SynthPost]) -> bytes:
    """``/@user.rss`` as Mastodon renders it: own posts only, CW first, alt texts in
    ``media:description``."""
    items = []
    for post in [p for p in posts_desc if p.kind != "boost"][:RSS_ITEMS]:
        sid = status_id(post)
        link = f"{base}/@{username}/{sid}"
        body = content_html(post.text)
        if post.content_warning:
            body = f"<p>{html.escape(post.content_warning)}</p><hr />{body}"
        media = "".join(
            f'<media:content url="{base}/system/media/{sid}-{i}.png" type="image/png" '
            f'fileSize="48213" medium="image"><media:rating scheme="urn:simple">nonadult'
            f'</media:rating><media:description type="plain">{html.escape(alt)}'
            f"</media:description></media:content>"
            for i, alt in enumerate(post.alt_texts)
        )
        items.append(
            f'<item><guid isPermaLink="true">{link}</guid><link>{link}</link>'
            f"<pubDate>{format_datetime(post.created_at)}</pubDate>"
            f"<description>{html.escape(body)}</description>{media}</item>"
        )
    last = format_datetime(posts_desc[0].created_at) if posts_desc else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{username.title()} (synthetic)</title>"
        f"<description>Public posts from @{username}@{base.split('://', 1)[1]}</description>"
        f"<link>{base}/@{username}</link>"
        f"<image><url>{base}/avatars/original/missing.png</url>"
        f"<title>{username.title()} (synthetic)</title><link>{base}/@{username}</link></image>"
        f"<lastBuildDate>{last}</lastBuildDate>"
        f"<webfeeds:icon>{base}/avatars/original/missing.png</webfeeds:icon>"
        "<generator>Mastodon v4.3.2</generator>" + "".join(items) + "</channel></rss>"
    ).encode("utf-8")


def status_page(base: str, username: str, post: SynthPost) -> bytes:
    """A Mastodon 4 status page: the web-app shell with the status in Open Graph tags."""
    sid = status_id(post)
    title = f"{username.title()} (synthetic) (@{username}@{base.split('://', 1)[1]})"
    description = post.text if not post.content_warning else f"{post.content_warning}"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        f"<link href='{base}/@{username}/{sid}' rel='canonical'>"
        f"<meta content='{html.escape(title)}' property='og:title'>"
        f"<meta content='{base}/@{username}/{sid}' property='og:url'>"
        "<meta content='article' property='og:type'>"
        f"<meta content='{html.escape(description)}' property='og:description'>"
        f"<meta content='{post.created_at.isoformat()}' property='og:published_time'>"
        "<script src='/packs/js/application.js' crossorigin='anonymous'></script>"
        "</head><body class='app-body theme-default'><div class='app-holder' id='mastodon' "
        "data-props='{&quot;locale&quot;:&quot;en&quot;}'><noscript>"
        "<p>To use the Mastodon web application, please enable JavaScript.</p></noscript>"
        "</div></body></html>"
    ).encode()


def status_page_legacy(base: str, username: str, post: SynthPost) -> bytes:
    """A Mastodon 3 status page, server-rendered with microformats (``h-entry``)."""
    sid = status_id(post)
    summary = (
        f"<p><span class='p-summary'>{html.escape(post.content_warning)}</span></p>"
        if post.content_warning
        else ""
    )
    gallery = "".join(
        f"<div class='media-gallery'><img src='{base}/system/m/{sid}-{i}.png' "
        f"alt='{html.escape(alt, quote=True)}'></div>"
        for i, alt in enumerate(post.alt_texts)
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{username} on Mastodon</title>"
        f"<link href='{base}/@{username}/{sid}' rel='canonical'></head><body>"
        "<div class='activity-stream activity-stream--headless'>"
        "<div class='entry entry-center'><div class='detailed-status__wrapper h-entry'>"
        f"<a class='u-url' href='{base}/@{username}/{sid}'>"
        f"<data class='dt-published' value='{post.created_at.isoformat()}'></data></a>"
        f"<div class='status__content emojify'>{summary}"
        f"<div class='e-content' lang='{post.language}'>{content_html(post.text)}</div></div>"
        f"{gallery}</div></div></div></body></html>"
    ).encode()
