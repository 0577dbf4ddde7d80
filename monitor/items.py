"""Items every spider yields and every pipeline consumes (the contract in DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SOURCES = ("api", "rss", "html", "archive")
ACCOUNT_STATES = ("ok", "not_found", "suspended", "private", "error")


@dataclass
class Capture:
    """One fetched HTTP response, kept as evidence of what was seen and when."""

    request_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    captured_at: datetime  # timezone-aware UTC


@dataclass
class Post:
    """A public post of a watched account, from any platform and any source."""

    platform: str
    account_url: str
    post_id: str
    url: str
    posted_at: datetime | None
    captured_at: datetime
    text: str  # plain text of the body (HTML already reduced to text, or the raw HTML)
    raw: str  # the raw HTML or JSON of this post as the platform served it
    source: str  # one of SOURCES
    language: str | None = None
    content_warning: str = ""
    alt_texts: list[str] = field(default_factory=list)
    quoted_text: str = ""
    archive_timestamp: datetime | None = None
    capture: Capture | None = None
    # Filled by the detect pipeline: (field name, pipelines.pii Finding) pairs, offsets
    # relative to that field's text (see pipelines.normalise.scanned_fields).
    findings: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class AccountStatus:
    """What a spider learned about the watched account itself."""

    account_url: str
    state: str  # one of ACCOUNT_STATES
    error: str = ""
    platform_account_id: str | None = None
    # Spider-specific resume state (e.g. newest post id, feed ETag), stored per account
    # and handed back to the spider on the next crawl as the ``crawl_state`` argument.
    crawl_state: dict[str, str] = field(default_factory=dict)
