"""Bluesky, Telegram, feed, page and archive spider crawls through the replay server."""

from __future__ import annotations

from datetime import datetime

import pytest

BSKY = "https://bsky.app/profile/{}.bsky.test"


# -- Bluesky ---------------------------------------------------------------------------------


def test_bluesky_backfill_pages_with_cursor(crawl, mock):
    result = crawl("bluesky", url=BSKY.format("leaky"), backfill=150)
    assert len(result.posts) == 150
    assert result.status["state"] == "ok"
    assert result.status["platform_account_id"].startswith("did:plc:")
    feed_hits = [h for h in mock.hits() if "getAuthorFeed" in h["path"]]
    assert len(feed_hits) == 2 and "cursor=" in feed_hits[1]["path"]
    post = next(p for p in result.posts if p["post_id"].startswith("at://did:plc:"))
    assert post["url"].startswith("https://bsky.app/profile/did:plc:")
    assert "/post/" in post["url"]
    assert any(p["alt_texts"] for p in result.posts)
    assert any(p["quoted_text"] and p["text"] for p in result.posts), "quote posts"
    assert any(p["quoted_text"] and not p["text"] for p in result.posts), "reposts"


def test_bluesky_incremental(crawl, mock):
    first = crawl("bluesky", url=BSKY.format("growing"), backfill=20)
    state = first.status["crawl_state"]
    assert crawl("bluesky", url=BSKY.format("growing"), crawl_state=state).posts == []
    mock.publish("bluesky", "growing.bsky.test", 4)
    second = crawl("bluesky", url=BSKY.format("growing"), crawl_state=state)
    assert len(second.posts) == 4
    assert second.status["crawl_state"]["newest_at"] > state["newest_at"]


@pytest.mark.parametrize(
    ("handle", "state", "error"),
    [
        ("takendown", "suspended", "AccountTakedown"),
        ("deactivated", "not_found", "AccountDeactivated"),
        ("nobody", "not_found", "Profile not found"),
    ],
)
def test_bluesky_account_states(crawl, handle, state, error):
    result = crawl("bluesky", url=BSKY.format(handle))
    assert result.status["state"] == state
    assert error in result.status["error"]
    assert all(p["source"] == "archive" for p in result.posts)


def test_bluesky_takedown_chains_the_archive(crawl):
    result = crawl("bluesky", url=BSKY.format("takendown"))
    assert len(result.posts) == 2
    assert all(p["platform"] == "bluesky" and p["archive_timestamp"] for p in result.posts)


def test_bluesky_429_then_success(crawl, mock):
    result = crawl("bluesky", url=BSKY.format("ratelimited"), backfill=10)
    assert len(result.posts) == 10
    feed = [h for h in mock.hits() if "getAuthorFeed" in h["path"]]
    assert [h["status"] for h in feed] == [429, 200]
    assert feed[1]["time"] - feed[0]["time"] >= 0.9


def test_bluesky_malformed_json(crawl):
    result = crawl("bluesky", url=BSKY.format("garbled"))
    assert result.stats["monitor/bad_responses/malformed_json"] == 1
    assert result.status["state"] == "error"


# -- Telegram --------------------------------------------------------------------------------


def test_telegram_backfill_pages_with_before(crawl, mock):
    result = crawl("telegram", url="https://t.me/leakychan", backfill=50)
    assert len(result.posts) == 50
    ids = [int(p["post_id"].split("/")[1]) for p in result.posts]
    assert ids == list(range(150, 100, -1))
    assert result.posts[0]["url"] == "https://t.me/leakychan/150"
    assert datetime.fromisoformat(result.posts[0]["posted_at"]).utcoffset().total_seconds() == 0
    assert any("before=" in h["path"] for h in mock.hits())
    assert result.status["crawl_state"] == {"last_id": "150"}


def test_telegram_incremental(crawl, mock):
    first = crawl("telegram", url="https://t.me/growingchan", backfill=5)
    state = first.status["crawl_state"]
    mock.publish("telegram", "growingchan", 25)
    second = crawl("telegram", url="https://t.me/growingchan", crawl_state=state)
    assert sorted(int(p["post_id"].split("/")[1]) for p in second.posts) == list(range(31, 56))
    assert second.status["crawl_state"]["last_id"] == "55"


def test_telegram_redirect_means_no_public_preview_and_chains_the_archive(crawl):
    result = crawl("telegram", url="https://t.me/privchan")
    assert result.status["state"] == "private"
    assert "no public preview" in result.status["error"]
    assert result.posts and {p["source"] for p in result.posts} == {"archive"}
    assert all(p["post_id"].startswith("privchan/") for p in result.posts)


def test_telegram_truncated_html(crawl):
    result = crawl("telegram", url="https://t.me/truncchan")
    assert result.stats["finish_reason"] == "finished"
    assert result.stats["monitor/bad_responses/truncated_html"] == 1
    assert 0 < len(result.posts) < 20  # the complete messages before the cut


def test_telegram_invalid_utf8(crawl):
    result = crawl("telegram", url="https://t.me/badbyteschan", backfill=20)
    assert result.stats["monitor/bad_responses/invalid_utf8"] == 1
    assert len(result.posts) == 20
    assert any("\ufffd" in p["text"] for p in result.posts)


def test_telegram_500_then_success(crawl):
    result = crawl("telegram", url="https://t.me/flakychan", backfill=20)
    assert len(result.posts) == 20
    assert result.stats["retry/count"] == 1


# -- feeds and pages -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["leaky.xml", "leaky.atom"])
def test_feed_entries(crawl, mock, name):
    result = crawl("feed", url=f"{mock.url}/feeds/{name}")
    assert len(result.posts) == 40
    assert {p["source"] for p in result.posts} == {"rss"}
    assert all(p["posted_at"] for p in result.posts)
    assert result.status["crawl_state"]["etag"]


def test_feed_conditional_get_and_new_entries(crawl, mock):
    url = f"{mock.url}/feeds/growing.xml"
    first = crawl("feed", url=url)
    state = first.status["crawl_state"]
    unchanged = crawl("feed", url=url, crawl_state=state)
    assert unchanged.posts == []
    assert unchanged.stats["monitor/not_modified"] == 1
    assert [h["status"] for h in mock.hits() if h["path"] == "/feeds/growing.xml"][-1] == 304
    mock.publish("feed", "growing.xml", 2)
    second = crawl("feed", url=url, crawl_state=state)
    assert len(second.posts) == 2
    assert second.status["crawl_state"]["etag"] != state["etag"]


def test_feed_malformed_is_counted(crawl, mock):
    result = crawl("feed", url=f"{mock.url}/feeds/garbled.xml")
    assert result.stats["finish_reason"] == "finished"
    assert result.stats["monitor/bad_responses/malformed_feed"] == 1


def test_feed_oversized(crawl, mock):
    result = crawl(
        "feed", url=f"{mock.url}/feeds/huge.xml", settings={"DOWNLOAD_MAXSIZE": 1024 * 1024}
    )
    assert result.stats["monitor/bad_responses/oversized"] == 1
    assert result.status["state"] == "error"


def test_feed_not_found(crawl, mock):
    result = crawl("feed", url=f"{mock.url}/feeds/missing.xml")
    assert result.status["state"] == "not_found"


def test_page_visible_text_only_and_versions(crawl, mock):
    url = f"{mock.url}/pages/changing.html"
    first = crawl("page", url=url)
    [post] = first.posts
    assert post["post_id"] == url and post["source"] == "html"
    assert "synthetic page" in post["text"]
    assert "HIDDEN" not in post["text"]
    state = first.status["crawl_state"]
    assert crawl("page", url=url, crawl_state=state).posts == []
    mock.publish("page", "changing.html")
    [changed] = crawl("page", url=url, crawl_state=state).posts
    assert changed["post_id"] == url and changed["text"] != post["text"]


def test_page_truncated_and_invalid_utf8(crawl, mock):
    truncated = crawl("page", url=f"{mock.url}/pages/truncated.html")
    assert truncated.stats["monitor/bad_responses/truncated_html"] == 1
    assert len(truncated.posts) == 1
    bad = crawl("page", url=f"{mock.url}/pages/badbytes.html")
    assert bad.stats["monitor/bad_responses/invalid_utf8"] == 1
    assert "\ufffd" in bad.posts[0]["text"]


def test_page_503_with_http_date_retry_after(crawl, mock):
    result = crawl("page", url=f"{mock.url}/pages/ratelimited.html")
    assert len(result.posts) == 1
    hits = [h for h in mock.hits() if h["path"] == "/pages/ratelimited.html"]
    assert [h["status"] for h in hits] == [503, 200]
    assert hits[1]["time"] - hits[0]["time"] >= 0.5


# -- archive ---------------------------------------------------------------------------------


def test_archive_spider_with_resume_keys_and_incremental(crawl, mock):
    url = f"{mock.url}/pages/leaky.html"
    result = crawl("archive", url=url, settings={"MONITOR_ARCHIVE_CDX_LIMIT": 1})
    assert len(result.posts) == 3
    assert {p["source"] for p in result.posts} == {"archive"}
    assert {p["post_id"] for p in result.posts} == {url}
    assert len({p["text"] for p in result.posts}) == 3
    assert sum("resumeKey=" in h["path"] for h in mock.hits()) == 2
    state = result.status["crawl_state"]
    again = crawl("archive", url=url, crawl_state=state)
    assert again.posts == []
    assert "from=" in [h for h in mock.hits() if h["path"].startswith("/cdx/")][-1]["path"]


def test_archive_spider_parses_telegram_previews(crawl):
    result = crawl("archive", url="https://t.me/leakychan")
    assert result.posts
    assert all(
        p["platform"] == "telegram" and p["post_id"].startswith("leakychan/") for p in result.posts
    )
