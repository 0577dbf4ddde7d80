"""A single web page, fetched with conditional GET; a changed page is a new version.

crawl_state: ``{"etag": ..., "last_modified": ..., "digest": "<sha256 of the visible text>"}``.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from spiders.base import MonitorSpider, home_only
from spiders.feed import conditional_headers, remember_validators
from spiders.parsers import feed as parser
from spiders.parsers.common import BadResponse

# What a page may be served as (anything else, a PDF, a .docx, an image, is no post text);
# without a useful content type the first bytes decide.
_TEXT_TYPES = ("text/", "application/xhtml+xml", "application/xml")
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b")


def binary_type(response: Response) -> str | None:
    """The content type of a response that holds no text (by its header, or by its first
    bytes when the header says nothing useful), else None."""
    header = response.headers.get(b"Content-Type") or b""
    ctype = header.split(b";")[0].strip().lower().decode("latin-1")
    if ctype in ("", "application/octet-stream"):
        head = response.body[:1024]
        if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
            return ctype or "unknown binary"
        return None
    if ctype.startswith(_TEXT_TYPES) or ctype.endswith("+xml"):
        return None
    return ctype


class PageSpider(MonitorSpider):
    """``-a url=<page URL>``: the page's visible text as one post."""

    name = "page"
    platform = "page"

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(
            self.url, self.parse_page, headers=conditional_headers(self.previous_state)
        )

    @home_only
    def parse_page(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            self.crawler.stats.inc_value("monitor/not_modified")
            return
        if response.status in (404, 410):
            self.set_state("not_found", f"HTTP {response.status} from {response.url}")
            return
        if response.status != 200:
            self.http_error(response)
            return
        binary = binary_type(response)
        if binary is not None:
            message = f"not a web page ({binary}) at {response.url}"
            self.note_bad_response(BadResponse("not_a_page", message))
            return
        problems: list[str] = []
        post = parser.parse_page(response, self.account_url, self.account_url, problems)
        self.note_problems(problems, response)
        remember_validators(self.crawl_state, response)
        digest = hashlib.sha256(post.text.encode("utf-8")).hexdigest()
        if digest == self.previous_state.get("digest"):
            self.crawler.stats.inc_value("monitor/unchanged")
            return
        self.crawl_state["digest"] = digest
        yield from self.counted([post])
