"""Helpers shared by the platform parsers: captures, JSON and HTML decoding, times."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from scrapy.http import Response

from monitor.items import Capture

__all__ = [
    "BadResponse",
    "capture_of",
    "decode_text",
    "html_text",
    "html_to_text",
    "language_tag",
    "load_json",
    "now_utc",
    "parse_http_date",
    "parse_iso",
    "parse_wayback_timestamp",
    "str_or_empty",
    "str_or_none",
]

BLOCK_TAGS = frozenset(
    ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre")
)
DROPPED_TAGS = frozenset(("script", "style", "noscript", "template"))
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
LANGUAGE_MAX = 16  # the width of ``posts.language``
SPACES = re.compile(r"[ \t\u00a0]+")
BLANK_LINES = re.compile(r"\n{3,}")


class BadResponse(ValueError):
    """A response the parser cannot use (malformed JSON, wrong shape, truncated markup).

    ``kind`` names the problem for the ``monitor/bad_responses/<kind>`` stat.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def now_utc() -> datetime:
    return datetime.now(UTC)


def capture_of(response: Response, captured_at: datetime | None = None) -> Capture:
    """The evidence record of ``response``: what was asked, what came back, when."""
    headers = {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }
    request_url = response.request.url if response.request is not None else response.url
    return Capture(
        request_url=request_url,
        status=response.status,
        headers=headers,
        body=bytes(response.body),
        captured_at=captured_at or now_utc(),
    )


def load_json(response: Response) -> Any:
    """The JSON document in ``response``'s body (a leading byte-order mark is ignored, as RFC
    8259 allows); invalid UTF-8, syntax or nesting too deep to parse is a ``BadResponse``."""
    try:
        text = response.body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadResponse(
            "invalid_utf8", f"invalid UTF-8 in JSON from {response.url}: {exc}"
        ) from exc
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadResponse("malformed_json", f"malformed JSON from {response.url}: {exc}") from exc


def decode_text(response: Response) -> tuple[str, bool]:
    """The body of ``response`` as text, and whether it decoded cleanly.

    Undecodable bytes are replaced (U+FFFD) rather than failing, so one bad byte does not
    hide a whole page; the caller counts the response as bad when the flag is False.
    """
    encoding = getattr(response, "encoding", None) or "utf-8"
    try:
        return response.body.decode(encoding), True
    except (UnicodeDecodeError, LookupError):
        return response.body.decode(encoding if encoding else "utf-8", errors="replace"), False


def tidy(text: str) -> str:
    """Spaces folded, at most one blank line, no leading or trailing blank space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_text(html: str) -> str:
    """The strings of an HTML fragment or page in document order, untidied: a line break for
    each ``<br>`` and around each block element, scripts, styles and templates dropped.

    One walk over the tree with an explicit stack: linear in the size of the document and
    safe on deep nesting.
    """
    if not isinstance(html, str) or not html:
        return ""
    return tree_text(BeautifulSoup(html, "html.parser"))


def tree_text(root: Tag) -> str:
    """:func:`html_text` of an already parsed tree (or one of its elements)."""
    kept = root.interesting_string_types or Tag.MAIN_CONTENT_STRING_TYPES
    pieces: list[str] = []
    stack: list[PageElement | None] = [root]  # None: the end of a block element
    while stack:
        node = stack.pop()
        if node is None:
            pieces.append("\n")
        elif isinstance(node, NavigableString):
            if type(node) in kept:
                pieces.append(str(node))
        elif isinstance(node, Tag) and node.name not in DROPPED_TAGS:
            if node.name == "br":
                pieces.append("\n")
                continue
            if node.name in BLOCK_TAGS:
                pieces.append("\n")
                stack.append(None)
            stack.extend(reversed(node.contents))
    return "".join(pieces)


def html_to_text(html: str) -> str:
    """Readable text of an HTML fragment or page: ``<p>``/``<br>`` as line breaks, links as
    their text, entities decoded, scripts, styles and templates dropped."""
    return tidy(html_text(html))


def str_or_empty(value: Any) -> str:
    """``value`` if it is a string, else ``""`` (a field of the wrong type counts as missing)."""
    return value if isinstance(value, str) else ""


def str_or_none(value: Any) -> str | None:
    """``value`` if it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def language_tag(value: Any) -> str | None:
    """``value`` if it looks like a BCP 47 language tag that fits the store, else None."""
    if isinstance(value, str) and len(value) <= LANGUAGE_MAX and LANGUAGE_TAG.match(value):
        return value
    return None


def parse_iso(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime (naive input is taken as UTC); None for
    anything else, a non-string included."""
    if not isinstance(value, str) or not value:
        return None
    if value[-1:] in ("Z", "z"):  # (RFC 3339 allows a lower-case z)
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


_FOUR_DIGIT_YEAR = re.compile(r"(?<![\d:+-])\d{4}(?=\s+\d{1,2}:\d)")  # the year before the time


def parse_http_date(value: str | None) -> datetime | None:
    """An RFC 7231 / RFC 822 date (``Tue, 14 Nov 2023 10:00:00 GMT``) as aware UTC; None for
    anything else, a date out of range (year 9999 west of UTC) or a four-digit year the
    parser would read as another (``0001`` is not 2001) included."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        parsed = parsed.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    year = _FOUR_DIGIT_YEAR.search(value)
    if year and abs(int(year.group()) - parsed.year) > 1:  # (±1: the shift to UTC)
        return None
    return parsed


def parse_wayback_timestamp(value: str) -> datetime | None:
    """A Wayback ``YYYYMMDDhhmmss`` timestamp (1 to 14 digits) as aware UTC."""
    digits = value.strip()
    if not digits.isdigit() or not 4 <= len(digits) <= 14:
        return None
    padded = (digits + "0101000000"[len(digits) - 4 :])[:14] if len(digits) < 14 else digits
    try:
        return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
