"""A small real HTTP server on 127.0.0.1 answering like Mastodon, Bluesky and Telegram do for
reports and removal checks (shapes from their public docs):

* ``POST /api/v1/reports`` (Mastodon): Bearer token, form fields ``account_id``,
  ``status_ids[]``, ``comment``, ``category``, ``forward``, ``rule_ids[]``; answers a Report
  entity (``id`` string, ``action_taken``, ``category``, ``comment``, ``forwarded``,
  ``created_at``, ``status_ids``, ``rule_ids``, ``target_account``); 401 with ``error`` for a
  bad token, 422 for a missing account.
* ``GET /api/v1/statuses/:id`` (Mastodon): the Status, or 404 ``{"error": "Record not found"}``.
* ``GET /xrpc/app.bsky.feed.getPosts?uris=`` (Bluesky AppView): ``{"posts": [...]}`` without
  deleted posts.
* ``GET /:channel/:id?embed=1`` (Telegram embed widget): the message, or the widget's error.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "test-token-write-reports"


@dataclass
class State:
    deleted: set[str] = field(default_factory=set)  # status ids, at:// URIs, "channel/id"
    reports: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    errors: set[str] = field(default_factory=set)  # ids answered with 503
    redirects: dict[str, str] = field(default_factory=dict)  # status id -> Location
    huge: set[str] = field(default_factory=set)  # status ids answered with a 5 MB gzip body
    proxied: set[str] = field(default_factory=set)  # status ids a proxy answers: HTML 404
    report_answer: tuple[int, Any] | None = None  # answer every report with this instead


class Handler(BaseHTTPRequestHandler):
    server: PlatformServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, code: int, body: Any, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if isinstance(body, str):
            data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_gzipped(self, data: bytes) -> None:
        body = gzip.compress(data)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        state.requests.append(("POST", self.path))
        if parts.path != "/api/v1/reports":
            self._send(404, {"error": "Record not found"})
            return
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(401, {"error": "The access token is invalid"})
            return
        if state.report_answer is not None:
            self._send(*state.report_answer)
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        if not form.get("account_id"):
            self._send(422, {"error": "Validation failed: Target account must exist"})
            return
        report = {
            "id": str(48914 + len(state.reports)),
            "action_taken": False,
            "action_taken_at": None,
            "category": form.get("category", ["other"])[0],
            "comment": form.get("comment", [""])[0],
            "forwarded": form.get("forward", ["false"])[0] == "true",
            "created_at": "2026-11-02T09:00:00.000Z",
            "status_ids": form.get("status_ids[]", []),
            "rule_ids": form.get("rule_ids[]", []) or None,
            "target_account": {"id": form["account_id"][0], "username": "leaky", "acct": "leaky"},
        }
        state.reports.append({"form": form, "content_type": self.headers.get("Content-Type")})
        self._send(200, report)

    def do_GET(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        state.requests.append(("GET", self.path))
        if parts.path.startswith("/api/v1/statuses/"):
            status_id = parts.path.rsplit("/", 1)[1]
            if status_id in state.redirects:
                self.send_response(302)
                self.send_header("Location", state.redirects[status_id])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif status_id in state.huge:
                self._send_gzipped(
                    b'{"id": "' + status_id.encode() + b'", "x": "' + b"a" * 5_000_000 + b'"}'
                )
            elif status_id in state.errors:
                self._send(503, {"error": "Service unavailable"})
            elif status_id in state.proxied:
                self._send(404, b"<h1>404 Not Found</h1><hr>nginx", "text/html")
            elif status_id in state.deleted:
                self._send(404, {"error": "Record not found"})
            else:
                self._send(200, {"id": status_id, "content": "<p>still here</p>"})
            return
        if parts.path == "/xrpc/app.bsky.feed.getPosts":
            uris = query.get("uris", [])
            posts = [
                {"uri": u, "cid": "bafyrei" + "a" * 20, "record": {"text": "still here"}}
                for u in uris
                if u not in state.deleted
            ]
            self._send(200, {"posts": posts})
            return
        if query.get("embed") == ["1"]:
            key = parts.path.strip("/")
            if key in state.deleted:
                body = '<div class="tgme_widget_message_error">Post not found</div>'
            else:
                body = '<div class="tgme_widget_message_text">still here</div>'
            self._send(200, f"<html><body>{body}</body></html>", "text/html; charset=utf-8")
            return
        self._send(404, "not found", "text/plain")


class PlatformServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = State()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> PlatformServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join()
