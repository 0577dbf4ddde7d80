"""Telegram: the public channel preview ``t.me/s/<channel>`` (HTML widget markup)."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from scrapy.http import Response

from monitor.items import Capture, Post
from spiders.parsers.common import capture_of, decode_text, html_to_text, parse_iso

__all__ = ["channel_of", "is_channel_page", "is_preview", "older_page", "parse_channel_page"]

PLATFORM = "telegram"
CHANNEL_PATH = re.compile(r"^/(?:s/)?([A-Za-z0-9_]{4,64})/?$")
# Message numbers are 32-bit: at most 10 digits. A longer one would poison ``last_id``.
MESSAGE_NUMBER = re.compile(r"^[0-9]{1,10}$")
# Markup only a channel preview has, with or without messages: the channel header, the
# message list, a message.
CHANNEL_MARKUP = ".tgme_channel_info, section.tgme_channel_history, div.tgme_widget_message"

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _page(response: Response) -> tuple[str, bool, BeautifulSoup]:
    """The decoded text of a preview page, whether it decoded cleanly, and its parsed tree:
    the spider asks :func:`is_channel_page`, :func:`parse_channel_page` and :func:`older_page`
    about the same response, which is decoded and parsed once (the tree is only read)."""
    text, clean = decode_text(response)
    return text, clean, BeautifulSoup(text, "html.parser")


def channel_of(account_url: str) -> str | None:
    """The channel name in ``https://t.me/<channel>`` (or ``/s/<channel>``), if any."""
    match = CHANNEL_PATH.match(urlsplit(account_url).path)
    return match.group(1) if match else None


def is_channel_page(response: Response) -> bool:
    """True when the page has channel preview markup (header, message list or a message);
    False for a page of some other kind, which an empty channel's preview is not."""
    return _page(response)[2].select_one(CHANNEL_MARKUP) is not None


def is_preview(response: Response) -> bool:
    """True for a channel preview; Telegram redirects ``/s/<channel>`` to ``/<channel>`` when
    the channel has no public preview (private, or not a channel)."""
    path = urlsplit(response.url).path
    return path.startswith("/s/") and response.status == 200


def older_page(response: Response) -> str | None:
    """The ``before`` id of the next older page (the "load more" link), if any."""
    more = _page(response)[2].select_one("a.tme_messages_more[data-before]")
    if more is None:
        return None
    before = str(more.get("data-before") or "")
    return before if MESSAGE_NUMBER.match(before) else None


# Text a reader sees besides the message body: a poll's question and options (the option's
# text, or its whole value where the text has no element of its own), a document's file name,
# a link preview's title and description.
SHOWN_TEXT = (
    ".tgme_widget_message_poll_question, .tgme_widget_message_poll_option_value,"
    " .tgme_widget_message_poll_option_text, .tgme_widget_message_document_title,"
    " .tgme_widget_message_link_preview .link_preview_title,"
    " .tgme_widget_message_link_preview .link_preview_description"
)
OPTION_VALUE = "tgme_widget_message_poll_option_value"


def _outside_reply(node: Tag) -> bool:
    return node.find_parent(class_="tgme_widget_message_reply") is None


def _shown_text(node: Tag) -> bool:
    """True for a node of ``SHOWN_TEXT`` to read: outside a reply's quote, and not an option
    value whose text has its own element (read instead)."""
    has_own_text = node.select_one(".tgme_widget_message_poll_option_text") is not None
    if OPTION_VALUE in (node.get("class") or []) and has_own_text:
        return False
    return _outside_reply(node)


def _message_text(bubble: Tag) -> str:
    """The message body, then the poll, document and link preview texts shown with it, one
    a line."""
    parts = []
    for node in bubble.select(".tgme_widget_message_text"):
        if _outside_reply(node):
            parts.append(html_to_text(str(node)))
            break
    parts += [html_to_text(str(n)) for n in bubble.select(SHOWN_TEXT) if _shown_text(n)]
    return "\n".join(part for part in parts if part)


def _truncated(text: str) -> bool:
    """True when the page has no ``</html>`` after its last message (cut short); bytes after
    ``</html>`` (a comment, an archive's footer) do not make a page truncated."""
    lowered = text.lower()
    end = lowered.rfind("</html>")
    return end < 0 or end < lowered.rfind("data-post=")


def _posted_at(node: Tag) -> datetime | None:
    """The date of a message, from its ``<time datetime>``; None when missing or unreadable."""
    stamp = node.select_one("a.tgme_widget_message_date time[datetime]")
    return parse_iso(str(stamp.get("datetime"))) if stamp is not None else None


def _message_id(node: Tag, channel: str | None) -> tuple[str, str] | None:
    """``(channel, number)`` of a message's ``data-post``; None (logged) when it is not
    ``<channel>/<1-10 digits>`` or names another channel than ``channel``."""
    found, _, number = str(node.get("data-post") or "").partition("/")
    if not found or not MESSAGE_NUMBER.match(number):
        logger.warning("Skipped a Telegram message without a usable data-post id")
        return None
    if channel is not None and found.lower() != channel.lower():
        logger.warning("Skipped a message of another channel on the preview of %s", channel)
        return None
    return found, number


def _message_post(
    node: Tag,
    ids: tuple[str, str],
    posted_at: datetime | None,
    account_url: str,
    capture: Capture,
    source: str,
) -> Post:
    """One message bubble as a ``Post``."""
    channel, number = ids
    reply = node.select_one(".tgme_widget_message_reply .js-message_reply_text")
    return Post(
        platform=PLATFORM,
        account_url=account_url,
        post_id=f"{channel.lower()}/{number}",
        url=f"https://t.me/{channel}/{number}",
        posted_at=posted_at,
        captured_at=capture.captured_at,
        text=_message_text(node),
        raw=str(node),
        source=source,
        quoted_text=html_to_text(str(reply)) if reply is not None else "",
        content_warning="",
        alt_texts=[],
        capture=capture,
        language=None,
    )


def parse_channel_page(
    response: Response,
    account_url: str,
    problems: list[str] | None = None,
    *,
    source: str = "html",
    channel: str | None = None,
) -> list[Post]:
    """The messages of one preview page, newest first.

    A page without ``</html>`` after its last message is noted in ``problems`` as
    ``truncated_html``; undecodable bytes are replaced and noted (``invalid_utf8``). The text
    of a message is its body, then its poll (question, options), document titles and link
    preview (title, description). A message without a usable id, or of another channel than
    ``channel`` (default: the one in ``account_url``), is skipped and logged; one without a
    readable date is kept with ``posted_at`` None, unless the page is truncated (then it is
    most likely the message cut off, and is skipped).
    """
    problems = problems if problems is not None else []
    text, clean, soup = _page(response)
    if not clean:
        problems.append("invalid_utf8")
    truncated = _truncated(text)
    if truncated:
        problems.append("truncated_html")
    channel = channel or channel_of(account_url)
    capture = capture_of(response)
    posts = []
    for node in soup.select("div.tgme_widget_message[data-post]"):
        ids = _message_id(node, channel)
        posted_at = _posted_at(node)
        if ids is None or (truncated and posted_at is None):
            continue
        posts.append(_message_post(node, ids, posted_at, account_url, capture, source))
    posts.sort(key=lambda p: int(p.post_id.rsplit("/", 1)[1]), reverse=True)
    return posts
