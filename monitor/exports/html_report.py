"""``html``: a self-contained, printable report of a case or an account.

Scraped content is untrusted: every piece of text goes through :func:`html.escape` (quotes
too), links are only made for http(s) URLs, and a strict Content-Security-Policy (no scripts,
no remote loads, the one inline stylesheet allowed by its hash) backs that up.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from typing import IO

from sqlalchemy import Engine

from monitor import __version__
from monitor.exports import ExportRequest, output_file, posts_of
from monitor.review import field_names, iso, masked_field
from storage.models import ReviewEvent, utcnow
from storage.review import FlaggedPost, events_of
from storage.takedown import get_case

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#111;max-width:60em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-top:1px solid #999;padding-top:.5em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.2em .5em;
text-align:left;vertical-align:top}th{background:#eee}
.text{white-space:pre-wrap;border:1px solid #ccc;padding:.5em;background:#fafafa;
overflow-wrap:anywhere}
mark{background:#ffd54f}code{font-size:.9em;overflow-wrap:anywhere}
.field{font-weight:bold;margin-top:.5em}
@media print{body{margin:0}h2{break-before:auto}section{break-inside:avoid}}
"""
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CSP = (
    "default-src 'none'; "
    f"style-src 'sha256-{STYLE_HASH}'; "
    "img-src 'none'; script-src 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)
FIELD_LABELS = {"body": "Text", "content_warning": "Content warning", "quoted": "Quoted text"}


def e(value: object) -> str:
    """Escaped text (None becomes an empty string)."""
    return escape("" if value is None else str(value), quote=True)


def link(url: str) -> str:
    """A link for http(s) URLs, plain escaped text for anything else."""
    if url.lower().startswith(("https://", "http://")):
        return f'<a href="{e(url)}" rel="noopener noreferrer">{e(url)}</a>'
    return e(url)


def _field_html(post: FlaggedPost, name: str, unmasked: bool) -> str:
    label = FIELD_LABELS.get(name) or f"Image description {int(name.rsplit('_', 1)[1]) + 1}"
    if unmasked:
        body = e(post.field_text(name))
    else:
        body = "".join(
            f"<mark>{e(piece)}</mark>" if is_masked else e(piece)
            for piece, is_masked in masked_field(post, name)
        )
    return f'<div class="field">{e(label)}</div><div class="text">{body}</div>'


def _events_html(events: list[ReviewEvent]) -> str:
    if not events:
        return "<p>No review events yet.</p>"
    rows = "".join(
        "<tr>"
        f"<td>{e(iso(ev.created_at))}</td><td>{e(ev.actor)}</td><td>{e(ev.action)}</td>"
        f"<td>{e(ev.status or '')}</td><td>{e(ev.reference or '')}</td><td>{e(ev.note)}</td>"
        "</tr>"
        for ev in events
    )
    return (
        "<table><tr><th>when (UTC)</th><th>who</th><th>what</th><th>status</th>"
        f"<th>reference</th><th>note</th></tr>{rows}</table>"
    )


def _post_html(post: FlaggedPost, events: list[ReviewEvent], unmasked: bool) -> str:
    findings = "".join(
        "<tr>"
        f"<td>{e(f.kind)}</td><td>{e(f.country or '')}</td><td>{e(f.scheme or '')}</td>"
        f"<td>{e(post.clear_value(f) if unmasked else f.masked)}</td>"
        f"<td>{f.score:.2f}</td><td>{e(f.field)}</td>"
        "</tr>"
        for f in post.findings
    )
    facts = [
        ("Post URL", link(post.url)),
        ("Account", link(post.account_url)),
        ("Platform / post id", f"{e(post.platform)} / <code>{e(post.post_id)}</code>"),
        ("Posted (UTC)", e(iso(post.posted_at) or "unknown")),
        ("First seen (UTC)", e(iso(post.first_seen_at))),
        ("Last seen (UTC)", e(iso(post.last_seen_at))),
        ("Captured (UTC)", e(iso(post.evidence_captured_at or post.captured_at))),
        ("Evidence SHA-256", f"<code>{e(post.evidence_sha256 or 'none')}</code>"),
        ("Status / severity", f"{e(post.status)} / {e(post.severity)}"),
        ("Cases", e(", ".join(map(str, post.case_ids)) or "none")),
    ]
    table = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in facts)
    texts = "".join(_field_html(post, name, unmasked) for name in field_names(post))
    return (
        f"<section><h2>Post {post.id}</h2><table>{table}</table>"
        "<h3>Personal data found</h3><table><tr><th>kind</th><th>country</th><th>scheme</th>"
        f"<th>value{'' if unmasked else ' (masked)'}</th><th>score</th><th>field</th></tr>"
        f"{findings}</table>"
        f"<h3>Content{'' if unmasked else ' (personal data masked)'}</h3>{texts}"
        f"<h3>History</h3>{_events_html(events)}</section>\n"
    )


def _header(engine: Engine, request: ExportRequest) -> str:
    title = f"Doxxing evidence report: {request.scope()}"
    case_html = ""
    if request.criteria.case_id is not None:
        with engine.connect() as connection:
            case = get_case(connection, request.criteria.case_id)
            case_events = [
                ev
                for ev in events_of(connection, case_id=case.id)
                if ev.post_id is None or ev.action == "reappeared"
            ]
        case_html = (
            f"<h2>Case {case.id}</h2><table>"
            f"<tr><th>Platform</th><td>{e(case.platform)}</td></tr>"
            f"<tr><th>Title</th><td>{e(case.title)}</td></tr>"
            f"<tr><th>Status</th><td>{e(case.status)}</td></tr>"
            f"<tr><th>Reference</th><td>{e(case.reference or '')}</td></tr>"
            f"<tr><th>Created</th><td>{e(iso(case.created_at))} by {e(case.created_by)}</td></tr>"
            f"</table><h3>Case history</h3>{_events_html(case_events)}"
        )
    notice = (
        "<p><strong>This report contains personal data in clear.</strong></p>"
        if request.unmasked
        else "<p>Matched personal data is masked (highlighted) throughout this report.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{e(title)}</h1>"
        f"<p>Generated {e(iso(utcnow()))} by doxxing-monitor {e(__version__)}. "
        "All times are UTC. Evidence hashes are SHA-256 of the raw HTTP response bodies "
        "kept by the tool.</p>"
        f"{notice}{case_html}"
    )


def write_stream(engine: Engine, request: ExportRequest, handle: IO[str]) -> int:
    """Write the report to an open text handle; returns the number of posts."""
    handle.write(_header(engine, request))
    count = 0
    batch: list[FlaggedPost] = []

    def flush() -> None:
        with engine.connect() as connection:
            events = events_of(connection, post_ids=[p.id for p in batch])
        by_post: dict[int, list[ReviewEvent]] = {}
        for ev in events:
            by_post.setdefault(ev.post_id or 0, []).append(ev)
        for p in batch:
            handle.write(_post_html(p, by_post.get(p.id, []), request.unmasked))
        batch.clear()

    for post in posts_of(engine, request):
        batch.append(post)
        count += 1
        if len(batch) >= request.batch_size:
            flush()
    if batch:
        flush()
    if not count:
        handle.write("<p>No flagged posts match.</p>")
    handle.write(f"<footer><p>{count} post(s).</p></footer></body></html>\n")
    return count


def write(engine: Engine, request: ExportRequest) -> int:
    """Write the report file; returns the number of posts."""
    with output_file(request.path, request.unmasked) as handle:
        return write_stream(engine, request, handle)
