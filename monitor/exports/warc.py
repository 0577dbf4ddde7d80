"""``warc``: the raw captures of the selected posts as a WARC 1.1 file (warcio).

One ``warcinfo`` record (tool, version, scope), then for each capture a ``request`` and a
``response`` record dated when it was captured, and for each post a ``metadata`` record that
ties the post URL to the capture (masked findings only). warcio computes the block and payload
digests, so ``warcio check`` accepts the file.

The stored body is the decoded body the crawler saw; ``Content-Encoding``,
``Transfer-Encoding`` and ``Content-Length`` are rewritten to describe it truthfully (the
original values are kept as ``X-Original-*`` headers).
"""

from __future__ import annotations

import json
import zlib
from io import BytesIO
from urllib.parse import urlsplit

from sqlalchemy import Engine, select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from monitor.exports import ExportRequest, output_file, posts_of, tool_info
from monitor.review import iso
from storage.models import Evidence, utcnow

REWRITTEN = ("content-encoding", "transfer-encoding", "content-length")
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 410: "Gone"}


def _warc_date(value: object) -> str:
    text = iso(value) or iso(utcnow()) or ""  # type: ignore[arg-type]
    return text


def _response_headers(headers: dict[str, str], length: int) -> list[tuple[str, str]]:
    out = []
    for name, value in headers.items():
        if name.lower() in REWRITTEN:
            out.append((f"X-Original-{name}", str(value)))
        else:
            out.append((name, str(value)))
    out.append(("Content-Length", str(length)))
    return out


def write(engine: Engine, request: ExportRequest) -> int:
    """Write the WARC; returns the number of posts."""
    posts = 0
    written: dict[int, str] = {}  # evidence id -> WARC-Record-ID of its response
    with output_file(request.path, request.unmasked, binary=True) as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        info = {
            "software": f"{tool_info()['tool']} {tool_info()['version']}",
            "format": "WARC File Format 1.1",
            "description": f"Raw captures of flagged posts: {request.scope()}",
            "created": _warc_date(utcnow()),
        }
        writer.write_record(writer.create_warcinfo_record(request.path.name, info))
        for post in posts_of(engine, request):
            posts += 1
            if post.evidence_id is None:
                continue
            if post.evidence_id not in written:
                with engine.connect() as connection:
                    ev = connection.execute(
                        select(Evidence).where(Evidence.id == post.evidence_id)
                    ).one()
                written[post.evidence_id] = _write_exchange(writer, ev)
            _write_metadata(writer, post, written[post.evidence_id])
    return posts


def _write_exchange(writer: WARCWriter, ev: object) -> str:
    body = zlib.decompress(ev.body_zlib)  # type: ignore[attr-defined]
    url = ev.request_url  # type: ignore[attr-defined]
    date = _warc_date(ev.captured_at)  # type: ignore[attr-defined]
    status = int(ev.status)  # type: ignore[attr-defined]
    http_headers = StatusAndHeaders(
        f"{status} {REASONS.get(status, 'Unknown')}",
        _response_headers(dict(ev.headers or {}), len(body)),  # type: ignore[attr-defined]
        protocol="HTTP/1.1",
    )
    response = writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": date},
    )
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    request_headers = StatusAndHeaders(
        f"GET {target} HTTP/1.1",
        [("Host", parts.netloc), ("User-Agent", "doxxing-monitor")],
        is_http_request=True,
    )
    request_record = writer.create_warc_record(
        url,
        "request",
        payload=BytesIO(b""),
        length=0,
        http_headers=request_headers,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_request_response_pair(request_record, response)
    return response.rec_headers.get_header("WARC-Record-ID")


def _write_metadata(writer: WARCWriter, post: object, response_id: str) -> None:
    data = {
        "post_url": post.url,  # type: ignore[attr-defined]
        "platform": post.platform,  # type: ignore[attr-defined]
        "post_id": post.post_id,  # type: ignore[attr-defined]
        "status": post.status,  # type: ignore[attr-defined]
        "findings": [f.summary() for f in post.findings],  # type: ignore[attr-defined]
    }
    payload = json.dumps(data, ensure_ascii=False).encode()
    record = writer.create_warc_record(
        post.url,  # type: ignore[attr-defined]
        "metadata",
        payload=BytesIO(payload),
        length=len(payload),
        warc_content_type="application/json",
        warc_headers_dict={"WARC-Refers-To": response_id},
    )
    writer.write_record(record)
