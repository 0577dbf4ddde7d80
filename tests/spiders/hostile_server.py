"""A hostile platform server for crawl tests: loops, off-host redirects, poisoned cursors.

    python -m tests.spiders.hostile_server

serves on two ephemeral 127.0.0.1 ports and prints both base URLs, one a line: the *home*
server the spiders are pointed at, then a *foreign* one (another host, as far as the spiders
can tell) that home scenarios redirect to. Control endpoints on either port:

- ``POST /__control/scenario?name=<name>``: the scenario home answers with; resets the hits,
  the counters and the phase;
- ``POST /__control/phase?n=2``: two-crawl scenarios change their answer for the second crawl;
- ``GET /__control/hits``: ``{"home": [paths], "foreign": [paths]}``.

The scenarios are in ``SCENARIOS``; each takes the request path, its query and the shared state
and answers ``(status, headers, body)``, or None for 404. Everything is synthetic.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], bytes]
Scenario = Callable[[str, dict[str, str], "State"], Answer | None]

HOST = "127.0.0.1"
FUTURE = "2999-01-01T00:00:00Z"
PAST = "2024-05-01T10:00:00Z"
DID = "did:plc:hostilehostile"
CDX_HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


@dataclass
class State:
    """What the scenarios share: both base URLs, the phase, counters and the request log."""

    home: str = ""
    foreign: str = ""
    scenario: str = ""
    phase: int = 1
    counters: dict[str, int] = field(default_factory=dict)
    hits: dict[str, list[str]] = field(default_factory=lambda: {"home": [], "foreign": []})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]


def as_json(value: Any, headers: dict[str, str] | None = None, status: int = 200) -> Answer:
    return (
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(value).encode(),
    )


def as_html(html: str, status: int = 200) -> Answer:
    return status, {"Content-Type": "text/html; charset=utf-8"}, html.encode()


def as_rss(items: list[tuple[str, str]]) -> Answer:
    """An RSS feed of ``(guid, RFC 822 date)`` entries."""
    entries = "".join(
        f"<item><title>entry {guid}</title><description>entry {guid}</description>"
        f"<guid>{guid}</guid><link>{guid}</link><pubDate>{date}</pubDate></item>"
        for guid, date in items
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>http://example.invalid/</link>{entries}</channel></rss>"
    )
    return 200, {"Content-Type": "application/rss+xml"}, body.encode()


def redirect(location: str, status: int = 302) -> Answer:
    return status, {"Location": location}, b""


# -- platform shapes -------------------------------------------------------------------------


def status(state: State, number: int | str, text: str = "") -> dict[str, Any]:
    return {
        "id": str(number),
        "created_at": "2024-05-01T10:00:00.000Z",
        "url": f"{state.home}/@alice/{number}",
        "uri": f"{state.home}/users/alice/statuses/{number}",
        "content": f"<p>post {number} {text}</p>",
        "spoiler_text": "",
        "language": "en",
        "media_attachments": [],
        "reblog": None,
        "visibility": "public",
    }


def statuses(state: State, top: int, count: int = 40) -> list[dict[str, Any]]:
    return [status(state, n) for n in range(top, top - count, -1) if n > 0]


def link(state: State, **rels: str) -> dict[str, str]:
    """A Mastodon ``Link`` header: ``next="max_id=61"`` -> ``<...?max_id=61>; rel="next"``."""
    url = f"{state.home}/api/v1/accounts/1/statuses"
    return {"Link": ", ".join(f'<{url}?{query}>; rel="{rel}"' for rel, query in rels.items())}


def bluesky_item(number: int, created: str = PAST, text: str = "") -> dict[str, Any]:
    record = {"$type": "app.bsky.feed.post", "text": text or f"post {number}", "createdAt": created}
    return {
        "post": {
            "uri": f"at://{DID}/app.bsky.feed.post/r{number}",
            "cid": "c",
            "author": {"did": DID, "handle": "alice.test"},
            "record": record,
            "indexedAt": created,
        }
    }


def telegram_message(number: int, text: str = "") -> str:
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        f'<div class="tgme_widget_message js-widget_message" data-post="chan/{number}">'
        '<div class="tgme_widget_message_bubble">'
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">'
        f"{text or f'message {number}'}</div>"
        f'<div class="tgme_widget_message_footer"><a class="tgme_widget_message_date" '
        f'href="https://t.me/chan/{number}"><time datetime="{PAST}">10:00</time></a></div>'
        "</div></div></div>"
    )


def telegram_page(numbers: list[int], before: int | None = None) -> Answer:
    more = (
        f'<a class="tme_messages_more js-messages_more" data-before="{before}" '
        f'href="/s/chan?before={before}"></a>'
        if before
        else ""
    )
    messages = "".join(telegram_message(n) for n in numbers)
    return as_html(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Chan</title></head><body>'
        f'<section class="tgme_channel_history js-message_history">{more}{messages}</section>'
        "</body></html>"
    )


def cdx_row(timestamp: str, original: str = "https://t.me/s/chan") -> list[str]:
    return ["me,t)/s/chan", timestamp, original, "text/html", "200", f"D{timestamp}", "1"]


# -- scenarios ---------------------------------------------------------------------------------


def mastodon(pages: Callable[[dict[str, str], State], Answer]) -> Scenario:
    """Lookup answers account 1; its statuses come from ``pages``."""

    def answer(path: str, query: dict[str, str], state: State) -> Answer | None:
        if path == "/api/v1/accounts/lookup":
            return as_json({"id": "1", "username": "alice", "acct": "alice"})
        if path == "/api/v1/accounts/1/statuses":
            return pages(query, state)
        return None

    return answer


def bluesky(feed: Callable[[dict[str, str], State], Answer]) -> Scenario:
    def answer(path: str, query: dict[str, str], state: State) -> Answer | None:
        if path == "/xrpc/app.bsky.actor.getProfile":
            return as_json({"did": DID, "handle": "alice.test"})
        if path == "/xrpc/app.bsky.feed.getAuthorFeed":
            return feed(query, state)
        return None

    return answer


def only(wanted: str, reply: Callable[[dict[str, str], State], Answer]) -> Scenario:
    """Answers ``reply`` on the path ``wanted`` only."""

    def answer(path: str, query: dict[str, str], state: State) -> Answer | None:
        return reply(query, state) if path == wanted else None

    return answer


def routes(table: dict[str, Callable[[dict[str, str], State], Answer]]) -> Scenario:
    """Answers each path of ``table`` with its reply."""

    def answer(path: str, query: dict[str, str], state: State) -> Answer | None:
        reply = table.get(path)
        return reply(query, state) if reply else None

    return answer


def cdx(rows: Callable[[dict[str, str], State], list[Any]]) -> Scenario:
    """``/s/chan`` is 404 (so the archive is looked up), the CDX answers ``rows``, snapshots
    are one-message channel pages."""

    def answer(path: str, query: dict[str, str], state: State) -> Answer | None:
        if path == "/cdx/search/cdx":
            return as_json(rows(query, state))
        if path.startswith("/web/"):
            return telegram_page([5])
        return None

    return answer


def lookup_then(lookup: Callable[[dict[str, str], State], Answer]) -> Scenario:
    def answer(path: str, query: dict[str, str], state: State) -> Answer | None:
        if path == "/api/v1/accounts/lookup":
            return lookup(query, state)
        if path.startswith("/api/v1/accounts/"):
            return as_json(statuses(state, 10, 10))
        return None

    return answer


def foreign(path: str, query: dict[str, str], state: State) -> Answer | None:
    """What the other host serves: an account, statuses, a channel, a feed, a page."""
    if path == "/api/v1/accounts/lookup":
        return as_json({"id": "666", "username": "mallory", "acct": "mallory"})
    if path.endswith("/statuses"):
        return as_json([status(state, 6661, "FOREIGN"), status(state, 6660, "FOREIGN")])
    if path.startswith("/s/"):
        return telegram_page([9])
    if path.endswith(".xml"):
        return as_rss([("http://foreign.invalid/1", formatdate(usegmt=True))])
    return as_html("<html><body><p>FOREIGN PAGE</p></body></html>")


def _bluesky_future(query: dict[str, str], state: State) -> Answer:
    items = [bluesky_item(2, FUTURE), bluesky_item(1)]
    if state.phase == 2:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        items.insert(0, bluesky_item(3, now, "NEW POST"))
    return as_json({"feed": items})


def _feed_future(query: dict[str, str], state: State) -> Answer:
    items = [
        ("http://x.invalid/2", "Fri, 01 Jan 2999 00:00:00 GMT"),
        ("http://x.invalid/1", "Wed, 01 May 2024 10:00:00 GMT"),
    ]
    if state.phase == 2:
        items.insert(0, ("http://x.invalid/3", formatdate(usegmt=True)))
    return as_rss(items)


def _changing_keys(query: dict[str, str], state: State) -> list[Any]:
    """A new resume key and a new row (of another channel) on every page, forever."""
    n = state.count("cdx")
    row = cdx_row(f"2024010100{n % 60:02d}{n // 60 % 60:02d}", "https://t.me/s/chanother")
    return [CDX_HEADER, row, [], [f"KEY{n}"]]


def _meta_refresh(target: str) -> Callable[[dict[str, str], State], Answer]:
    def reply(query: dict[str, str], state: State) -> Answer:
        return as_html(
            f'<html><head><meta http-equiv="refresh" content="0;url={state.foreign}{target}">'
            "</head><body>moved</body></html>"
        )

    return reply


SCENARIOS: dict[str, Scenario] = {
    # paging that goes round in circles
    "m_link_self": mastodon(
        lambda q, s: as_json(statuses(s, 100), link(s, next="max_id=61", prev="min_id=100"))
    ),
    "m_maxid_up": mastodon(
        lambda q, s: as_json(
            statuses(s, int(q.get("max_id", "100")) + 40),
            link(s, next=f"max_id={int(q.get('max_id', '100')) + 40}"),
        )
    ),
    "b_cursor_same": bluesky(
        lambda q, s: as_json(
            {"feed": [bluesky_item(n) for n in range(100, 0, -1)], "cursor": "SAME"}
        )
    ),
    "t_before_same": only("/s/chan", lambda q, s: telegram_page(list(range(30, 10, -1)), 30)),
    "cdx_same_key": cdx(lambda q, s: [CDX_HEADER, [], ["SAMEKEY"]]),
    "cdx_changing_keys": cdx(_changing_keys),
    # content from another host
    "m_redirect_offhost": lookup_then(
        lambda q, s: redirect(f"{s.foreign}/api/v1/accounts/lookup?acct=alice")
    ),
    "m_link_offhost": mastodon(
        lambda q, s: as_json(
            statuses(s, 80),
            {"Link": f'<{s.foreign}/api/v1/accounts/1/statuses?max_id=41>; rel="next"'},
        )
    ),
    "t_meta_refresh_offhost": only("/s/chan", _meta_refresh("/s/chan")),
    "f_redirect_offhost": only("/feed.xml", lambda q, s: redirect(f"{s.foreign}/feed.xml", 301)),
    "f_redirect_samehost": routes(
        {
            "/feed.xml": lambda q, s: redirect("/moved.xml", 301),
            "/moved.xml": lambda q, s: as_rss([("http://x.invalid/1", formatdate(usegmt=True))]),
        }
    ),
    # poisoned resume points
    "b_future": bluesky(_bluesky_future),
    "f_future": only("/feed.xml", _feed_future),
    "cdx_bad_timestamp": cdx(
        lambda q, s: [CDX_HEADER, cdx_row("zzzz"), cdx_row("99999999999999999999")]
    ),
    "m_huge_ids": mastodon(
        lambda q, s: as_json([status(s, "9" * 2000), status(s, "1/2"), status(s, 1)])
    ),
    # silent success
    "t_no_markup": only(
        "/s/chan",
        lambda q, s: as_html(
            "<html><body><div class='tgme_page'>Something changed</div></body></html>"
        ),
    ),
    # ids put into paths
    "m_acct_traversal": lookup_then(
        lambda q, s: as_json({"id": "../../../admin/x?y=", "username": "alice"})
    ),
}


# -- serving -------------------------------------------------------------------------------


def control(path: str, query: dict[str, str], state: State) -> Answer:
    if path == "/__control/scenario":
        state.scenario = query.get("name", "")
        state.phase = 1
        state.counters.clear()
        state.hits = {"home": [], "foreign": []}
        return as_json({"ok": state.scenario in SCENARIOS})
    if path == "/__control/phase":
        state.phase = int(query.get("n", "2"))
        return as_json({"ok": True})
    if path == "/__control/hits":
        return as_json(state.hits)
    return as_json({"error": "unknown control"}, status=404)


def answer(role: str, target: str, state: State) -> Answer:
    parts = urlsplit(target)
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if parts.path.startswith("/__control/"):
        return control(parts.path, query, state)
    state.hits[role].append(target)
    if parts.path == "/robots.txt":
        return 404, {}, b""
    scenario = foreign if role == "foreign" else SCENARIOS.get(state.scenario)
    found = scenario(parts.path, query, state) if scenario else None
    return found or as_html("<h1>Not Found</h1>", status=404)


def handler_for(role: str, state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            with state.lock:
                code, headers, body = answer(role, self.path, state)
            self.send_response(code)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    return Handler


def main() -> None:
    state = State()
    servers = {}
    for role in ("home", "foreign"):
        server = ThreadingHTTPServer((HOST, 0), handler_for(role, state))
        server.daemon_threads = True
        servers[role] = server
    state.home = f"http://{HOST}:{servers['home'].server_address[1]}"
    state.foreign = f"http://{HOST}:{servers['foreign'].server_address[1]}"
    threading.Thread(target=servers["foreign"].serve_forever, daemon=True).start()
    print(state.home, flush=True)
    print(state.foreign, flush=True)
    try:
        servers["home"].serve_forever()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(0)


if __name__ == "__main__":
    main()
