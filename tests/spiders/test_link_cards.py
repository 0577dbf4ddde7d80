"""Text a reader sees around a post, besides its body: Bluesky's external link cards
(``app.bsky.embed.external#view``, alone or as the media of ``recordWithMedia#view``) and
quoted posts two levels deep, Telegram's link previews (``.tgme_widget_message_link_preview``).
Parsed from real-shaped bodies, and crawled from a loopback server through the pipelines.
Everything is synthetic."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from pipelines.normalise import scanned_fields
from pipelines.pii import Engine
from spiders.parsers import bluesky, telegram
from tests.spiders.loopback import Site

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "link_cards"
FEED = FIXTURES / "bluesky_author_feed.json"
PREVIEW = FIXTURES / "telegram_link_preview.html"
DID = "did:plc:linkcardstest0000000000a"
BLUESKY = "https://bsky.app/profile/cards.bsky.test"
TELEGRAM = "https://t.me/s/synthcards"
ENGINE = Engine(b"test-key")


def rkey(post_id: str) -> str:
    return post_id.rsplit("/", 1)[-1]


def kinds(findings: list[Any], field: str) -> set[str]:
    """The kinds found in ``field`` (findings as ``(field, Finding)`` or their JSON)."""
    found = set()
    for name, finding in findings:
        if name == field:
            found.add(finding["kind"] if isinstance(finding, dict) else finding.kind)
    return found


def scan(post: Any) -> list[tuple[str, Any]]:
    """What the detect pipeline attaches to ``post``: its scanned fields through the engine."""
    return [(name, f) for name, text in scanned_fields(post) for f in ENGINE.scan(text)]


# -- Bluesky: parsing -------------------------------------------------------------------------


def feed_response(body: dict[str, Any]) -> TextResponse:
    url = "https://api.example/xrpc/app.bsky.feed.getAuthorFeed?actor=x"
    return TextResponse(url, body=json.dumps(body).encode(), request=Request(url))


def feed_body() -> dict[str, Any]:
    return json.loads(FEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bsky_posts() -> dict[str, Any]:
    posts, cursor = bluesky.parse_author_feed(feed_response(feed_body()), BLUESKY)
    assert cursor and len(posts) == 7
    return {rkey(p.post_id): p for p in posts}


def test_bluesky_link_card_is_appended_to_the_post_text(bsky_posts: dict[str, Any]) -> None:
    post = bsky_posts["3lcard1"]
    assert post.text == (
        "read this\n\nJane Roe, SSN 536-22-1234\nLives at 221 Maple Avenue, Springfield, IL 62704."
    )
    assert post.quoted_text == "" and post.alt_texts == []
    assert {"national_id", "address"} <= kinds(scan(post), "body")


def test_bluesky_link_card_as_media_of_record_with_media(bsky_posts: dict[str, Any]) -> None:
    post = bsky_posts["3lcard2"]
    assert post.text == "see the card and the quote\n\nWho is this?\nphone +1 415 555 0199"
    assert post.quoted_text == "the quoted post"
    assert "phone" in kinds(scan(post), "body")


def test_bluesky_quote_of_a_quote_is_read_two_levels_deep(bsky_posts: dict[str, Any]) -> None:
    post = bsky_posts["3lcard3"]
    assert post.text == "quoting a quote"
    assert post.quoted_text == "first level quote\n\nborn 14.03.1987, the second level"
    assert "LEVEL THREE" not in post.quoted_text, "bounded: a third level is not read"
    assert "date_of_birth" in kinds(scan(post), "quoted")


def test_bluesky_link_card_of_a_quoted_post_is_quoted_text(bsky_posts: dict[str, Any]) -> None:
    post = bsky_posts["3lcard4"]
    assert post.text == "quoting a card"
    assert post.quoted_text == (
        "look at this paste\n\npaste: Home: 12 Synthetic Street\ncall 555-0142"
    )
    assert "address" in kinds(scan(post), "quoted")


def test_bluesky_repost_carries_the_reposted_card(bsky_posts: dict[str, Any]) -> None:
    repost = bsky_posts["3lrepost5"]
    assert repost.text == ""
    assert repost.quoted_text == "boosting\n\nLeak: SSN 536-22-1234", "empty description: no line"
    assert "national_id" in kinds(scan(repost), "quoted")


def test_bluesky_card_in_the_record_when_no_view_was_sent(bsky_posts: dict[str, Any]) -> None:
    post = bsky_posts["3lcard6"]
    assert post.text == "Record-only card\nborn 14.03.1987"


def test_bluesky_card_fields_of_the_wrong_type_are_missing(bsky_posts: dict[str, Any]) -> None:
    assert bsky_posts["3lcard7"].text == "odd card"


def test_bluesky_level_two_card_comes_from_the_view_when_hydrated() -> None:
    """A level-two quoted post whose view has ``embeds``: its card is read from them."""
    body = feed_body()
    level1 = body["feed"][2]["post"]["embed"]["record"]
    level2 = level1["embeds"][0]["record"]
    level2["embeds"] = [
        {
            "$type": "app.bsky.embed.external#view",
            "external": {"uri": "https://z.example/", "title": "deep card", "description": "d"},
        }
    ]
    posts, _ = bluesky.parse_author_feed(feed_response(body), BLUESKY)
    quote = next(p for p in posts if rkey(p.post_id) == "3lcard3")
    assert quote.quoted_text.endswith("born 14.03.1987, the second level\n\ndeep card\nd")


def test_bluesky_deeply_nested_quotes_are_bounded() -> None:
    """Quotes nested a hundred deep (a hostile AppView) are read two levels, no deeper."""
    body = feed_body()
    item = body["feed"][2]
    record = item["post"]["embed"]["record"]
    for depth in range(100):
        record = {
            **record,
            "value": {**record["value"], "text": f"depth {depth}"},
            "embeds": [{"$type": "app.bsky.embed.record#view", "record": record}],
        }
    item["post"]["embed"] = {"$type": "app.bsky.embed.record#view", "record": record}
    body["feed"] = [item]
    posts, _ = bluesky.parse_author_feed(feed_response(body), BLUESKY)
    assert posts[0].quoted_text == "depth 99\n\ndepth 98"


# -- Telegram: parsing ------------------------------------------------------------------------


def preview_page(html: bytes) -> HtmlResponse:
    return HtmlResponse(TELEGRAM, body=html, encoding="utf-8", request=Request(TELEGRAM))


@pytest.fixture(scope="module")
def tg_posts() -> dict[str, Any]:
    problems: list[str] = []
    page = preview_page(PREVIEW.read_bytes())
    posts = telegram.parse_channel_page(page, TELEGRAM, problems)
    assert problems == []
    return {p.post_id: p for p in posts}


def test_telegram_link_preview_title_and_description_follow_the_body(
    tg_posts: dict[str, Any],
) -> None:
    post = tg_posts["synthcards/50"]
    assert post.text == (
        "read this news.example/2025/03/doxx\nJane Roe, SSN 536-22-1234\n"
        "Lives at 221 Maple Avenue,\nSpringfield, IL 62704."
    )
    assert "Example News" not in post.text, "the site name is not the card's text"
    assert {"national_id", "address"} <= kinds(scan(post), "body")


def test_telegram_link_preview_without_body_or_title(tg_posts: dict[str, Any]) -> None:
    post = tg_posts["synthcards/51"]
    assert post.text == "phone +1 415 555 0199"
    assert post.quoted_text == "read this news.example/2025/03/doxx"
    assert "phone" in kinds(scan(post), "body")


def test_telegram_message_without_a_preview_is_unchanged(tg_posts: dict[str, Any]) -> None:
    assert tg_posts["synthcards/52"].text == "no preview here"


# -- Crawls through a loopback server ---------------------------------------------------------


@pytest.fixture
def site() -> Iterator[Site]:
    body = feed_body()
    del body["cursor"]  # one page
    profile = {"did": DID, "handle": "cards.bsky.test"}
    server = Site()
    answers = {
        "/xrpc/app.bsky.actor.getProfile": ("application/json", json.dumps(profile).encode()),
        "/xrpc/app.bsky.feed.getAuthorFeed": ("application/json", json.dumps(body).encode()),
        "/s/synthcards": ("text/html; charset=utf-8", PREVIEW.read_bytes()),
    }
    for path, (kind, payload) in answers.items():
        server.routes[path] = lambda query, kind=kind, payload=payload: (
            200,
            {"Content-Type": kind},
            payload,
        )
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def test_bluesky_crawl_flags_data_in_link_cards_and_deep_quotes(site: Site, tmp_path: Path) -> None:
    result = site.crawl(tmp_path, "bluesky", url=BLUESKY)
    assert result.status["state"] == "ok", result.log
    posts = {rkey(p["post_id"]): p for p in result.posts}
    assert len(posts) == 7
    assert {"national_id", "address"} <= kinds(posts["3lcard1"]["findings"], "body")
    assert "phone" in kinds(posts["3lcard2"]["findings"], "body")
    assert "date_of_birth" in kinds(posts["3lcard3"]["findings"], "quoted")
    assert "address" in kinds(posts["3lcard4"]["findings"], "quoted")
    assert "national_id" in kinds(posts["3lrepost5"]["findings"], "quoted")


def test_telegram_crawl_flags_data_in_link_previews(site: Site, tmp_path: Path) -> None:
    result = site.crawl(tmp_path, "telegram", url=TELEGRAM)
    assert result.status["state"] == "ok", result.log
    posts = {p["post_id"]: p for p in result.posts}
    assert set(posts) == {"synthcards/50", "synthcards/51", "synthcards/52"}
    assert {"national_id", "address"} <= kinds(posts["synthcards/50"]["findings"], "body")
    assert "phone" in kinds(posts["synthcards/51"]["findings"], "body")
    assert posts["synthcards/52"]["findings"] == []
