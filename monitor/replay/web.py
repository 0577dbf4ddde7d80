"""RSS 2.0 and Atom feeds, plain web pages and the Wayback Machine (CDX API and raw snapshots)."""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote_plus, urlsplit

from monitor.replay.data import SynthPost, pii_text

FEEDS: dict[str, dict[str, Any]] = {
    "leaky.xml": {"count": 40, "format": "rss"},
    "leaky.atom": {"count": 40, "format": "atom"},
    "growing.xml": {"count": 10, "format": "rss"},
    "garbled.xml": {"count": 10, "format": "rss", "scenario": "malformed"},
    "huge.xml": {"count": 10, "format": "rss", "scenario": "huge"},
}
PAGES = ("leaky.html", "changing.html", "truncated.html", "badbytes.html", "ratelimited.html")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def _title(post: SynthPost) -> str:
    return " ".join(post.text.split()[:6])


def rss_feed(base: str, name: str, posts_desc: list[SynthPost]) -> bytes:
    items = "".join(
        "<item>"
        f"<title>{html.escape(_title(p))}</title>"
        f"<link>{base}/blog/{name.split('.')[0]}/{p.index}</link>"
        f'<guid isPermaLink="false">tag:mock.test,2025:{name}/{p.index}</guid>'
        f"<pubDate>{format_datetime(p.created_at)}</pubDate>"
        f"<description>{html.escape('<p>' + html.escape(p.text) + '</p>')}</description>"
        "</item>"
        for p in posts_desc
    )
    updated = format_datetime(posts_desc[0].created_at) if posts_desc else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{name} (synthetic blog)</title><link>{base}/blog/{name.split('.')[0]}</link>"
        "<description>Synthetic test feed. Not a real person.</description>"
        f"<lastBuildDate>{updated}</lastBuildDate>{items}</channel></rss>"
    ).encode()


def atom_feed(base: str, name: str, posts_desc: list[SynthPost]) -> bytes:
    entries = "".join(
        "<entry>"
        f"<id>tag:mock.test,2025:{name}/{p.index}</id>"
        f"<title>{html.escape(_title(p))}</title>"
        f'<link rel="alternate" href="{base}/blog/{name.split(".")[0]}/{p.index}"/>'
        f"<published>{p.created_at.isoformat()}</published>"
        f"<updated>{p.created_at.isoformat()}</updated>"
        f'<content type="html">{html.escape("<p>" + html.escape(p.text) + "</p>")}</content>'
        "</entry>"
        for p in posts_desc
    )
    updated = posts_desc[0].created_at.isoformat() if posts_desc else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>tag:mock.test,2025:{name}</id><title>{name} (synthetic blog)</title>"
        f"<updated>{updated}</updated>"
        f'<link rel="self" href="{base}/feeds/{name}"/>{entries}</feed>'
    ).encode()


def page_html(name: str, version: int = 0) -> bytes:
    """A personal page with scripts and styles around text that leaks synthetic data."""
    import random

    rng = random.Random(f"page:{name}:{version}")
    leak = pii_text(rng, version)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{name} (synthetic page)</title>"
        "<style>body { font-family: sans-serif } .x::after { content: 'HIDDEN-CSS' }</style>"
        "<script>var tracking = 'HIDDEN-SCRIPT'; console.log(tracking);</script></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>"
        f"<main><h1>Notes ({name}), edition {version}</h1>"
        "<p>This is a synthetic page used by the test suite.</p>"
        f"<p>{html.escape(leak)}</p>"
        "<ul><li>First item</li><li>Second item</li></ul>"
        "<noscript>HIDDEN-NOSCRIPT</noscript></main></body></html>"
    ).encode()


# -- Wayback Machine -------------------------------------------------------------------------


@dataclass
class Snapshot:
    original: str
    timestamp: str  # YYYYMMDDhhmmss
    mimetype: str
    body: bytes

    @property
    def digest(self) -> str:
        import base64

        return base64.b32encode(hashlib.sha1(self.body).digest()).decode()

    @property
    def urlkey(self) -> str:
        return surt(self.original)


def surt(url: str) -> str:
    """The SURT form the CDX index sorts by: ``me,t)/s/leakychan``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    labels = host if host.replace(".", "").isdigit() else ",".join(reversed(host.split(".")))
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path or "/"
    return f"{labels}{port}){path.lower()}" + (f"?{parts.query}" if parts.query else "")


def cdx_query(snapshots: list[Snapshot], query: dict[str, list[str]]) -> tuple[int, bytes, str]:
    """Answer a CDX query (``output=json``) with the subset of the real server's parameters the
    crawler uses: url, matchType, from, to, filter, collapse, limit, showResumeKey, resumeKey."""

    def one(name: str, default: str = "") -> str:
        return query.get(name, [default])[0]

    url = one("url")
    if not url:
        return 400, b"Missing url parameter\n", "text/plain"
    target = url if "://" in url else f"http://{url}"
    key = surt(target)
    match_type = one("matchType", "exact")
    if url.endswith("*"):
        match_type, key = "prefix", surt(target.rstrip("*"))
    rows = sorted(snapshots, key=lambda s: (s.urlkey, s.timestamp))
    if match_type == "prefix":
        rows = [s for s in rows if s.urlkey.startswith(key)]
    else:
        rows = [s for s in rows if s.urlkey == key]
    if one("from"):
        rows = [s for s in rows if s.timestamp >= one("from").ljust(14, "0")]
    if one("to"):
        rows = [s for s in rows if s.timestamp <= one("to").ljust(14, "9")]
    for expression in query.get("filter", []):
        negate = expression.startswith("!")
        field, _, pattern = expression.lstrip("!").partition(":")
        if field == "statuscode":
            rows = [s for s in rows if (pattern == "200") != negate]
        elif field == "mimetype":
            rows = [s for s in rows if (s.mimetype == pattern) != negate]
    if one("collapse") == "digest":
        collapsed: list[Snapshot] = []
        for s in rows:
            if not collapsed or collapsed[-1].digest != s.digest:
                collapsed.append(s)
        rows = collapsed
    resume = one("resumeKey")
    if resume:
        rows = [s for s in rows if f"{s.urlkey} {s.timestamp}" > resume.rstrip("!")]
    limit = int(one("limit", "150000") or "150000")
    more = len(rows) > limit
    rows = rows[:limit]
    table: list[list[str]] = [
        ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
    ]
    table += [
        [s.urlkey, s.timestamp, s.original, s.mimetype, "200", s.digest, str(len(s.body))]
        for s in rows
    ]
    if more and one("showResumeKey") == "true" and rows:
        table += [[], [quote_plus(f"{rows[-1].urlkey} {rows[-1].timestamp}!")]]
    if one("output") != "json":
        text = "\n".join(" ".join(r) for r in table[1:]) + "\n"
        return 200, text.encode(), "text/plain"
    if len(table) == 1:
        return 200, b"[]", "application/json"
    return 200, json.dumps(table).encode(), "application/json"


def memento_headers(snapshot: Snapshot, when: datetime) -> list[tuple[str, str]]:
    return [
        (
            "Content-Type",
            snapshot.mimetype + ("; charset=utf-8" if "text" in snapshot.mimetype else ""),
        ),
        ("Memento-Datetime", format_datetime(when, usegmt=True)),
        ("Link", f'<{snapshot.original}>; rel="original"'),
        ("X-Archive-Src", "synthetic-mock.warc.gz"),
    ]
