"""Removal checks against odd or hostile answers, on a real loopback server: a check that
cannot tell says ``unknown``, never ``gone``, and never waits, reads or fetches without bound."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from monitor import verify
from monitor.verify import CheckFailed, check_post, fetch_bounded, telegram_embed
from storage.review import FlaggedPost

ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/ok": (200, {}, b'{"id": "1"}'),
    "/moved-here": (302, {"Location": "/ok"}, b""),
    "/moved-away": (302, {"Location": "http://localhost:9/elsewhere"}, b""),
    "/bomb": (200, {"Content-Encoding": "gzip"}, gzip.compress(b"0" * (8 * 1024 * 1024))),
    "/brotli": (200, {"Content-Encoding": "br"}, b"\x1b\xff\xff"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow-headers":
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            return
        if self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass  # the client gave up: what the test wants
            return
        status, headers, body = ROUTES[self.path]
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(base: str, path: str, follow: bool = True) -> httpx.Response:
    with httpx.Client(timeout=5.0) as client:
        return fetch_bounded(client, base + path, {}, follow)


def test_same_host_redirects_are_followed_for_pages_only(base: str) -> None:
    assert fetch(base, "/moved-here").json() == {"id": "1"}
    with pytest.raises(CheckFailed, match="API check was redirected"):
        fetch(base, "/moved-here", follow=False)


def test_a_redirect_off_host_is_not_followed(base: str) -> None:
    with pytest.raises(CheckFailed, match="redirected"):
        fetch(base, "/moved-away")  # (port 9 on localhost: a request there would fail)


def test_a_compression_bomb_or_an_unasked_encoding_is_refused(base: str) -> None:
    with pytest.raises(CheckFailed, match="larger than"):
        fetch(base, "/bomb")
    with pytest.raises(CheckFailed, match="content encoding"):
        fetch(base, "/brotli")


def test_a_trickling_answer_is_given_up(base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify, "MAX_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(CheckFailed, match="too slow"):
        fetch(base, "/trickle")
    assert time.monotonic() - started < 3
    started = time.monotonic()
    with pytest.raises(CheckFailed, match="no whole answer"):
        fetch(base, "/slow-headers")  # (each byte comes well within the read timeout)
    assert time.monotonic() - started < 4


@pytest.mark.parametrize(
    ("page", "outcome"),
    [
        # (the error block sits in the message's bubble, as on t.me)
        (
            '<div class="tgme_widget_message" data-post="c/5">'
            '<div class="tgme_widget_message_bubble">'
            '<div class="tgme_widget_message_error">Post not found</div></div></div>',
            "gone",
        ),
        ('<a class="tgme_widget_message_photo_wrap" href="https://t.me/c/5"></a>', "online"),
        # the post's own text saying so is a message shown: online
        (
            '<div class="tgme_widget_message" data-post="c/5">'
            '<div class="tgme_widget_message_text">Post not found tgme_widget_message_error'
            "</div></div>",
            "online",
        ),
        ("<html><body>Telegram: Contact @c</body></html>", "unknown"),  # neither
    ],
)
def test_telegram_embed_is_read_by_its_blocks(page: str, outcome: str) -> None:
    assert telegram_embed(page)[0] == outcome


def page_post(url: str, account_url: str) -> FlaggedPost:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    return FlaggedPost(
        id=1,
        platform="feed",
        account_url=account_url,
        post_id=url,
        url=url,
        posted_at=now,
        first_seen_at=now,
        last_seen_at=now,
        severity="high",
        status="reported",
        version_id=1,
        text="",
        content_warning="",
        alt_texts=[],
        quoted_text="",
        raw="",
        captured_at=now,
        evidence_id=None,
        evidence_sha256=None,
        evidence_captured_at=None,
    )


def test_a_page_post_is_checked_on_its_account_host_only(base: str) -> None:
    with httpx.Client(timeout=5.0) as client:
        here = check_post(client, 1, page_post(f"{base}/ok", f"{base}/feed.xml"), {})
        # a feed entry linking elsewhere (an internal service, another site): not fetched
        away = check_post(client, 1, page_post("http://localhost:9/x", f"{base}/feed.xml"), {})
        broken = check_post(client, 1, page_post("http://[::1/x", f"{base}/feed.xml"), {})
        moved = check_post(client, 1, page_post(f"{base}/moved-here", f"{base}/feed.xml"), {})
    assert (here.outcome, away.outcome, broken.outcome) == ("online", "unknown", "unknown")
    assert "another host" in away.reason
    assert (moved.outcome, moved.reason) == ("unknown", "redirected to another page")
