"""Crawls against a hostile loopback server (``tests.spiders.hostile_server``): paging loops,
redirects to another host, resume points poisoned by future dates or bad timestamps, pages that
look fine but hold nothing, ids that try to leave their path segment."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.middlewares import same_host
from tests.mockserver import ROOT
from tests.spiders.conftest import TEST_SETTINGS, CrawlResult

TELEGRAM = "https://t.me/s/chan"
BLUESKY = "https://bsky.app/profile/alice.test"


class Hostile:
    """The hostile server's two base URLs and its control endpoints."""

    def __init__(self, home: str, foreign: str) -> None:
        self.home = home
        self.foreign = foreign

    def control(self, action: str, query: str = "") -> Any:
        request = urllib.request.Request(f"{self.home}/__control/{action}?{query}", method="POST")
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read())

    def use(self, scenario: str) -> None:
        assert self.control("scenario", f"name={scenario}")["ok"], scenario

    def hits(self) -> dict[str, list[str]]:
        with urllib.request.urlopen(f"{self.home}/__control/hits", timeout=5) as answer:
            return json.loads(answer.read())

    def home_hits(self, prefix: str) -> list[str]:
        return [path for path in self.hits()["home"] if path.startswith(prefix)]


@pytest.fixture(scope="module")
def hostile() -> Iterator[Hostile]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.spiders.hostile_server"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    home, foreign = proc.stdout.readline().strip(), proc.stdout.readline().strip()
    try:
        assert home.startswith("http://127.0.0.1:") and foreign.startswith("http://127.0.0.1:")
        yield Hostile(home, foreign)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def crawl(
    hostile: Hostile,
    tmp_path: Path,
    spider: str,
    settings: dict[str, Any] | None = None,
    **args: Any,
) -> CrawlResult:
    """One crawl in a subprocess (``tests.spiders.runner``), every platform pointed at the
    hostile server; a crawl that does not end within 90 s fails the test."""
    out = tmp_path / f"crawl-{len(list(tmp_path.iterdir()))}.json"
    command = [sys.executable, "-m", "tests.spiders.runner", str(out), spider]
    for key, value in args.items():
        command += ["-a", f"{key}={json.dumps(value) if isinstance(value, dict) else value}"]
    bases = {
        "BLUESKY_APPVIEW_URL": hostile.home,
        "TELEGRAM_PREVIEW_URL": hostile.home,
        "ARCHIVE_URL": hostile.home,
    }
    for key, value in {**TEST_SETTINGS, **bases, **(settings or {})}.items():
        command += ["-s", f"{key}={json.dumps(value)}"]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    return CrawlResult(data["items"], data["stats"], proc.stderr)


# -- same_host ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "other", "expected"),
    [
        ("https://mastodon.example/@a", "https://mastodon.example/api/v1/x", True),
        ("http://mastodon.example/@a", "https://mastodon.example/@a", True),
        ("https://www.example.org/feed", "https://example.org/feed", True),
        ("https://Example.ORG:443/feed", "http://example.org:80/feed", True),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8001/a", False),
        ("https://example.org/", "https://evil.example/", False),
        ("https://example.org/", "https://example.org.evil.example/", False),
        ("https://example.org/", "file:///etc/passwd", False),
        ("https://example.org/", "https://example.org:bad/", False),
    ],
)
def test_same_host(url: str, other: str, expected: bool) -> None:
    assert same_host(url, other) is expected


# -- archive (CDX) paging -------------------------------------------------------------------------


def test_cdx_repeating_resume_key_ends_the_crawl(hostile: Hostile, tmp_path: Path) -> None:
    hostile.use("cdx_same_key")
    result = crawl(hostile, tmp_path, "telegram", url=TELEGRAM, cached=1)
    assert result.status["state"] == "not_found"
    assert len(hostile.home_hits("/cdx/")) <= 2
    assert result.stats["monitor/bad_responses/cdx_loop"] == 1


def test_cdx_pages_are_bounded(hostile: Hostile, tmp_path: Path) -> None:
    hostile.use("cdx_changing_keys")
    settings = {"MONITOR_ARCHIVE_CDX_MAX_PAGES": 4}
    result = crawl(hostile, tmp_path, "telegram", settings, url=TELEGRAM, cached=1)
    assert len(hostile.home_hits("/cdx/")) == 4
    assert result.stats["monitor/archive/cdx_page_limit"] == 1
    assert not result.posts


def test_bad_cdx_timestamps_are_skipped_and_never_the_cursor(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.use("cdx_bad_timestamp")
    state = {"archive_last": "zzzz"}
    result = crawl(hostile, tmp_path, "telegram", url=TELEGRAM, cached=1, crawl_state=state)
    assert "archive_last" not in result.status["crawl_state"]
    assert not hostile.home_hits("/web/")
    assert not [path for path in hostile.home_hits("/cdx/") if "from=" in path]
    assert result.stats["monitor/bad_responses/bad_cdx_timestamp"] == 2


# -- paging loops ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "spider", "url", "pages", "posts"),
    [
        ("m_link_self", "mastodon", "{home}/@alice", "/api/v1/accounts/1/statuses", 40),
        ("m_maxid_up", "mastodon", "{home}/@alice", "/api/v1/accounts/1/statuses", 80),
        ("b_cursor_same", "bluesky", BLUESKY, "/xrpc/app.bsky.feed", 100),
        ("t_before_same", "telegram", TELEGRAM, "/s/chan", 20),
    ],
)
def test_paging_stops_when_the_cursor_does_not_move(
    hostile: Hostile, tmp_path: Path, scenario: str, spider: str, url: str, pages: str, posts: int
) -> None:
    hostile.use(scenario)
    result = crawl(hostile, tmp_path, spider, url=url.format(home=hostile.home))
    assert result.status["state"] == "ok", result.status
    assert len(result.posts) == posts
    assert len({p["post_id"] for p in result.posts}) == posts
    assert len(hostile.home_hits(pages)) == 2


# -- other hosts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "spider", "url"),
    [
        ("m_redirect_offhost", "mastodon", "{home}/@alice"),
        ("t_meta_refresh_offhost", "telegram", TELEGRAM),
        ("f_redirect_offhost", "feed", "{home}/feed.xml"),
    ],
)
def test_redirects_to_another_host_are_refused(
    hostile: Hostile, tmp_path: Path, scenario: str, spider: str, url: str
) -> None:
    hostile.use(scenario)
    result = crawl(hostile, tmp_path, spider, url=url.format(home=hostile.home))
    assert hostile.hits()["foreign"] == []
    assert not result.posts
    assert result.status["state"] == "error"
    assert "refused redirect" in result.status["error"]


def test_redirect_on_the_same_host_is_followed(hostile: Hostile, tmp_path: Path) -> None:
    hostile.use("f_redirect_samehost")
    result = crawl(hostile, tmp_path, "feed", url=f"{hostile.home}/feed.xml")
    assert result.status["state"] == "ok"
    assert len(result.posts) == 1


def test_link_to_another_host_is_not_followed(hostile: Hostile, tmp_path: Path) -> None:
    hostile.use("m_link_offhost")
    result = crawl(hostile, tmp_path, "mastodon", url=f"{hostile.home}/@alice")
    assert hostile.hits()["foreign"] == []
    assert len(result.posts) == 40
    assert not [p for p in result.posts if "FOREIGN" in p["text"]]


def test_account_id_stays_in_its_path_segment(hostile: Hostile, tmp_path: Path) -> None:
    hostile.use("m_acct_traversal")
    crawl(hostile, tmp_path, "mastodon", url=f"{hostile.home}/@alice")
    paths = hostile.hits()["home"]
    assert "/api/v1/accounts/..%2F..%2F..%2Fadmin%2Fx%3Fy%3D/statuses?limit=40" in paths
    assert not [path for path in paths if "/admin" in path]


# -- resume points --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "spider", "url"),
    [
        ("b_future", "bluesky", BLUESKY),
        ("f_future", "feed", "{home}/feed.xml"),
    ],
)
def test_post_dated_in_the_future_does_not_hide_later_posts(
    hostile: Hostile, tmp_path: Path, scenario: str, spider: str, url: str
) -> None:
    hostile.use(scenario)
    url = url.format(home=hostile.home)
    first = crawl(hostile, tmp_path, spider, url=url)
    assert len(first.posts) == 2, "the future-dated post is still stored"
    assert not first.status["crawl_state"]["newest_at"].startswith("2999")
    hostile.control("phase", "n=2")
    second = crawl(hostile, tmp_path, spider, url=url, crawl_state=first.status["crawl_state"])
    newest = [p for p in second.posts if not p["posted_at"].startswith("2999")]
    assert len(newest) == 1, "the post added after the first crawl is found"


def test_overlong_status_ids_never_become_since_id(hostile: Hostile, tmp_path: Path) -> None:
    hostile.use("m_huge_ids")
    result = crawl(hostile, tmp_path, "mastodon", url=f"{hostile.home}/@alice")
    assert result.status["crawl_state"]["since_id"] == "1"


def test_malformed_statuses_are_skipped_and_counted(hostile: Hostile, tmp_path: Path) -> None:
    """A status with an unusable id (``1/2``, 2,000 digits) is skipped, the page's other
    statuses are kept, and the skips are counted for the run without failing the account."""
    hostile.use("m_huge_ids")
    result = crawl(hostile, tmp_path, "mastodon", url=f"{hostile.home}/@alice")
    assert [p["post_id"] for p in result.posts] == [f"{hostile.home}/@alice/1"]
    assert result.stats["monitor/bad_responses/malformed_item"] == 2
    assert result.status["state"] == "ok"


# -- silent success -------------------------------------------------------------------------------


def test_telegram_page_without_messages_or_header_is_an_error(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.use("t_no_markup")
    result = crawl(hostile, tmp_path, "telegram", url=TELEGRAM)
    assert result.status["state"] == "error"
    assert "no messages nor channel header" in result.status["error"]
