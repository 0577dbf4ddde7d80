"""Telegram: the public channel preview ``t.me/s/<channel>`` (HTML widget markup)."""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from scrapy.http import Response

from monitor.items import Post
from spiders.parsers.common import capture_of, decode_text, html_to_text, parse_iso

__all__ = ["is_preview", "older_page", "parse_channel_page"]

PLATFORM = "telegram"


def is_preview(response: Response) -> bool:
    """True for a channel preview; Telegram redirects ``/s/<channel>`` to ``/<channel>`` when
    the channel has no public preview (private, or not a channel)."""
    path = urlsplit(response.url).path
    return path.startswith("/s/") and response.status == 200


def older_page(response: Response) -> str | None:
    """The ``before`` id of the next older page (the "load more" link), if any."""
    text, _clean = decode_text(response)
    soup = BeautifulSoup(text, "html.parser")
    more = soup.select_one("a.tme_messages_more[data-before]")
    if more is None:
        return None
    before = str(more.get("data-before") or "")
    return before if before.isdigit() else None


def _message_text(bubble: Tag) -> str:
    for node in bubble.select(".tgme_widget_message_text"):
        if node.find_parent(class_="tgme_widget_message_reply") is None:
            return html_to_text(str(node))
    return ""


def parse_channel_page(
    response: Response,
    account_url: str,
    problems: list[str] | None = None,
    *,
    source: str = "html",
) -> list[Post]:
    """The messages of one preview page, newest first.

    A message without its id or date (a page cut off mid-message) is skipped and noted in
    ``problems`` (``truncated_html``); undecodable bytes are replaced and noted
    (``invalid_utf8``).
    """
    problems = problems if problems is not None else []
    text, clean = decode_text(response)
    if not clean:
        problems.append("invalid_utf8")
    if "</html>" not in text[-200:].lower():
        problems.append("truncated_html")
    soup = BeautifulSoup(text, "html.parser")
    capture = capture_of(response)
    posts = []
    for node in soup.select("div.tgme_widget_message[data-post]"):
        data_post = str(node.get("data-post") or "")
        channel, _, number = data_post.partition("/")
        stamp = node.select_one("a.tgme_widget_message_date time[datetime]")
        posted_at = parse_iso(str(stamp.get("datetime"))) if stamp is not None else None
        if not channel or not number.isdigit() or posted_at is None:
            if "truncated_html" not in problems:
                problems.append("truncated_html")
            continue
        reply = node.select_one(".tgme_widget_message_reply .js-message_reply_text")
        body = _message_text(node)
        posts.append(
            Post(
                platform=PLATFORM,
                account_url=account_url,
                post_id=f"{channel.lower()}/{number}",
                url=f"https://t.me/{channel}/{number}",
                posted_at=posted_at,
                captured_at=capture.captured_at,
                text=body,
                raw=str(node),
                source=source,
                quoted_text=html_to_text(str(reply)) if reply is not None else "",
                content_warning="",
                alt_texts=[],
                capture=capture,
                language=None,
            )
        )
    posts.sort(key=lambda p: int(p.post_id.rsplit("/", 1)[1]), reverse=True)
    return posts
