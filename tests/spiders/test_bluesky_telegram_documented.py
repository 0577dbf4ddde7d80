"""Bluesky and Telegram crawls against a loopback server that answers as the platforms are
documented to: Bluesky's ``indexedAt`` is the server's time and its author feed is ordered by
the earlier of ``createdAt`` and ``indexedAt``; Telegram renames channels with a redirect,
shows polls and documents, and archived copies carry bytes after ``</html>``.
Everything is synthetic."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request

from spiders.parsers import telegram
from tests.spiders.loopback import Answer, Site, as_html, as_json

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "documented_bsky_tg"
DID = "did:plc:documentedtest"
BLUESKY = "https://bsky.app/profile/alice.test"
TELEGRAM = "https://t.me/s/chan"
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def server() -> Iterator[Site]:
    site = Site()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture
def site(server: Site) -> Site:
    server.routes.clear()
    server.hits.clear()
    return server


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parsed(value: str) -> datetime:
    return datetime.fromisoformat(value)


# -- Bluesky ------------------------------------------------------------------------------------


def bsky(rkey: str, created: datetime, indexed: datetime, did: str = DID) -> dict[str, Any]:
    """A ``feedViewPost`` of ``did``'s post ``rkey``: ``createdAt`` set by the client,
    ``indexedAt`` by the AppView."""
    return {
        "post": {
            "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
            "cid": f"bafy{rkey}",
            "author": {"did": did, "handle": "alice.test"},
            "record": {
                "$type": "app.bsky.feed.post",
                "text": f"post {rkey}",
                "createdAt": iso(created),
            },
            "indexedAt": iso(indexed),
        }
    }


def uri(rkey: str) -> str:
    return f"at://{DID}/app.bsky.feed.post/{rkey}"


def serve_feed(site: Site, pages: dict[str, list[dict[str, Any]]]) -> None:
    """The profile, and author feed pages by cursor ("" the first); each page but the last
    names the next ("c1", "c2", ...)."""
    site.routes["/xrpc/app.bsky.actor.getProfile"] = lambda q: as_json(
        {"did": DID, "handle": "alice.test"}
    )
    order = list(pages)

    def feed(query: dict[str, str]) -> Answer:
        cursor = query.get("cursor", "")
        body: dict[str, Any] = {"feed": pages[cursor]}
        following = order.index(cursor) + 1
        if following < len(order):
            body["cursor"] = order[following]
        return as_json(body)

    site.routes["/xrpc/app.bsky.feed.getAuthorFeed"] = feed


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(  # the author's clock is 5 s behind: createdAt before the known post's
            (NOW - HOUR, NOW - HOUR),
            (NOW - HOUR - timedelta(seconds=5), NOW - HOUR + timedelta(seconds=30)),
            id="clock_skew",
        ),
        pytest.param(  # an imported post: createdAt years back, indexed now
            (NOW - HOUR, NOW - HOUR),
            (datetime(2019, 5, 1, tzinfo=UTC), NOW - timedelta(minutes=1)),
            id="backdated",
        ),
        pytest.param(  # the known post's clock was 12 h ahead
            (NOW + 12 * HOUR, NOW - HOUR),
            (NOW - timedelta(minutes=1), NOW - timedelta(minutes=1)),
            id="near_future",
        ),
    ],
)
def test_bluesky_new_post_is_found_whatever_its_createdAt(
    site: Site,
    tmp_path: Path,
    first: tuple[datetime, datetime],
    second: tuple[datetime, datetime],
) -> None:
    known, new = bsky("known", *first), bsky("new", *second)
    serve_feed(site, {"": [known]})
    before = site.crawl(tmp_path, "bluesky", url=BLUESKY)
    assert [p["post_id"] for p in before.posts] == [uri("known")]
    state = before.status["crawl_state"]
    assert parsed(state["newest_at"]) == first[1], "server time, not createdAt"

    serve_feed(site, {"": [new, known]})
    after = site.crawl(tmp_path, "bluesky", url=BLUESKY, crawl_state=state)
    assert [p["post_id"] for p in after.posts] == [uri("new")]
    assert after.posts[0]["posted_at"] == second[0].isoformat(), "createdAt stays the date"
    assert after.status["state"] == "ok"
    assert parsed(after.status["crawl_state"]["newest_at"]) == second[1]


def test_bluesky_post_indexed_at_the_same_moment_as_the_newest_is_not_lost(
    site: Site, tmp_path: Path
) -> None:
    moment = NOW - HOUR
    serve_feed(site, {"": [bsky("a", moment, moment)]})
    state = site.crawl(tmp_path, "bluesky", url=BLUESKY).status["crawl_state"]
    serve_feed(site, {"": [bsky("b", moment, moment), bsky("a", moment, moment)]})
    second = site.crawl(tmp_path, "bluesky", url=BLUESKY, crawl_state=state)
    assert [p["post_id"] for p in second.posts] == [uri("b")]
    third = site.crawl(tmp_path, "bluesky", url=BLUESKY, crawl_state=second.status["crawl_state"])
    assert third.posts == []


def test_bluesky_paging_goes_past_known_posts_to_a_skewed_one_sorted_below(
    site: Site, tmp_path: Path
) -> None:
    """The AppView sorts by the earlier of createdAt and indexedAt: a post from a slow clock
    lands below the newest known post, here on the next page; paging stops at a post indexed
    more than a day before the newest known one."""
    known = bsky("known", NOW - HOUR, NOW - HOUR)
    old = bsky("old", NOW - 72 * HOUR, NOW - 72 * HOUR)
    serve_feed(site, {"": [known, old]})
    state = site.crawl(tmp_path, "bluesky", url=BLUESKY).status["crawl_state"]

    fresh = bsky("fresh", NOW - timedelta(minutes=2), NOW - timedelta(minutes=2))
    skewed = bsky("skewed", NOW - 2 * HOUR, NOW - timedelta(minutes=1))
    ancient = bsky("ancient", NOW - 96 * HOUR, NOW - 96 * HOUR)
    serve_feed(site, {"": [fresh, known], "c1": [skewed, old], "c2": [ancient]})
    site.hits.clear()
    second = site.crawl(tmp_path, "bluesky", url=BLUESKY, crawl_state=state)
    assert [p["post_id"] for p in second.posts] == [uri("fresh"), uri("skewed")]
    feed_hits = [h for h in site.hits if "getAuthorFeed" in h]
    assert len(feed_hits) == 2 and "cursor=c1" in feed_hits[1], feed_hits


def test_bluesky_pages_mixing_one_new_post_into_known_ones_end(site: Site, tmp_path: Path) -> None:
    """A hostile feed adds one new post to every page of known ones, with a fresh cursor each
    time: paging stops a few pages past the first page that held known posts."""
    known = [bsky(f"k{n}", NOW - HOUR - n * timedelta(seconds=1), NOW - HOUR) for n in range(5)]
    serve_feed(site, {"": known})
    state = site.crawl(tmp_path, "bluesky", url=BLUESKY).status["crawl_state"]
    pages = {
        ("" if n == 0 else f"c{n}"): [
            bsky(f"new{n}", NOW - timedelta(minutes=1), NOW - timedelta(seconds=n)),
            *known,
        ]
        for n in range(50)
    }
    serve_feed(site, pages)
    site.hits.clear()
    second = site.crawl(tmp_path, "bluesky", url=BLUESKY, crawl_state=state)
    feed_hits = [h for h in site.hits if "getAuthorFeed" in h]
    assert len(feed_hits) <= 4, feed_hits
    assert second.status["state"] == "ok"


def test_bluesky_many_posts_at_the_newest_moment_do_not_come_back(
    site: Site, tmp_path: Path
) -> None:
    moment = NOW - HOUR
    tied = [bsky(f"t{n:03d}", moment, moment) for n in range(120)]
    serve_feed(site, {"": tied[:60], "c1": tied[60:]})
    first = site.crawl(tmp_path, "bluesky", url=BLUESKY, backfill="500")
    assert len(first.posts) == 120
    second = site.crawl(tmp_path, "bluesky", url=BLUESKY, crawl_state=first.status["crawl_state"])
    assert second.posts == []


def test_bluesky_repost_is_new_by_its_own_indexedAt_and_a_pin_does_not_stop_paging(
    site: Site, tmp_path: Path
) -> None:
    known = bsky("known", NOW - HOUR, NOW - HOUR)
    serve_feed(site, {"": [known]})
    state = site.crawl(tmp_path, "bluesky", url=BLUESKY).status["crawl_state"]

    reposted_at = NOW - timedelta(minutes=5)
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    repost = {
        **bsky("theirs", long_ago, long_ago, "did:plc:other"),
        "reason": {
            "$type": "app.bsky.feed.defs#reasonRepost",
            "by": {"did": DID, "handle": "alice.test"},
            "uri": f"at://{DID}/app.bsky.feed.repost/rp1",
            "indexedAt": iso(reposted_at),
        },
    }
    pinned = {
        **bsky("pinned", long_ago, long_ago),
        "reason": {"$type": "app.bsky.feed.defs#reasonPin"},
    }
    later = bsky("later", NOW - timedelta(minutes=3), NOW - timedelta(minutes=3))
    serve_feed(site, {"": [pinned, later], "c1": [repost, known]})
    second = site.crawl(tmp_path, "bluesky", url=BLUESKY, crawl_state=state)
    posts = {p["post_id"]: p for p in second.posts}
    assert set(posts) == {uri("later"), f"at://{DID}/app.bsky.feed.repost/rp1"}
    shared = posts[f"at://{DID}/app.bsky.feed.repost/rp1"]
    assert shared["posted_at"] == reposted_at.isoformat()
    assert shared["quoted_text"] == "post theirs"
    assert parsed(second.status["crawl_state"]["newest_at"]) == NOW - timedelta(minutes=3)


# -- Telegram -----------------------------------------------------------------------------------


def tg_message(channel: str, number: int) -> str:
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        f'<div class="tgme_widget_message js-widget_message" data-post="{channel}/{number}">'
        '<div class="tgme_widget_message_bubble">'
        f'<div class="tgme_widget_message_text js-message_text">message {number}</div>'
        '<div class="tgme_widget_message_footer"><a class="tgme_widget_message_date" '
        f'href="https://t.me/{channel}/{number}"><time datetime="2024-05-01T10:00:00+00:00">'
        "10:00</time></a></div></div></div></div>"
    )


def tg_page(channel: str, numbers: list[int], before: int | None, tail: str = "") -> str:
    more = (
        f'<a class="tme_messages_more js-messages_more" data-before="{before}" '
        f'href="/s/{channel}?before={before}"></a>'
        if before
        else ""
    )
    messages = "".join(tg_message(channel, n) for n in numbers)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Chan</title></head><body>"
        '<div class="tgme_channel_info"></div>'
        f'<section class="tgme_channel_history js-message_history">{more}{messages}</section>'
        "</body></html>" + tail
    )


def test_telegram_renamed_channel_is_followed_and_reported(site: Site, tmp_path: Path) -> None:
    site.routes["/s/chan"] = lambda q: (301, {"Location": "/s/chan_new"}, b"")
    site.routes["/s/chan_new"] = lambda q: as_html(
        tg_page("chan_new", [5, 4], 4) if "before" not in q else tg_page("chan_new", [3], None)
    )
    result = site.crawl(tmp_path, "telegram", url=TELEGRAM)
    assert [p["post_id"] for p in result.posts] == ["chan_new/5", "chan_new/4", "chan_new/3"]
    assert "/s/chan_new?before=4" in site.hits
    assert result.status["state"] == "ok"
    assert "renamed" in result.status["error"] and "chan_new" in result.status["error"]
    assert result.status["platform_account_id"] == "chan_new"
    assert result.stats["monitor/channel_renamed"] == 1
    assert result.status["crawl_state"]["last_id"] == "5"


def test_telegram_bytes_after_the_closing_tag_do_not_stop_paging(
    site: Site, tmp_path: Path
) -> None:
    tail = "\n<!-- " + "appended footer " * 40 + "-->\n"
    site.routes["/s/chan"] = lambda q: as_html(
        tg_page("chan", [10, 9], 9, tail) if "before" not in q else tg_page("chan", [8], None, tail)
    )
    result = site.crawl(tmp_path, "telegram", url=TELEGRAM)
    assert [p["post_id"] for p in result.posts] == ["chan/10", "chan/9", "chan/8"]
    assert "monitor/bad_responses/truncated_html" not in result.stats
    assert result.status["state"] == "ok"


def html_response(html: str | bytes, url: str = "https://t.me/s/synthleaks") -> HtmlResponse:
    body = html.encode() if isinstance(html, str) else html
    headers = {"Content-Type": "text/html; charset=utf-8"}
    return HtmlResponse(url=url, body=body, headers=headers, request=Request(url))


def test_telegram_poll_and_document_text_is_part_of_the_post() -> None:
    page = html_response((FIXTURES / "telegram_poll_document.html").read_bytes())
    problems: list[str] = []
    posts = telegram.parse_channel_page(page, "https://t.me/synthleaks", problems)
    assert problems == [], "the archive's comment after </html> is no truncation"
    texts = {p.post_id: p.text for p in posts}
    assert texts["synthleaks/40"] == (
        "Who lives at 12 Synthetic Street? Call 555-0142\njane.roe@example.com\nnobody"
    )
    assert texts["synthleaks/41"] == "Which birthday is right?\nborn 14.03.1987"
    assert texts["synthleaks/42"] == "the full scan, as promised\nSSN_078-05-1120_scan.pdf"
    [document] = [p for p in posts if p.post_id == "synthleaks/42"]
    assert "QUOTED" not in document.text and "QUOTED" in document.quoted_text
    assert telegram.older_page(page) == "40"


@pytest.mark.parametrize(
    ("html", "truncated"),
    [
        pytest.param(tg_page("chan", [3, 2], None, "x" * 500), False, id="trailing_bytes"),
        pytest.param(
            tg_page("chan", [3, 2], None).replace("</html>", "</HTML>"), False, id="upper_case"
        ),
        pytest.param(tg_page("chan", [3, 2], None)[:-40], True, id="cut_after_messages"),
        pytest.param(
            "<html><script>var end = '</html>';</script>" + tg_page("chan", [3, 2], None)[:600],
            True,
            id="closing_tag_only_before_a_cut_message",
        ),
    ],
)
def test_telegram_truncation_is_a_missing_closing_tag_after_the_messages(
    html: str, truncated: bool
) -> None:
    problems: list[str] = []
    telegram.parse_channel_page(html_response(html, TELEGRAM), TELEGRAM, problems)
    assert ("truncated_html" in problems) is truncated
