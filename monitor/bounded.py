"""Reading an HTTP answer within bounds: a hostile server's large body, compression bomb or
byte-by-byte trickle must not hold the process (used by removal checks and report
submission; the crawler has Scrapy's own limits)."""

from __future__ import annotations

import time
import zlib

import httpx

MAX_BODY = 2 * 1024 * 1024  # a status, a getPosts answer, an embed page, a report: far smaller
ACCEPT_ENCODING = "gzip, deflate"  # (what read_bounded can inflate within bounds)


class Refused(Exception):
    """An answer not read: too large, too slow or in an encoding not asked for."""


def send_bounded(client: httpx.Client, request: httpx.Request, deadline: float) -> httpx.Response:
    """Send ``request`` without following redirects and read the answer within ``MAX_BODY``
    bytes and ``deadline`` (``time.monotonic()``): a plain response with the decoded body (a
    redirect's body is not read; its ``next_request`` is kept). Raises :class:`Refused`."""
    response = client.send(request, stream=True, follow_redirects=False)
    try:
        body = b"" if response.is_redirect else read_bounded(response, deadline)
    finally:
        response.close()
    read = as_read(response, body)
    read.next_request = response.next_request
    return read


def read_bounded(response: httpx.Response, deadline: float, limit: int = MAX_BODY) -> bytes:
    """The body of a streamed ``response``, decoded (identity, gzip or deflate), refused past
    ``limit`` bytes or after ``deadline`` (``time.monotonic()``)."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "deflate"):
        raise Refused(f"unexpected content encoding {encoding!r}")
    inflate = None if encoding == "identity" else zlib.decompressobj(zlib.MAX_WBITS | 32)
    body = bytearray()
    for chunk in response.iter_raw():
        if inflate is not None:
            chunk = inflate.decompress(chunk, limit + 1 - len(body))
        body += chunk
        if len(body) > limit:
            raise Refused(f"answer larger than {limit} bytes")
        if time.monotonic() > deadline:
            raise Refused("answer too slow")
    return bytes(body)


def as_read(response: httpx.Response, body: bytes) -> httpx.Response:
    """A plain response with the decoded ``body`` of a streamed one (the headers that
    describe the encoded body dropped)."""
    skip = ("content-encoding", "content-length", "transfer-encoding")
    return httpx.Response(
        response.status_code,
        headers=[(k, v) for k, v in response.headers.multi_items() if k not in skip],
        content=body,
        request=response.request,
    )
