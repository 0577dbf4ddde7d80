"""Parsers on saved responses (tests/fixtures), no crawling."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse
from stdnum.cn import ric

from spiders.parsers import archive, bluesky, mastodon, telegram
from spiders.parsers import feed as feeds
from spiders.parsers.common import BadResponse, html_to_text, parse_wayback_timestamp

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ACCOUNT = "https://mastodon.example/@leaky"


def response(
    cls: type[TextResponse], name: str, url: str, status: int = 200, headers=None
) -> TextResponse:
    path = FIXTURES / name
    saved = path.with_name(path.name + ".headers.json")
    all_headers = json.loads(saved.read_text()) if saved.exists() else {}
    all_headers.update(headers or {})
    return cls(
        url=url, body=path.read_bytes(), status=status, headers=all_headers, request=Request(url)
    )


# -- Mastodon --------------------------------------------------------------------------------


@pytest.fixture
def statuses() -> TextResponse:
    url = "https://mastodon.example/api/v1/accounts/109300000000000101/statuses?limit=40"
    return response(TextResponse, "mastodon/statuses.json", url)


def test_mastodon_statuses_fields(statuses):
    posts = mastodon.parse_statuses(statuses, ACCOUNT)
    assert len(posts) == 6
    by_index = dict(zip((25, 19, 16, 10, 7, 3), posts, strict=True))
    for post in posts:
        assert post.platform == "mastodon" and post.source == "api"
        assert post.post_id.startswith(ACCOUNT + "/")
        assert post.posted_at is not None and post.posted_at.tzinfo is not None
        assert post.capture is not None and post.capture.status == 200
        assert post.capture.headers["X-Ratelimit-Limit"] == "300"
        assert json.loads(post.raw)["id"] == mastodon.status_id_of(post.post_id)
    assert by_index[25].quoted_text, "quote post: the quoted status's text"
    boost = by_index[19]
    assert boost.text == "" and boost.quoted_text and boost.language == "en"
    assert boost.url.startswith("https://other.example/@someone/")
    assert by_index[16].content_warning == "long post"
    [alt] = by_index[7].alt_texts
    assert ric.is_valid(alt.rsplit(" ", 1)[1])
    assert "ID" in by_index[3].text and "<p>" not in by_index[3].text


def test_mastodon_link_header(statuses):
    assert "max_id=" in mastodon.link_url(statuses, "next")
    assert "min_id=" in mastodon.link_url(statuses, "prev")
    assert mastodon.link_url(statuses, "last") is None


def test_mastodon_html_keeps_line_breaks():
    html = "<p>Line one<br />line two</p><p>Para <a href='x'><span>two</span></a> &amp; more</p>"
    assert html_to_text(html) == "Line one\nline two\n\nPara two & more"


def test_mastodon_account_states():
    lookup = response(TextResponse, "mastodon/lookup.json", "https://mastodon.example/x")
    assert mastodon.account_state(mastodon.parse_account(lookup)) == "ok"
    gone = response(TextResponse, "mastodon/lookup_suspended.json", "https://mastodon.example/x")
    assert mastodon.account_state(mastodon.parse_account(gone)) == "suspended"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'[{"id": "1", "content"', "malformed_json"),
        (b'["\xff\xfe"]', "invalid_utf8"),
        (b'{"error": "x"}', "unexpected_shape"),
    ],
)
def test_mastodon_bad_bodies(body, kind):
    bad = TextResponse(
        url="https://mastodon.example/api",
        body=body,
        request=Request("https://mastodon.example/api"),
    )
    with pytest.raises(BadResponse) as raised:
        mastodon.parse_statuses(bad, ACCOUNT)
    assert raised.value.kind == kind


def test_mastodon_rss():
    rss = response(XmlResponse, "mastodon/account.rss", "https://mastodon.example/@leaky.rss")
    posts = mastodon.parse_rss(rss, ACCOUNT)
    assert len(posts) == 20
    assert {p.source for p in posts} == {"rss"}
    assert all(p.post_id == p.url for p in posts)
    assert any(p.content_warning for p in posts)
    assert any(p.alt_texts for p in posts)
    assert all(p.posted_at and p.posted_at.tzinfo for p in posts)
    assert all("<" not in p.text for p in posts)


@pytest.mark.parametrize("name", ["mastodon/status_v4.html", "mastodon/status_v3.html"])
def test_mastodon_status_pages(name):
    page = response(HtmlResponse, name, "https://mastodon.example/@leaky/114090000000000000")
    [post] = mastodon.parse_status_page(page, ACCOUNT)
    assert post.post_id == f"{ACCOUNT}/114090000000000000"
    assert post.text
    assert post.posted_at is not None


def test_mastodon_status_page_v3_keeps_content_warning():
    page = response(HtmlResponse, "mastodon/status_v3.html", "https://mastodon.example/@leaky/1140")
    [post] = mastodon.parse_status_page(page, ACCOUNT)
    assert post.content_warning == "long post"


# -- Bluesky ---------------------------------------------------------------------------------


def test_bluesky_author_feed():
    feed = response(TextResponse, "bluesky/author_feed.json", "https://api.example/xrpc/x")
    posts, cursor = bluesky.parse_author_feed(feed, "https://bsky.app/profile/leaky.bsky.test")
    assert cursor and len(posts) == 5
    repost, with_media, quote, images, plain = posts
    assert repost.post_id.startswith("at://") and "/app.bsky.feed.repost/" in repost.post_id
    assert repost.text == "" and repost.quoted_text
    assert with_media.quoted_text and with_media.alt_texts, "recordWithMedia: quote and images"
    assert quote.quoted_text and not quote.alt_texts
    assert images.alt_texts and not images.quoted_text
    assert plain.text and not plain.alt_texts
    assert plain.url.startswith("https://bsky.app/profile/did:plc:")
    assert plain.post_id.split("/")[-1] == plain.url.split("/")[-1]
    assert all(p.posted_at and p.posted_at.tzinfo for p in posts)


def test_bluesky_errors():
    error = response(
        TextResponse, "bluesky/error_takedown.json", "https://api.example/xrpc/x", status=400
    )
    assert bluesky.xrpc_error(error) == ("AccountTakedown", "Account has been suspended")
    assert bluesky.error_state("AccountTakedown", "") == "suspended"
    assert bluesky.error_state("AccountDeactivated", "") == "not_found"
    assert bluesky.error_state("InvalidRequest", "Profile not found") == "not_found"
    assert bluesky.error_state("InvalidRequest", "Error: bad cursor") is None
    profile = response(TextResponse, "bluesky/profile.json", "https://api.example/xrpc/y")
    assert bluesky.parse_profile(profile)["did"].startswith("did:plc:")


# -- Telegram --------------------------------------------------------------------------------


def test_telegram_channel_page():
    page = response(HtmlResponse, "telegram/channel.html", "https://t.me/s/leakychan")
    problems: list[str] = []
    posts = telegram.parse_channel_page(page, "https://t.me/leakychan", problems)
    assert problems == []
    assert [p.post_id for p in posts] == [f"leakychan/{n}" for n in range(45, 25, -1)]
    assert posts[0].url == "https://t.me/leakychan/45"
    assert posts[0].posted_at.tzinfo is not None
    assert telegram.older_page(page) == "26"
    assert any(p.quoted_text for p in posts), "replies show the quoted message"
    assert any("\n" in p.text for p in posts) or all(p.text for p in posts)


def test_telegram_truncated_page():
    page = response(HtmlResponse, "telegram/channel_truncated.html", "https://t.me/s/leakychan")
    problems: list[str] = []
    posts = telegram.parse_channel_page(page, "https://t.me/leakychan", problems)
    assert "truncated_html" in problems
    assert 0 < len(posts) < 20


def test_telegram_landing_is_not_a_preview():
    page = response(HtmlResponse, "telegram/landing.html", "https://t.me/privchan")
    assert not telegram.is_preview(page)


# -- feeds, pages, archive ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["feed/blog.rss", "feed/blog.atom"])
def test_feeds(name):
    feed = response(XmlResponse, name, "https://blog.example/feed")
    posts = feeds.parse_feed(feed, "https://blog.example/feed")
    assert len(posts) == 8
    assert all(p.post_id.startswith("tag:mock.test,2025:") for p in posts)
    assert all(p.posted_at and p.posted_at.tzinfo == UTC for p in posts)
    assert all(p.url.startswith("https://blog.example/blog/") for p in posts)


def test_feed_ids_without_uri_are_prefixed():
    assert feeds.entry_id("https://b.example/f", {"id": "17"}) == "https://b.example/f#17"
    assert feeds.entry_id("https://b.example/f", {"id": "urn:uuid:1"}) == "urn:uuid:1"


def test_page_visible_text():
    page = response(HtmlResponse, "page/personal.html", "https://home.example/me")
    post = feeds.parse_page(page, "https://home.example/me")
    assert post.post_id == "https://home.example/me" and post.source == "html"
    assert "HIDDEN" not in post.text
    assert "First item" in post.text and "Second item" in post.text
    assert post.language == "en"


def test_cdx_with_resume_key():
    cdx = response(TextResponse, "archive/cdx_resume.json", "https://web.archive.example/cdx")
    rows, key = archive.parse_cdx(cdx)
    assert len(rows) == 3
    assert key and key.endswith("%21")
    assert rows[0].captured_at == datetime(2025, 3, 2, 8, 27, 18, tzinfo=UTC)


def test_snapshot_dispatch_uses_the_platform_parser():
    page = response(HtmlResponse, "telegram/channel.html", "https://web.archive.example/web/1id_/x")
    posts = archive.parse_snapshot(
        page, "telegram", "https://t.me/leakychan", "https://t.me/s/leakychan", "20250301000000"
    )
    assert len(posts) == 20
    assert {p.source for p in posts} == {"archive"}
    assert posts[0].archive_timestamp == datetime(2025, 3, 1, tzinfo=UTC)
    status = response(HtmlResponse, "mastodon/status_v3.html", "https://web.archive.example/w")
    [post] = archive.parse_snapshot(
        status, "mastodon", ACCOUNT, f"{ACCOUNT}/1140", "20250301000000"
    )
    assert post.post_id == f"{ACCOUNT}/1140" and post.source == "archive"


def test_wayback_timestamps():
    assert parse_wayback_timestamp("20250301") == datetime(2025, 3, 1, tzinfo=UTC)
    assert parse_wayback_timestamp("2025") == datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_wayback_timestamp("nope") is None
