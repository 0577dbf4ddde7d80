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
    body: bytes = field(repr=False)  # evidence: never in logs
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
    # Post content may carry personal data: kept out of repr() so logs never show it.
    text: str = field(repr=False)  # plain text of the body (or HTML, reduced by normalise)
    raw: str = field(repr=False)  # the raw HTML or JSON of this post as served
    source: str  # one of SOURCES
    language: str | None = None
    content_warning: str = field(default="", repr=False)
    alt_texts: list[str] = field(default_factory=list, repr=False)
    quoted_text: str = field(default="", repr=False)
    archive_timestamp: datetime | None = None
    capture: Capture | None = field(default=None, repr=False)
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
