"""Feed crawls against a loopback server serving documented but awkward RSS and Atom: dates at
the edge of the calendar, new entries dated before the ones seen, edited entries, plain-text
fields with angle brackets, RSS items without ``<guid>`` sharing one ``<link>``, feeds served
as ``text/xml`` without a charset or as ``text/html``. Everything is synthetic."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from spiders.feed import SEEN_MAX, merge_seen
from tests.mockserver import ROOT
from tests.spiders.conftest import TEST_SETTINGS, CrawlResult

ATOM = "application/atom+xml"
RSS = "application/rss+xml; charset=utf-8"
NOW = datetime.now(UTC).replace(microsecond=0)


class FeedServer:
    """A 127.0.0.1 server answering ``/feed.xml`` with ``body`` as ``content_type``."""

    def __init__(self) -> None:
        self.body = b""
        self.content_type = ATOM
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path == "/feed.xml":
                    status, headers, body = 200, {"Content-Type": server.content_type}, server.body
                else:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"

    def serve(self, body: str | bytes, content_type: str = ATOM) -> None:
        self.body = body.encode() if isinstance(body, str) else body
        self.content_type = content_type


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        thread.join(timeout=10)


def crawl(
    server: FeedServer, tmp_path: Path, crawl_state: dict[str, str] | None = None
) -> CrawlResult:
    """One feed crawl in a subprocess (``tests.spiders.runner``), stored in ``tmp_path/m.db``."""
    out = tmp_path / f"crawl-{len(list(tmp_path.glob('crawl-*.json')))}.json"
    command = [sys.executable, "-m", "tests.spiders.runner", str(out), "feed"]
    command += ["-a", f"url={server.url}"]
    if crawl_state is not None:
        command += ["-a", f"crawl_state={json.dumps(crawl_state)}"]
    settings = {**TEST_SETTINGS, "MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}
    for key, value in settings.items():
        command += ["-s", f"{key}={json.dumps(value)}"]
    env = {**os.environ, "MONITOR_SECRET_KEY": "test-key-" + "x" * 40}
    proc = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90, check=False
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    return CrawlResult(data["items"], data["stats"], proc.stderr)


def stored(tmp_path: Path) -> dict[str, list[str]]:
    """The stored posts of the crawls in ``tmp_path``: post id -> texts of its versions."""
    with sqlite3.connect(tmp_path / "m.db") as db:
        rows = db.execute(
            "SELECT p.post_id, v.text FROM posts p JOIN post_versions v ON v.post_id = p.id "
            "ORDER BY v.id"
        ).fetchall()
    versions: dict[str, list[str]] = {}
    for post_id, text in rows:
        versions.setdefault(post_id, []).append(text)
    return versions


def atom(*entries: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>t</title><id>urn:feed</id><updated>2024-01-05T00:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    )


def atom_entry(number: int, updated: str, content: str = "", published: str = "") -> str:
    return (
        f"<entry><id>urn:e{number}</id><title>entry {number}</title>"
        + (f"<published>{published}</published>" if published else "")
        + f"<updated>{updated}</updated><content>{content or f'body {number}'}</content></entry>"
    )


def rss(items: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>http://example.org/</link><description>d</description>{items}</channel></rss>"
    )


def rss_item(guid: str, title: str, date: datetime, description: str = "body") -> str:
    return (
        f"<item><title>{title}</title><link>http://example.org/{guid}</link>"
        f"<guid>http://example.org/{guid}</guid><pubDate>{format_datetime(date, usegmt=True)}"
        f"</pubDate><description>{description}</description></item>"
    )


def texts(result: CrawlResult) -> dict[str, str]:
    return {p["post_id"]: p["text"] for p in result.posts}


# -- dates out of range -----------------------------------------------------------------------


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59-10:00", "0001-01-01T00:00:00+01:00"])
def test_date_out_of_range_leaves_only_that_entry_undated(
    feed_server: FeedServer, tmp_path: Path, date: str
) -> None:
    feed_server.serve(
        atom(
            atom_entry(1, "2024-01-03T00:00:00Z"),
            atom_entry(2, date),
            atom_entry(3, "2024-01-01T00:00:00Z"),
        )
    )
    result = crawl(feed_server, tmp_path)
    dates = {p["post_id"]: p["posted_at"] for p in result.posts}
    assert dates == {
        "urn:e1": "2024-01-03T00:00:00+00:00",
        "urn:e2": None,
        "urn:e3": "2024-01-01T00:00:00+00:00",
    }
    assert "spider_exceptions/count" not in result.stats
    assert result.status["state"] == "ok"
    assert set(stored(tmp_path)) == {"urn:e1", "urn:e2", "urn:e3"}


def test_published_out_of_range_falls_back_to_updated(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.serve(
        atom(atom_entry(1, "2024-01-02T00:00:00Z", published="9999-12-31T23:59:59-10:00"))
    )
    [post] = crawl(feed_server, tmp_path).posts
    assert post["posted_at"] == "2024-01-02T00:00:00+00:00"


# -- new is decided by identity, not by date --------------------------------------------------


@pytest.mark.parametrize(
    ("first_date", "new_date"),
    [
        (NOW - timedelta(hours=1), NOW - timedelta(days=3)),  # a retweet, a backdated post
        (NOW + timedelta(hours=12), NOW - timedelta(minutes=5)),  # a scheduled post
    ],
    ids=["dated_before_the_newest_seen", "after_a_near_future_entry"],
)
def test_new_entry_is_found_whatever_its_date(
    feed_server: FeedServer, tmp_path: Path, first_date: datetime, new_date: datetime
) -> None:
    old = rss_item("a", "A", first_date)
    feed_server.serve(rss(old), RSS)
    first = crawl(feed_server, tmp_path)
    assert [p["post_id"] for p in first.posts] == ["http://example.org/a"]
    feed_server.serve(rss(rss_item("b", "B", new_date, "new 078-05-1120") + old), RSS)
    second = crawl(feed_server, tmp_path, first.status["crawl_state"])
    assert [p["post_id"] for p in second.posts] == ["http://example.org/b"]
    third = crawl(feed_server, tmp_path, second.status["crawl_state"])
    assert third.posts == [], "entries seen before are not yielded again"


def test_state_written_before_seen_ids_loses_no_entry(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """A ``newest_at``/``last_id`` state of an older version: the feed's entries are yielded
    (the store keeps each once) and ``seen`` is written."""
    feed_server.serve(
        rss(rss_item("b", "B", NOW - timedelta(days=3)) + rss_item("a", "A", NOW)), RSS
    )
    legacy = {
        "newest_at": NOW.isoformat().replace("+00:00", "Z"),
        "last_id": "http://example.org/a",
    }
    result = crawl(feed_server, tmp_path, legacy)
    assert {p["post_id"] for p in result.posts} == {"http://example.org/a", "http://example.org/b"}
    assert "last_id" not in result.status["crawl_state"]
    assert len(result.status["crawl_state"]["seen"].split()) == 2


def test_a_feed_longer_than_the_seen_list_is_not_yielded_again(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """Entries past ``SEEN_MAX`` are the feed's old tail, never new on a later crawl."""
    entries = [
        rss_item(f"n{n}", f"N{n}", NOW - timedelta(minutes=n)) for n in range(SEEN_MAX + 300)
    ]
    feed_server.serve(rss("".join(entries)), RSS)
    first = crawl(feed_server, tmp_path)
    second = crawl(feed_server, tmp_path, first.status["crawl_state"])
    assert second.posts == []
    third = crawl(feed_server, tmp_path, second.status["crawl_state"])
    assert third.posts == []


def test_a_feed_whose_ids_change_every_time_brings_a_backfill_at_most(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    def feed(round_: int) -> str:
        return rss(
            "".join(
                rss_item(f"r{round_}-{n}", f"N{n}", NOW - timedelta(minutes=n)) for n in range(300)
            )
        )

    feed_server.serve(feed(1), RSS)
    first = crawl(feed_server, tmp_path)
    assert len(first.posts) == 200  # the backfill
    feed_server.serve(feed(2), RSS)
    second = crawl(feed_server, tmp_path, first.status["crawl_state"])
    assert len(second.posts) == 200
    assert second.stats.get("monitor/feed/all_entries_new") == 1


def test_seen_entries_are_bounded_latest_feed_first() -> None:
    current = [f"{n:016x}:{'a' * 16}" for n in range(3)]
    previous = [f"{n:016x}:{'b' * 16}" for n in range(2, SEEN_MAX + 10)]
    merged = merge_seen(current, previous)
    assert len(merged) == SEEN_MAX
    assert merged[:3] == current, "the feed just read comes first, with its new fingerprints"
    assert f"{2:016x}:{'b' * 16}" not in merged, "an entry's old fingerprint is replaced"
    assert merged[3] == f"{3:016x}:{'b' * 16}"


# -- edits ------------------------------------------------------------------------------------


def test_edited_entry_is_yielded_again_and_stored_as_a_version(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    published = "2024-01-01T00:00:00Z"
    two = atom_entry(2, "2024-01-02T00:00:00Z", published="2024-01-02T00:00:00Z")
    feed_server.serve(atom(two, atom_entry(1, published, "one", published)))
    first = crawl(feed_server, tmp_path)
    assert len(first.posts) == 2
    edited = atom_entry(1, "2024-01-05T00:00:00Z", "one, edited: 12 Baker Street", published)
    feed_server.serve(atom(two, edited))
    second = crawl(feed_server, tmp_path, first.status["crawl_state"])
    assert texts(second) == {"urn:e1": "entry 1\n\none, edited: 12 Baker Street"}
    assert stored(tmp_path)["urn:e1"] == [
        "entry 1\n\none",
        "entry 1\n\none, edited: 12 Baker Street",
    ]
    touched = atom_entry(1, "2024-01-06T00:00:00Z", "one, edited: 12 Baker Street", published)
    feed_server.serve(atom(two, touched))
    third = crawl(feed_server, tmp_path, second.status["crawl_state"])
    assert [p["post_id"] for p in third.posts] == ["urn:e1"], "a later <updated> alone"
    assert len(stored(tmp_path)["urn:e1"]) == 2, "same text: no new version"
    fourth = crawl(feed_server, tmp_path, third.status["crawl_state"])
    assert fourth.posts == []


# -- plain text is not HTML -------------------------------------------------------------------


def test_plain_text_fields_keep_angle_brackets(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.serve(
        atom(
            '<entry><id>urn:text</id><title type="text">Mail me &lt;john.doe@example.com&gt;'
            '</title><updated>2024-01-01T00:00:00Z</updated><content type="text">Contact: '
            "Jane Roe &lt;jane.roe@example.org&gt;, age&lt;30 and x&lt;y&gt;z</content></entry>",
            '<entry><id>urn:html</id><title type="html">Hi &lt;b&gt;there&lt;/b&gt;</title>'
            '<updated>2024-01-01T00:00:00Z</updated><content type="html">&lt;p&gt;one&lt;/p&gt;'
            '&lt;p&gt;two &lt;img alt="a map" src="m.png"&gt;&lt;/p&gt;</content></entry>',
        )
    )
    result = crawl(feed_server, tmp_path)
    assert texts(result) == {
        "urn:text": "Mail me <john.doe@example.com>\n\n"
        "Contact: Jane Roe <jane.roe@example.org>, age<30 and x<y>z",
        "urn:html": "Hi there\n\none\n\ntwo",
    }
    alts = {p["post_id"]: p["alt_texts"] for p in result.posts}
    assert alts == {"urn:text": [], "urn:html": ["a map"]}


def test_rss_title_is_text_and_description_html(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.serve(
        rss(
            rss_item(
                "1",
                "Reach Jane &lt;jane.roe@example.org&gt;",
                NOW,
                "&lt;p&gt;Call &lt;b&gt;now&lt;/b&gt;&lt;/p&gt;",
            )
        ),
        RSS,
    )
    [post] = crawl(feed_server, tmp_path).posts
    assert post["text"] == "Reach Jane <jane.roe@example.org>\n\nCall now"


# -- RSS items without guid -------------------------------------------------------------------


def _alerts(numbers: list[int]) -> str:
    return rss(
        "".join(
            f"<item><title>Alert {n}</title><link>http://example.org/alerts</link>"
            f"<description>alert number {n}</description>"
            f"<pubDate>Mon, 0{n} Jan 2024 10:00:00 GMT</pubDate></item>"
            for n in numbers
        )
        + "<item><title>Own page</title><link>http://example.org/own</link></item>"
    )


def test_items_without_guid_sharing_a_link_stay_apart(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.serve(_alerts([3, 2, 1]), RSS)
    first = crawl(feed_server, tmp_path)
    ids = [p["post_id"] for p in first.posts]
    assert len(set(ids)) == 4
    assert all(i.startswith("http://example.org/alerts#") for i in ids[:3])
    assert ids[3] == "http://example.org/own", "a link of its own is still the id"
    feed_server.serve(_alerts([4, 3, 2, 1]), RSS)
    second = crawl(feed_server, tmp_path, first.status["crawl_state"])
    [new] = second.posts
    assert new["text"] == "Alert 4\n\nalert number 4" and new["post_id"] not in ids
    assert {post_id: len(v) for post_id, v in stored(tmp_path).items()} == {
        **{post_id: 1 for post_id in ids},
        new["post_id"]: 1,
    }


# -- content types feedparser flags -----------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/xml", "text/html", "text/html; charset=utf-8"])
def test_feed_with_a_loose_content_type_is_not_malformed(
    feed_server: FeedServer, tmp_path: Path, content_type: str
) -> None:
    feed_server.serve(rss(rss_item("1", "Привет", NOW, "Адрес: ул. Ленина, д. 5")), content_type)
    result = crawl(feed_server, tmp_path)
    assert [p["text"] for p in result.posts] == ["Привет\n\nАдрес: ул. Ленина, д. 5"]
    assert "monitor/bad_responses" not in result.stats
    assert result.status["state"] == "ok"


def test_broken_feed_served_as_html_is_still_malformed(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    body = rss(rss_item("1", "one", NOW) + "<item><title>two</title><link>http://x/2</link>")
    feed_server.serve(body.replace("</channel>", ""), "text/html; charset=utf-8")
    result = crawl(feed_server, tmp_path)
    assert result.posts, "what could be read is kept"
    assert result.stats["monitor/bad_responses/malformed_feed"] == 1
