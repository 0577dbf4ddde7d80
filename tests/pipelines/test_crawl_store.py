"""Crawls through the replay server into real databases: pipelines, evidence, crash safety."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from hashlib import sha256

import pytest
from sqlalchemy import func, select

from storage.db import open_database, session_factory
from storage.models import CrawlRun, Evidence, Finding, PostVersion, StoredPost, WatchedAccount
from tests.mockserver import ROOT, MockServer

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "RETRY_ENABLED=1"]


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


def monitor(db_url: str, server: MockServer, *args: str, **popen) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "MONITOR_SECRET_KEY": "test-secret",
        **server.environment(),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "--db", db_url, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def crawl(db_url: str, server: MockServer, *args: str) -> dict:
    proc = monitor(db_url, server, "crawl", "--json", *FAST, *args)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    return json.loads(out)


def table_counts(engine) -> dict[str, int]:
    with session_factory(engine)() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (StoredPost, PostVersion, Finding, Evidence)
        }


def test_crawl_stores_posts_findings_and_evidence(db_url, server):
    server.reset()
    account = f"{server.url}/@leaky"
    result = crawl(db_url, server, account, "--platform", "mastodon", "--backfill", "80")
    (outcome,) = result["crawls"]
    assert outcome["state"] == "ok"
    assert outcome["posts_seen"] == outcome["new_posts"] == 80
    assert 0 < outcome["flagged"] < 80

    engine = open_database(db_url)
    counts = table_counts(engine)
    assert counts["posts"] == 80
    assert counts["post_versions"] == 80
    assert counts["findings"] >= outcome["flagged"]
    with session_factory(engine)() as session:
        evidence = session.scalars(select(Evidence)).all()
        assert evidence, "every page that produced posts is kept"
        for row in evidence:
            assert sha256(zlib.decompress(row.body_zlib)).hexdigest() == row.sha256
            assert row.captured_at.tzinfo is not None
        flagged = session.scalars(select(StoredPost).where(StoredPost.severity.is_not(None)))
        assert {p.severity for p in flagged} <= {"low", "medium", "high"}
        masked = session.scalars(select(Finding.masked)).all()
        assert all("*" in value for value in masked)
        run = session.scalar(select(CrawlRun))
        assert (run.outcome, run.posts_seen, run.new_posts) == ("ok", 80, 80)
        assert run.flagged == outcome["flagged"]
        assert run.requests >= 3
        watched = session.scalar(select(WatchedAccount))
        assert watched.platform == "mastodon"
        assert watched.crawl_state, "the spider's resume state is stored"

    again = crawl(db_url, server, account)
    (second,) = again["crawls"]
    assert second["new_posts"] == 0
    assert table_counts(engine) == counts
    engine.dispose()


SLOW = ["-s", "DOWNLOAD_DELAY=0.4", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "MONITOR_STORE_BATCH=5"]


def slow_crawl_until(db_url: str, server: MockServer, account: str, posts: int):
    """Start a slow crawl of ``account`` in its own session; return once ``posts`` are stored."""
    proc = monitor(
        db_url, server, "crawl", "--quiet", *SLOW, account, "--platform", "mastodon",
        start_new_session=True,
    )  # fmt: skip
    engine = open_database(db_url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if table_counts(engine)["posts"] >= posts:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the crawl finished before it could be stopped"
    return proc, engine


def test_crawl_killed_midway_leaves_consistent_db_and_next_crawl_completes(sqlite_url, server):
    server.reset()
    account = f"{server.url}/@leaky"
    proc, engine = slow_crawl_until(sqlite_url, server, account, 40)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    partial = table_counts(engine)
    assert 0 < partial["posts"] < 200
    assert partial["posts"] == partial["post_versions"]

    result = crawl(sqlite_url, server, account)
    assert result["crawls"][0]["state"] == "ok"
    final = table_counts(engine)
    assert final["posts"] == final["post_versions"] == 200
    with session_factory(engine)() as session:
        duplicates = session.execute(
            select(StoredPost.post_id).group_by(StoredPost.post_id).having(func.count() > 1)
        ).all()
        assert duplicates == []
        outcomes = session.scalars(select(CrawlRun.outcome).order_by(CrawlRun.id)).all()
        assert outcomes == ["interrupted", "ok"]
    engine.dispose()


def test_crawl_stopped_gracefully_is_recorded_interrupted(sqlite_url, server):
    server.reset()
    proc, engine = slow_crawl_until(sqlite_url, server, f"{server.url}/@leaky", 10)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    with session_factory(engine)() as session:
        run = session.scalars(select(CrawlRun)).one()
    assert run.outcome == "interrupted"
    assert run.finished_at is not None
    assert 10 <= run.posts_seen < 200
    engine.dispose()


def test_bad_accounts_do_not_stop_the_others(sqlite_url, server):
    server.reset()
    for name in ("garbled", "gone"):
        added = monitor(
            sqlite_url, server, "watch", "add", f"{server.url}/@{name}", "--platform", "mastodon"
        )
        added.communicate(timeout=60)
        assert added.returncode == 0
    result = crawl(
        sqlite_url,
        server,
        f"{server.url}/@garbled",
        f"{server.url}/@gone",
        f"{server.url}/feeds/leaky.xml",
    )
    garbled, gone, feed = result["crawls"]
    assert (garbled["platform"], garbled["state"]) == ("mastodon", "error")
    assert gone["state"] == "not_found"
    assert (feed["platform"], feed["state"], feed["posts_seen"]) == ("feed", "ok", 40)
    engine = open_database(sqlite_url)
    with session_factory(engine)() as session:
        runs = {
            url: (outcome, error)
            for url, outcome, error in session.execute(
                select(WatchedAccount.url, CrawlRun.outcome, CrawlRun.error).join(
                    CrawlRun, CrawlRun.account_id == WatchedAccount.id
                )
            )
        }
    assert runs[f"{server.url}/@garbled"][0] == "error"
    assert runs[f"{server.url}/@garbled"][1]
    assert runs[f"{server.url}/feeds/leaky.xml"] == ("ok", "")
    engine.dispose()


def test_newly_flagged_posts_reach_the_webhook_masked(sqlite_url, server):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[dict] = []
    attempts: list[int] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            attempts.append(1)
            if len(attempts) == 1:  # the first delivery fails: it must be retried
                self.send_response(503)
            else:
                received.append(json.loads(body))
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=hook.serve_forever, daemon=True)
    thread.start()
    try:
        server.reset()
        os.environ["MONITOR_WEBHOOK_URL"] = f"http://127.0.0.1:{hook.server_port}/hook"
        try:
            result = crawl(sqlite_url, server, "https://t.me/leakychan", "--backfill", "40")
        finally:
            del os.environ["MONITOR_WEBHOOK_URL"]
    finally:
        hook.shutdown()
        hook.server_close()
    flagged = result["crawls"][0]["flagged"]
    assert flagged > 0
    posts = [p for body in received for p in body["posts"]]
    assert len(posts) == flagged
    assert len(attempts) == len(received) + 1
    payload = json.dumps(received)
    assert all(f["masked"] for p in posts for f in p["findings"])
    assert all("*" in f["masked"] for p in posts for f in p["findings"])
    assert not re.search(r"(?<!\d)\d{6}(19|20)\d{6}\d{3}[\dX](?!\d)", payload), "ID in clear"
    assert '"text"' not in payload
