"""The Mastodon spider on documented API behaviour that a naive client gets wrong: RFC 8288
``Link`` headers in every valid form, ids that are strings (ULIDs), text only a poll or a
boosted quote shows, edits of posts already seen, and a feed item with an impossible date.

Crawls run in a subprocess (``tests.spiders.runner``) against a small loopback server in this
process; the edit test stores into a real SQLite database and counts the versions kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.http import Headers, TextResponse
from sqlalchemy import select

from spiders.parsers import mastodon
from storage.db import open_database, session_factory
from storage.models import PostVersion, StoredPost
from tests.mockserver import ROOT
from tests.spiders.conftest import TEST_SETTINGS, CrawlResult

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mastodon_documented"
STATUSES = "/api/v1/accounts/1/statuses"

# (status, header pairs, body) for a path and its query (first value of each parameter).
Answer = tuple[int, list[tuple[str, str]], bytes]
Scenario = Callable[[str, dict[str, str], "Server"], Answer | None]


@dataclass
class Server:
    """A loopback HTTP server answering from ``scenario``; ``hits`` are the paths asked."""

    base: str = ""
    scenario: Scenario | None = None
    phase: int = 1
    hits: list[str] = field(default_factory=list)

    def statuses_hits(self) -> list[str]:
        return [hit for hit in self.hits if hit.startswith(STATUSES)]


def as_json(value: Any, headers: list[tuple[str, str]] | None = None) -> Answer:
    body = json.dumps(value).encode()
    return 200, [("Content-Type", "application/json; charset=utf-8"), *(headers or [])], body


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            state.hits.append(self.path)
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            answer = state.scenario(parts.path, query, state) if state.scenario else None
            status, headers, body = answer or (404, [("Content-Type", "text/plain")], b"nf")
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def use(server: Server) -> Callable[[Scenario], Server]:
    """``use(scenario)``: the server answers from ``scenario``, phase 1, no hits yet."""

    def install(scenario: Scenario) -> Server:
        server.scenario, server.phase = scenario, 1
        server.hits.clear()
        return server

    return install


def crawl(server: Server, tmp_path: Path, db: str | None = None, **args: Any) -> CrawlResult:
    """One Mastodon crawl of ``@alice`` on ``server`` (stored in ``db``, default a new
    SQLite file)."""
    out = tmp_path / f"crawl-{len(list(tmp_path.glob('crawl-*.json')))}.json"
    command = [sys.executable, "-m", "tests.spiders.runner", str(out), "mastodon"]
    for key, value in {"url": f"{server.base}/@alice", **args}.items():
        command += ["-a", f"{key}={json.dumps(value) if isinstance(value, dict) else value}"]
    database = db or f"sqlite:///{tmp_path / f'{out.stem}.db'}"
    for key, value in {**TEST_SETTINGS, "MONITOR_DATABASE_URL": database}.items():
        command += ["-s", f"{key}={json.dumps(value)}"]
    env = {**os.environ, "MONITOR_SECRET_KEY": "test-secret-" + "x" * 40}
    proc = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=90, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    return CrawlResult(data["items"], data["stats"], proc.stderr)


def status(status_id: str, text: str | None = None, **extra: Any) -> dict[str, Any]:
    """A Status entity of ``@alice`` with the documented fields a crawler reads."""
    value = {
        "id": status_id,
        "created_at": "2025-09-01T10:00:00.000Z",
        "edited_at": None,
        "spoiler_text": "",
        "content": f"<p>{text if text is not None else f'post {status_id}'}</p>",
        "url": f"https://social.example/@alice/{status_id}",
        "uri": f"https://social.example/users/alice/statuses/{status_id}",
        "media_attachments": [],
        "reblog": None,
        "quote": None,
        "poll": None,
    }
    value.update(extra)
    return value


def ids_of(result: CrawlResult) -> list[str]:
    return [mastodon.status_id_of(post["post_id"]) for post in result.posts]


def account(path: str) -> Answer | None:
    if path == "/api/v1/accounts/lookup":
        return as_json({"id": "1", "username": "alice", "acct": "alice"})
    return None


# -- Link headers (RFC 8288) ------------------------------------------------------------------

LINK_FORMS: dict[str, Callable[[str, str], list[tuple[str, str]]]] = {
    "two_header_lines": lambda older, newer: [
        ("Link", f'<{older}>; rel="next"'),
        ("Link", f'<{newer}>; rel="prev"'),
    ],
    "param_before_rel": lambda older, newer: [
        ("Link", f'<{older}>; title="older; posts, page"; rel="next", <{newer}>; rel="prev"')
    ],
    "several_rel_types": lambda older, newer: [
        ("Link", f'<{newer}>; rel="prev first", <{older}>; rel="last next"')
    ],
    "capitalised": lambda older, newer: [("Link", f"<{older}>; REL=Next, <{newer}>; Rel=PREV")],
}


@pytest.mark.parametrize("form", sorted(LINK_FORMS))
def test_every_valid_link_form_pages_through_the_whole_history(
    use: Callable[[Scenario], Server], tmp_path: Path, form: str
) -> None:
    def scenario(path: str, query: dict[str, str], server: Server) -> Answer | None:
        if path != STATUSES:
            return account(path)
        top = int(query.get("max_id", "121")) - 1
        ids = list(range(top, max(0, top - 40), -1))
        if not ids:
            return as_json([])
        older = f"{server.base}{STATUSES}?max_id={ids[-1]}"
        newer = f"{server.base}{STATUSES}?min_id={ids[0]}"
        return as_json([status(str(i)) for i in ids], LINK_FORMS[form](older, newer))

    server = use(scenario)
    result = crawl(server, tmp_path, backfill=500)
    assert result.status["state"] == "ok"
    assert ids_of(result) == [str(i) for i in range(120, 0, -1)]
    assert result.status["crawl_state"]["since_id"] == "120"
    assert len(server.statuses_hits()) == 4  # 3 pages of 40, then the empty end


def link_response(*lines: str, url: str = "https://social.example/api/v1/x") -> TextResponse:
    headers = Headers()
    for line in lines:
        headers.appendlist("Link", line)
    return TextResponse(url, headers=headers, body=b"[]")


def test_parse_links_reads_quoted_strings_and_keeps_the_first_rel() -> None:
    field_value = (
        '<https://a.example/1?x=1,2>; title="a, \\"b\\"; c"; rel="next" ; rel=prev, '
        "junk without brackets; rel=next, "
        "<https://a.example/2>;;rel=prev;anchor, <https://a.example/3"
    )
    assert mastodon.parse_links(field_value) == [
        ("https://a.example/1?x=1,2", {"title": 'a, "b"; c', "rel": "next"}),
        ("https://a.example/2", {"rel": "prev", "anchor": ""}),
    ]


@pytest.mark.parametrize(
    ("lines", "rel", "expected"),
    [
        (['</p?max_id=5>; rel="next"', '</p?min_id=9>; rel="prev"'], "next", "/p?max_id=5"),
        (['</p?max_id=5>; rel="next"', '</p?min_id=9>; rel="prev"'], "prev", "/p?min_id=9"),
        (['</p?max_id=5>; rel="nextish"'], "next", None),
        (['</p?max_id=5>; title="rel=next"'], "next", None),
        (['<https://evil.example/p>; rel="next"'], "next", None),
    ],
)
def test_link_url_reads_every_header_line(lines: list[str], rel: str, expected: str | None) -> None:
    found = mastodon.link_url(link_response(*lines), rel)
    assert found == (f"https://social.example{expected}" if expected else None)


# -- string ids -----------------------------------------------------------------------------


def ulid(n: int) -> str:
    """A ULID-shaped id (26 Crockford base-32 characters) that sorts with ``n``."""
    return f"01K4Z{n:05d}" + "ABCDEFGHJKMNPQRS"


def test_string_ids_page_through_history_and_resume(
    use: Callable[[Scenario], Server], tmp_path: Path
) -> None:
    """GoToSocial's ids are ULIDs: paging by ``max_id`` moves, ``since_id`` is saved, and a
    later crawl asks for what is newer with ``min_id``."""

    def scenario(path: str, query: dict[str, str], server: Server) -> Answer | None:
        if path != STATUSES:
            return account(path)
        everything = [ulid(n) for n in range(120 if server.phase == 1 else 125, 0, -1)]
        if "min_id" in query:
            ids = [i for i in everything if (len(i), i) > (len(query["min_id"]), query["min_id"])]
            ids = ids[-40:]
        else:
            start = everything.index(query["max_id"]) + 1 if "max_id" in query else 0
            ids = everything[start : start + 40]
        links = []
        if ids:
            links = [
                ("Link", f'<{server.base}{STATUSES}?max_id={ids[-1]}>; rel="next"'),
                ("Link", f'<{server.base}{STATUSES}?min_id={ids[0]}>; rel="prev"'),
            ]
        return as_json([status(i) for i in ids], links)

    server = use(scenario)
    first = crawl(server, tmp_path, backfill=500)
    assert ids_of(first) == [ulid(n) for n in range(120, 0, -1)]
    assert first.status["crawl_state"]["since_id"] == ulid(120)
    assert "monitor/pagination_loops" not in first.stats

    server.phase = 2
    second = crawl(server, tmp_path, crawl_state=first.status["crawl_state"])
    assert ids_of(second) == [ulid(n) for n in range(125, 120, -1)]
    assert second.status["crawl_state"]["since_id"] == ulid(125)


@pytest.mark.parametrize(
    ("newer", "older"),
    [
        (ulid(10), ulid(9)),
        ("01K4Z00010ABCDEFGHJKMNPQRT", "01K4Z00010ABCDEFGHJKMNPQRS"),
        ("AbCdEf123x", "AbCdEf123"),  # a longer flake id is newer
        ("10", "9"),
        ("1", ulid(99999)),  # numeric ids stay above string ids (no server mixes them)
        (ulid(1), "9" * 21),  # 21 digits overflow a 64-bit id: never a cursor
    ],
)
def test_status_id_key_orders_numbers_and_sortable_strings(newer: str, older: str) -> None:
    assert mastodon.status_id_key(newer) > mastodon.status_id_key(older)
    assert mastodon.is_cursor_id(newer)


# -- text a reader sees -----------------------------------------------------------------------


def fixture_response(name: str) -> TextResponse:
    body = (FIXTURES / name).read_bytes()
    return TextResponse(
        "https://social.example/api/v1/accounts/1/statuses",
        headers={"Content-Type": "application/json"},
        body=body,
    )


def test_poll_options_and_the_quote_inside_a_boost_are_scanned() -> None:
    posts = mastodon.parse_statuses(
        fixture_response("statuses_rich.json"), "https://social.example/@alice"
    )
    by_id = {mastodon.status_id_of(post.post_id): post for post in posts}
    assert by_id["110"].text == "call 555-0100 after six"
    boost = by_id["108"]
    assert boost.quoted_text.splitlines() == [
        "look at this",
        "doxx",
        "inner quoted SSN 078-05-1120",
        "inner option",
    ]
    assert boost.alt_texts == ["photo of a letter"]
    # A quote not (yet) shown in full has no text to scan, and breaks nothing.
    assert (by_id["107"].text, by_id["107"].quoted_text) == ("quoting, not yet approved", "")
    assert (by_id["106"].text, by_id["106"].quoted_text) == ("quoting, shallow", "")


# -- edits of posts already seen ----------------------------------------------------------


def versions(db: str) -> dict[str, list[str]]:
    """Texts of every stored version, by status id, oldest first."""
    engine = open_database(db)
    try:
        with session_factory(engine)() as session:
            rows = session.execute(
                select(StoredPost.post_id, PostVersion.text)
                .join(PostVersion, PostVersion.post_id == StoredPost.id)
                .order_by(PostVersion.id)
            ).all()
    finally:
        engine.dispose()
    found: dict[str, list[str]] = {}
    for post_id, text in rows:
        found.setdefault(mastodon.status_id_of(post_id), []).append(text)
    return found


def test_an_edit_of_a_post_already_seen_becomes_a_new_version(
    use: Callable[[Scenario], Server], tmp_path: Path
) -> None:
    edited_text = "post 101, now with 12 Baker Street, London NW1 6XE"

    def scenario(path: str, query: dict[str, str], server: Server) -> Answer | None:
        if path != STATUSES:
            return account(path)
        statuses = [status(str(n)) for n in (103, 102, 101)]
        if server.phase >= 2:
            statuses[2].update(
                content=f"<p>{edited_text}</p>", edited_at="2025-09-02T10:00:00.000Z"
            )
            statuses.insert(0, status("104"))
        if "min_id" in query:
            statuses = [s for s in statuses if int(s["id"]) > int(query["min_id"])]
        return as_json(statuses)

    server = use(scenario)
    db = f"sqlite:///{tmp_path / 'edits.db'}"
    first = crawl(server, tmp_path, db)
    assert ids_of(first) == ["103", "102", "101"]
    unchanged = crawl(server, tmp_path, db, crawl_state=first.status["crawl_state"])
    assert unchanged.posts == [], "no edit, nothing yielded again"

    server.phase = 2
    server.hits.clear()
    second = crawl(server, tmp_path, db, crawl_state=first.status["crawl_state"])
    assert sorted(ids_of(second)) == ["101", "104"]
    assert second.status["crawl_state"]["since_id"] == "104"
    assert len(server.statuses_hits()) == 2, "the news from since_id, and the newest page once"
    stored = versions(db)
    assert stored["101"] == ["post 101", edited_text]
    assert stored["102"] == ["post 102"] and stored["104"] == ["post 104"]

    again = crawl(server, tmp_path, db, crawl_state=second.status["crawl_state"])
    assert ids_of(again) == [], "an edit already yielded is not yielded again"
    assert versions(db) == stored


# -- RSS fallback ---------------------------------------------------------------------------


def test_rss_item_with_an_impossible_date_keeps_the_others(
    use: Callable[[Scenario], Server], tmp_path: Path
) -> None:
    def scenario(path: str, query: dict[str, str], server: Server) -> Answer | None:
        if path.startswith("/api/"):
            return 401, [("Content-Type", "application/json")], b'{"error": "auth"}'
        if path != "/@alice.rss":
            return None

        def item(n: int, date: str) -> str:
            link = f"{server.base}/@alice/{n}"
            return (
                f"<item><guid>{link}</guid><link>{link}</link><pubDate>{date}</pubDate>"
                f"<description>&lt;p&gt;post {n}&lt;/p&gt;</description></item>"
            )

        feed = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>a</title>'
            + item(3, "Mon, 01 Sep 2025 10:00:00 +0000")
            + item(2, "Fri, 31 Dec 9999 23:00:00 -1000")
            + item(1, "Mon, 01 Sep 2025 09:00:00 +0000")
            + "</channel></rss>"
        )
        return 200, [("Content-Type", "application/rss+xml")], feed.encode()

    result = crawl(use(scenario), tmp_path)
    assert result.status["state"] == "ok"
    assert ids_of(result) == ["3", "2", "1"]
    assert [p["posted_at"] for p in result.posts][1] is None
    assert result.status["crawl_state"]["since_id"] == "3"
    assert result.stats["monitor/mastodon/rss_fallback"] == 1


def test_a_failing_newest_page_does_not_fail_a_later_crawl(
    use: Callable[[Scenario], Server], tmp_path: Path
) -> None:
    """The extra read of the newest page (for edits) is only counted when it fails: the
    new posts from ``since_id`` come in and the account stays ``ok``."""

    def scenario(path: str, query: dict[str, str], server: Server) -> Answer | None:
        if path != STATUSES:
            return account(path)
        if server.phase >= 2 and "min_id" not in query:
            return 500, [("Content-Type", "text/plain")], b"upstream error"
        statuses = [status(str(n)) for n in (103, 102, 101)]
        if server.phase >= 2:
            statuses.insert(0, status("104"))
        if "min_id" in query:
            statuses = [s for s in statuses if int(s["id"]) > int(query["min_id"])]
        return as_json(statuses)

    server = use(scenario)
    first = crawl(server, tmp_path)
    server.phase = 2
    second = crawl(server, tmp_path, crawl_state=first.status["crawl_state"])
    assert ids_of(second) == ["104"]
    assert second.status["state"] == "ok"
    assert second.stats.get("monitor/mastodon/recent_unread", 0) >= 1
