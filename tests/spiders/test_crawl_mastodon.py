"""Mastodon spider crawls through the replay server."""

from __future__ import annotations

from datetime import datetime

import pytest


def _account(mock, user: str) -> str:
    return f"{mock.url}/@{user}"


def test_first_crawl_backfills_newest_posts_across_pages(crawl, mock):
    result = crawl("mastodon", url=_account(mock, "leaky"), backfill=100)
    posts = result.posts
    assert len(posts) == 100
    assert len({p["post_id"] for p in posts}) == 100
    times = [datetime.fromisoformat(p["posted_at"]) for p in posts]
    assert times == sorted(times, reverse=True)
    assert all(t.utcoffset().total_seconds() == 0 for t in times)
    assert result.status["state"] == "ok"
    assert result.status["platform_account_id"] == "109300000000000101"
    assert result.status["crawl_state"]["since_id"] == posts[0]["post_id"].rsplit("/", 1)[1]
    first = posts[0]
    assert first["platform"] == "mastodon" and first["source"] == "api"
    assert first["capture"]["status"] == 200
    assert "/api/v1/accounts/109300000000000101/statuses" in first["capture"]["request_url"]
    assert first["capture"]["body"]["length"] > 0
    # 40 per page: 40 + 40 + 20 (the last page asks for only what is left).
    statuses = [h for h in mock.hits() if "/statuses" in h["path"]]
    assert len(statuses) == 3
    assert "limit=20" in statuses[-1]["path"]
    # Every scanned field is filled somewhere: CW, alt text, boosted/quoted text, PII.
    assert any(p["content_warning"] for p in posts)
    assert any(p["alt_texts"] for p in posts)
    assert any(p["quoted_text"] for p in posts)
    assert any("ID card" in a for p in posts for a in p["alt_texts"])


def test_backfill_larger_than_history_stops_at_the_end(crawl, mock):
    result = crawl("mastodon", url=_account(mock, "growing"), backfill=500)
    assert len(result.posts) == 30
    assert result.status["state"] == "ok"


def test_second_crawl_with_crawl_state_yields_only_new_posts(crawl, mock):
    first = crawl("mastodon", url=_account(mock, "growing"), backfill=10)
    state = first.status["crawl_state"]
    unchanged = crawl("mastodon", url=_account(mock, "growing"), crawl_state=state)
    assert unchanged.posts == []
    assert unchanged.status["crawl_state"]["since_id"] == state["since_id"]
    mock.publish("mastodon", "growing", 45)  # more than one page of news
    second = crawl("mastodon", url=_account(mock, "growing"), crawl_state=state)
    assert len(second.posts) == 45
    old_ids = {p["post_id"] for p in first.posts}
    assert not old_ids & {p["post_id"] for p in second.posts}
    newest = max(second.posts, key=lambda p: (len(p["post_id"]), p["post_id"]))
    assert second.status["crawl_state"]["since_id"] == newest["post_id"].rsplit("/", 1)[1]
    assert any("min_id=" in h["path"] for h in mock.hits())


def test_suspended_account_is_reported_and_archive_is_searched(crawl, mock):
    result = crawl(
        "mastodon", url=_account(mock, "suspended"), settings={"MONITOR_ARCHIVE_CDX_LIMIT": 3}
    )
    assert result.status["state"] == "suspended"
    assert result.posts, "archived copies of the suspended account"
    assert {p["source"] for p in result.posts} == {"archive"}
    assert all(p["archive_timestamp"] for p in result.posts)
    assert all(p["post_id"].startswith(_account(mock, "suspended") + "/") for p in result.posts)
    cdx = [h for h in mock.hits() if h["path"].startswith("/cdx/")]
    assert len(cdx) >= 3 and any("resumeKey=" in h["path"] for h in cdx)
    assert result.status["crawl_state"]["archive_last"].isdigit()


@pytest.mark.parametrize(("user", "needle"), [("nobody", "HTTP 404"), ("gone", "HTTP 410")])
def test_missing_and_gone_accounts_are_not_found(crawl, mock, user, needle):
    result = crawl("mastodon", url=_account(mock, user))
    assert result.status["state"] == "not_found"
    assert needle in result.status["error"]
    assert result.posts == []


def test_unauthenticated_api_falls_back_to_rss(crawl, mock):
    result = crawl("mastodon", url=_account(mock, "locked"))
    assert result.status["state"] == "ok"
    assert len(result.posts) == 20
    assert {p["source"] for p in result.posts} == {"rss"}
    assert result.stats["monitor/mastodon/rss_fallback"] == 1
    assert any(p["alt_texts"] for p in result.posts)
    assert any(p["content_warning"] for p in result.posts)


def test_429_is_retried_after_retry_after(crawl, mock):
    result = crawl("mastodon", url=_account(mock, "ratelimited"), backfill=40)
    assert result.status["state"] == "ok"
    assert len(result.posts) == 40
    hits = [h for h in mock.hits() if "/statuses" in h["path"]]
    assert [h["status"] for h in hits[:2]] == [429, 200]
    assert hits[1]["time"] - hits[0]["time"] >= 0.9
    assert result.stats["monitor/retry_wait/count"] >= 1


def test_500_then_success(crawl, mock):
    result = crawl("mastodon", url=_account(mock, "flaky"), backfill=40)
    assert result.status["state"] == "ok"
    assert len(result.posts) == 30
    assert result.stats["retry/count"] == 1


@pytest.mark.parametrize(
    ("user", "kind"), [("garbled", "malformed_json"), ("badbytes", "invalid_utf8")]
)
def test_bad_json_is_counted_not_fatal(crawl, mock, user, kind):
    result = crawl("mastodon", url=_account(mock, user))
    assert result.stats["finish_reason"] == "finished"
    assert result.stats["monitor/bad_responses"] == 1
    assert result.stats[f"monitor/bad_responses/{kind}"] == 1
    assert result.status["state"] == "error"
    assert result.status["error"]


def test_oversized_response_is_counted(crawl, mock):
    result = crawl(
        "mastodon", url=_account(mock, "huge"), settings={"DOWNLOAD_MAXSIZE": 1024 * 1024}
    )
    assert result.stats["finish_reason"] == "finished"
    assert result.stats["monitor/bad_responses/oversized"] == 1
    assert result.status["state"] == "error"


def test_cached_adds_archived_copies_to_a_live_crawl(crawl, mock):
    result = crawl("mastodon", url=_account(mock, "leaky"), backfill=5, cached=1)
    sources = [p["source"] for p in result.posts]
    assert sources.count("api") == 5
    assert sources.count("archive") == 1
    assert result.status["state"] == "ok"


def test_nothing_leaves_loopback(crawl, mock):
    # The mock's pages link to other.example and CDN hosts; none is requested (the
    # allowed-hosts middleware would drop it and count a request failure).
    result = crawl("mastodon", url=_account(mock, "leaky"), backfill=5, cached=1)
    assert "monitor/request_failures" not in result.stats


def test_retry_delays_can_be_switched_off(crawl, mock):
    result = crawl(
        "mastodon",
        url=_account(mock, "ratelimited"),
        backfill=5,
        settings={"MONITOR_RETRY_DELAYS_ENABLED": False},
    )
    assert len(result.posts) == 5
    hits = [h for h in mock.hits() if "/statuses" in h["path"]]
    assert [h["status"] for h in hits] == [429, 200]
    assert hits[1]["time"] - hits[0]["time"] < 0.9
