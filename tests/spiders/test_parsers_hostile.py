"""Parsers on hostile responses: huge or malformed pages, wrongly typed fields, foreign links.

Each case reproduces a finding of the loopback probe against hostile servers; the bodies are
built here (or saved under ``tests/fixtures/hostile/``) and parsed without crawling.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from scrapy.http import HtmlResponse, Request, TextResponse
from twisted.python.failure import Failure

from monitor.items import Post
from pipelines.normalise import NormalisePipeline
from pipelines.normalise import html_to_text as normalise_html_to_text
from spiders.parsers import bluesky, mastodon, telegram
from spiders.parsers import feed as feeds
from spiders.parsers.common import (
    BadResponse,
    html_to_text,
    load_json,
    parse_http_date,
    parse_iso,
    tidy,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ACCOUNT = "http://127.0.0.1:8000/@alice"
HTML_FIXTURES = [
    "mastodon/status_v3.html",
    "mastodon/status_v4.html",
    "page/personal.html",
    "telegram/channel.html",
    "telegram/channel_truncated.html",
    "telegram/landing.html",
]


def json_response(url: str, body: Any, headers: dict[str, str] | None = None) -> TextResponse:
    return TextResponse(
        url=url,
        body=json.dumps(body).encode(),
        headers=headers or {},
        request=Request(url),
    )


def html_response(url: str, html: str, headers: dict[str, str] | None = None) -> HtmlResponse:
    return HtmlResponse(
        url=url,
        body=html.encode(),
        headers=headers or {"Content-Type": "text/html; charset=utf-8"},
        request=Request(url),
    )


# -- 1. HTML to text in linear time --------------------------------------------------------------


def quadratic_html_to_text(html: str) -> str:
    """The former implementation (one ``insert_before``/``insert_after`` per block, O(n)
    each), kept as the reference for the output."""
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre")
    for block in soup.find_all(blocks):
        block.insert_before("\n")
        block.insert_after("\n")
    return tidy(soup.get_text())


def status_contents() -> list[str]:
    statuses = json.loads((FIXTURES / "mastodon/statuses.json").read_text())
    return [s["content"] for s in statuses] + [
        s["reblog"]["content"] for s in statuses if isinstance(s.get("reblog"), dict)
    ]


@pytest.mark.parametrize("name", HTML_FIXTURES)
def test_html_to_text_matches_the_former_output_on_fixtures(name):
    html = (FIXTURES / name).read_text(encoding="utf-8")
    assert html_to_text(html) == quadratic_html_to_text(html)


@pytest.mark.parametrize(
    "html",
    [
        *status_contents(),
        "<p>a<p>b</p>c<br>d<div>e<script>x</script><li>f</li></div>",
        "<ruby>漢<rt>kan</rt></ruby><!-- note --><![CDATA[raw]]><template><p>t</p></template>",
        "<pre>  keep\r\n\r\n\r\n  lines </pre><table><tr><td>1</td><td>2</td></tr></table>",
        "<div><div><noscript>n</noscript><style>p{}</style>x&nbsp;&nbsp;y</div></div>",
        "<p>unclosed <b><i>text<div>x",
    ],
)
def test_html_to_text_matches_the_former_output(html):
    assert html_to_text(html) == quadratic_html_to_text(html)


def test_html_to_text_is_linear():
    html = "<p>call 0612345678 or street 12</p>" * 20_000
    started = time.perf_counter()
    text = html_to_text(html)
    elapsed = time.perf_counter() - started
    assert text.count("\n\n") == 19_999
    assert elapsed < 10, f"20,000 paragraphs took {elapsed:.1f} s (was over a minute)"


def test_html_to_text_survives_deep_nesting():
    assert html_to_text("<div>" * 50_000 + "deep") == "deep"


def test_normalise_uses_the_same_walk_and_adds_nfc():
    html = "<p>cafe\u0301</p><p>two</p>"
    assert normalise_html_to_text(html) == "caf\u00e9\n\ntwo"
    assert html_to_text(html) == "cafe\u0301\n\ntwo"


def test_normalise_pipeline_treats_non_strings_as_empty():
    post = Post(
        platform="mastodon",
        account_url=ACCOUNT,
        post_id=f"{ACCOUNT}/1",
        url=f"{ACCOUNT}/1",
        posted_at=None,
        captured_at=datetime.now(UTC),
        text={"html": "<p>x</p>"},  # type: ignore[arg-type]
        raw="{}",
        source="api",
        alt_texts=[5, " ", "<p>alt</p>"],  # type: ignore[list-item]
        quoted_text=7,  # type: ignore[arg-type]
    )
    NormalisePipeline().process_item(post)
    assert (post.text, post.alt_texts, post.quoted_text) == ("", ["alt"], "")


# -- Mastodon: one bad status, wrongly typed fields, Link header, cursor ids ----------------------

STATUSES_URL = "http://127.0.0.1:8000/api/v1/accounts/1/statuses?limit=40"


def mstatus(status_id: Any, **fields: Any) -> dict[str, Any]:
    """A Status entity as the hostile server writes it, with ``fields`` replaced."""
    status = {
        "id": str(status_id),
        "created_at": "2024-05-01T10:00:00.000Z",
        "url": f"{ACCOUNT}/{status_id}",
        "uri": f"http://127.0.0.1:8000/users/alice/statuses/{status_id}",
        "content": f"<p>post {status_id}</p>",
        "spoiler_text": "",
        "language": "en",
        "media_attachments": [],
        "reblog": None,
    }
    status.update(fields)
    return status


def status_ids(posts: list[Post]) -> list[str]:
    return [mastodon.status_id_of(p.post_id) for p in posts]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (None, "not an object"),
        (mstatus(20, id=20), "without a usable id"),
        (mstatus(20, id="1/2"), "without a usable id"),
        (mstatus(20, id="9" * 2000), "without a usable id"),
        ("a string", "not an object"),
    ],
)
def test_mastodon_bad_status_is_skipped_and_the_page_kept(bad, reason, caplog):
    page = json_response(STATUSES_URL, [mstatus(3), bad, mstatus(2), mstatus(1)])
    problems: list[str] = []
    with caplog.at_level(logging.WARNING, logger="spiders.parsers.mastodon"):
        posts = mastodon.parse_statuses(page, ACCOUNT, problems=problems)
    assert status_ids(posts) == ["3", "2", "1"]
    assert problems == ["malformed_item"]
    [record] = caplog.records
    assert "status 1 of" in record.getMessage() and reason in record.getMessage()
    assert "post 20" not in caplog.text, "no post content in the log"


def test_mastodon_page_of_the_wrong_shape_is_still_a_bad_response():
    with pytest.raises(BadResponse) as raised:
        mastodon.parse_statuses(json_response(STATUSES_URL, {"statuses": []}), ACCOUNT)
    assert raised.value.kind == "unexpected_shape"


@pytest.mark.parametrize(
    ("fields", "check"),
    [
        ({"content": {"html": "<p>x</p>"}}, lambda p: p.text == ""),
        ({"content": None, "created_at": None}, lambda p: p.text == "" and p.posted_at is None),
        ({"created_at": 12345}, lambda p: p.posted_at is None),
        ({"created_at": "yesterday"}, lambda p: p.posted_at is None),
        ({"created_at": "9999-12-31T23:59:59-05:00"}, lambda p: p.posted_at is None),
        ({"spoiler_text": ["cw"]}, lambda p: p.content_warning == ""),
        ({"language": 5}, lambda p: p.language is None),
        ({"language": "en-" + "x" * 40}, lambda p: p.language is None),
        ({"media_attachments": "abc"}, lambda p: p.alt_texts == []),
        ({"media_attachments": [{"description": 5}, None, {}]}, lambda p: p.alt_texts == []),
        ({"media_attachments": [{"description": "alt"}]}, lambda p: p.alt_texts == ["alt"]),
        ({"url": {"x": 1}}, lambda p: p.url == "http://127.0.0.1:8000/users/alice/statuses/7"),
        ({"url": "/@alice/7"}, lambda p: p.url == f"{ACCOUNT}/7"),
        ({"url": "javascript:alert(1)", "uri": 5}, lambda p: p.url == ACCOUNT),
        ({"reblog": "deleted"}, lambda p: p.quoted_text == ""),
        (
            {"reblog": {"id": None, "content": 7, "spoiler_text": "cw", "url": [1]}},
            lambda p: p.quoted_text == "cw",
        ),
    ],
)
def test_mastodon_wrongly_typed_field_counts_as_missing(fields, check):
    page = json_response(STATUSES_URL, [mstatus(7, **fields)])
    [post] = mastodon.parse_statuses(page, ACCOUNT)
    assert check(post)
    for value in (post.text, post.content_warning, post.quoted_text, post.url, *post.alt_texts):
        assert isinstance(value, str)
    assert post.language is None or isinstance(post.language, str)


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (f'<{STATUSES_URL}&max_id=41>; rel="next"', f"{STATUSES_URL}&max_id=41"),
        ('</api/v1/accounts/1/statuses?max_id=41>; rel="next"', f"{STATUSES_URL[:-9]}?max_id=41"),
        ('<file:///etc/passwd>; rel="next"', None),
        ('<http://127.0.0.1:9999/api/v1/accounts/1/statuses?max_id=41>; rel="next"', None),
        ('<http://other.example:8000/api/v1/accounts/1/statuses>; rel="next"', None),
        (
            '<https://127.0.0.1:8000/api/v1/accounts/1/statuses>; rel="next"',
            "https://127.0.0.1:8000/api/v1/accounts/1/statuses",
        ),
        ('<http://[::1/x>; rel="next"', None),
        ('<http://127.0.0.1:99999/x>; rel="next"', None),
        ('<>; rel="next"', None),
    ],
)
def test_mastodon_link_stays_on_the_same_host_and_port(link, expected, caplog):
    page = json_response(STATUSES_URL, [], headers={"Link": link})
    with caplog.at_level(logging.WARNING, logger="spiders.parsers.mastodon"):
        assert mastodon.link_url(page, "next") == expected
    assert bool(caplog.records) == (expected is None)


def test_mastodon_link_on_the_default_port_matches_an_explicit_one():
    page = json_response(
        "https://mastodon.example/api/v1/accounts/1/statuses",
        [],
        headers={"Link": '<https://mastodon.example:443/api/v1/x?max_id=1>; rel="next"'},
    )
    assert mastodon.link_url(page, "next") == "https://mastodon.example:443/api/v1/x?max_id=1"


@pytest.mark.parametrize(
    ("newer", "older"),
    [
        ("10", "9"),
        ("114090000000000001", "114090000000000000"),
        ("18446744073709551615", "99999999999999999"),
        ("1", "9" * 21),
        ("1", "9" * 2000),
        ("1", "AbCdEf123"),
        ("1", "٣"),
        ("1", ""),
    ],
)
def test_mastodon_cursor_key_only_lets_short_digit_ids_win(newer, older):
    assert mastodon.status_id_key(newer) > mastodon.status_id_key(older)


def test_mastodon_ids_kept_as_posts_and_ids_kept_as_cursors():
    assert mastodon.is_cursor_id("114090000000000001")
    assert not mastodon.is_cursor_id("9" * 21)
    assert mastodon.is_status_id("9" * 21) and mastodon.is_status_id("01HZX3V7G0ABCDEF")
    assert not mastodon.is_status_id("9" * 65) and not mastodon.is_status_id("1/2")
    long_id = "9" * 30
    page = json_response(STATUSES_URL, [mstatus(long_id), mstatus(2)])
    assert status_ids(mastodon.parse_statuses(page, ACCOUNT)) == [long_id, "2"]


# -- Bluesky: one bad item, wrongly typed fields ---------------------------------------------------

FEED_URL = "http://127.0.0.1:8000/xrpc/app.bsky.feed.getAuthorFeed?actor=did:plc:alice"
BSKY_ACCOUNT = "https://bsky.app/profile/alice.test"
DID = "did:plc:alicealicealice"


def bpost(rkey: int, embed: Any = None, **record: Any) -> dict[str, Any]:
    """A ``feedViewPost`` as the hostile server writes it, with ``record`` fields replaced."""
    fields = {
        "$type": "app.bsky.feed.post",
        "text": f"post {rkey}",
        "createdAt": "2024-05-01T10:00:00.000Z",
        "langs": ["en"],
    }
    fields.update(record)
    post = {
        "uri": f"at://{DID}/app.bsky.feed.post/r{rkey}",
        "cid": "c",
        "author": {"did": DID, "handle": "alice.test"},
        "record": fields,
        "indexedAt": "2024-05-01T10:00:00.000Z",
    }
    if embed is not None:
        post["embed"] = embed
    return {"post": post}


def rkeys(posts: list[Post]) -> list[str]:
    return [p.post_id.rsplit("/", 1)[-1] for p in posts]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (None, "without a post"),
        ({"post": {"record": {"text": "secret"}}}, "without a usable at:// uri"),
        ({"post": {"uri": 5, "record": {"text": "secret"}}}, "without a usable at:// uri"),
        ({"post": {"uri": "https://x", "record": {"text": "secret"}}}, "usable at:// uri"),
        ({"post": {"uri": "at://" + "x" * 600}}, "usable at:// uri"),
        ({"post": "x"}, "without a post"),
    ],
)
def test_bluesky_bad_item_is_skipped_and_the_page_kept(bad, reason, caplog):
    body = {"feed": [bpost(3), bad, bpost(2), bpost(1)], "cursor": "c2"}
    problems: list[str] = []
    with caplog.at_level(logging.WARNING, logger="spiders.parsers.bluesky"):
        posts, cursor = bluesky.parse_author_feed(
            json_response(FEED_URL, body), BSKY_ACCOUNT, problems=problems
        )
    assert rkeys(posts) == ["r3", "r2", "r1"] and cursor == "c2"
    assert problems == ["malformed_item"]
    [record] = caplog.records
    assert "item 1 of" in record.getMessage() and reason in record.getMessage()
    assert "secret" not in caplog.text


@pytest.mark.parametrize("body", [{"feed": None}, {"posts": []}, [bpost(1)]])
def test_bluesky_page_of_the_wrong_shape_is_still_a_bad_response(body):
    with pytest.raises(BadResponse):
        bluesky.parse_author_feed(json_response(FEED_URL, body), BSKY_ACCOUNT)


def images_view(*alts: Any) -> dict[str, Any]:
    return {"$type": "app.bsky.embed.images#view", "images": [{"alt": a} for a in alts]}


def quote_view(value: Any, embeds: Any = None) -> dict[str, Any]:
    record = {"$type": "app.bsky.embed.record#viewRecord", "value": value, "embeds": embeds}
    return {"$type": "app.bsky.embed.record#view", "record": record}


@pytest.mark.parametrize(
    ("item", "check"),
    [
        (bpost(3, text=5), lambda p: p.text == ""),
        (bpost(3, text={"a": 1}), lambda p: p.text == ""),
        (bpost(3, createdAt=5), lambda p: p.posted_at is not None),  # indexedAt instead
        (bpost(3, langs="en"), lambda p: p.language is None),
        (bpost(3, langs=[5]), lambda p: p.language is None),
        (bpost(3, langs=["de-AT"]), lambda p: p.language == "de-AT"),
        (bpost(3, embed=images_view(5, "  ", "real alt")), lambda p: p.alt_texts == ["real alt"]),
        (bpost(3, embed={**images_view(), "images": 7}), lambda p: p.alt_texts == []),
        (
            bpost(3, embed={"$type": "app.bsky.embed.video#view", "alt": 5}),
            lambda p: not p.alt_texts,
        ),
        (
            bpost(3, embed={"$type": "app.bsky.embed.recordWithMedia#view", "record": "x"}),
            lambda p: p.quoted_text == "",
        ),
        (bpost(3, embed=quote_view({"text": 7}, embeds="zz")), lambda p: p.quoted_text == ""),
        (bpost(3, embed=quote_view("str")), lambda p: p.quoted_text == ""),
        (bpost(3, embed=quote_view({"text": "quoted"})), lambda p: p.quoted_text == "quoted"),
        (
            {**bpost(3), "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "uri": {"a": 1}}},
            lambda p: p.post_id == f"repost:at://{DID}/app.bsky.feed.post/r3",
        ),
        ({**bpost(3), "reason": "x"}, lambda p: p.text == "post 3"),
    ],
)
def test_bluesky_wrongly_typed_field_counts_as_missing(item, check):
    [post], _cursor = bluesky.parse_author_feed(json_response(FEED_URL, {"feed": [item]}), "a")
    assert check(post)
    for value in (post.text, post.quoted_text, post.url, post.post_id, *post.alt_texts):
        assert isinstance(value, str)


# -- Telegram: foreign messages, undated messages, pages that are not a preview -------------------

PREVIEW_URL = "http://127.0.0.1:8000/s/chan"
TG_ACCOUNT = "https://t.me/chan"


def tmsg(number: Any, dated: bool = True, channel: str = "chan") -> str:
    """A message bubble as the hostile server writes it."""
    date = (
        f'<a class="tgme_widget_message_date" href="https://t.me/{channel}/{number}">'
        '<time datetime="2024-05-01T10:00:00+00:00" class="time">10:00</time></a>'
        if dated
        else ""
    )
    return (
        '<div class="tgme_widget_message_wrap"><div class="tgme_widget_message js-widget_message"'
        f' data-post="{channel}/{number}"><div class="tgme_widget_message_bubble">'
        f'<div class="tgme_widget_message_text">message {number}</div>'
        f'<div class="tgme_widget_message_footer">{date}</div></div></div></div>'
    )


def tpage(messages: list[str], before: int | None = None) -> str:
    more = f'<a class="tme_messages_more" data-before="{before}"></a>' if before else ""
    return (
        "<!DOCTYPE html><html><head><title>Chan</title></head><body>"
        f'<section class="tgme_channel_history">{more}{"".join(messages)}</section></body></html>'
    )


def test_telegram_message_without_a_date_is_kept_and_paging_goes_on():
    messages = [tmsg(n, dated=n != 95) for n in range(99, 79, -1)]
    page = html_response(PREVIEW_URL, tpage(messages, before=80))
    problems: list[str] = []
    posts = telegram.parse_channel_page(page, TG_ACCOUNT, problems)
    assert problems == [], "no truncation signal: the spider keeps paging"
    assert [p.post_id for p in posts] == [f"chan/{n}" for n in range(99, 79, -1)]
    [undated] = [p for p in posts if p.posted_at is None]
    assert undated.post_id == "chan/95" and undated.text == "message 95"
    assert telegram.older_page(page) == "80"


def test_telegram_cut_off_page_still_signals_truncation():
    html = tpage([tmsg(3), tmsg(2), tmsg(1)])
    cut = html[: html.index("message 1")]
    problems: list[str] = []
    posts = telegram.parse_channel_page(html_response(PREVIEW_URL, cut), TG_ACCOUNT, problems)
    assert problems == ["truncated_html"]
    assert [p.post_id for p in posts] == ["chan/3", "chan/2"], "the cut message is skipped"


@pytest.mark.parametrize(
    "bad",
    [tmsg(2, channel="otherchan"), tmsg("abc"), tmsg("١٢"), tmsg(10**30), tmsg("")],
)
def test_telegram_foreign_or_unnumbered_message_is_skipped(bad, caplog):
    page = html_response(PREVIEW_URL, tpage([tmsg(3), bad, tmsg(1)]))
    problems: list[str] = []
    with caplog.at_level(logging.WARNING, logger="spiders.parsers.telegram"):
        posts = telegram.parse_channel_page(page, TG_ACCOUNT, problems)
    assert [p.post_id for p in posts] == ["chan/3", "chan/1"]
    assert problems == [] and len(caplog.records) == 1
    assert "message 2" not in caplog.text


def test_telegram_channel_name_is_compared_without_case():
    page = html_response(PREVIEW_URL, tpage([tmsg(2, channel="Chan"), tmsg(1)]))
    posts = telegram.parse_channel_page(page, "https://t.me/CHAN")
    assert [p.post_id for p in posts] == ["chan/2", "chan/1"]


def test_telegram_huge_before_is_not_a_next_page():
    page = html_response(PREVIEW_URL, tpage([tmsg(1)], before=10**30))
    assert telegram.older_page(page) is None


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ((FIXTURES / "telegram/channel.html").read_text(encoding="utf-8"), True),
        (
            '<html><body><header class="tgme_header"><div class="tgme_channel_info">'
            "Chan</div></header><main></main></body></html>",
            True,
        ),
        ('<html><body><section class="tgme_channel_history"></section></body></html>', True),
        ("<html><body><div class='tgme_page'>Something changed</div></body></html>", False),
        ((FIXTURES / "telegram/landing.html").read_text(encoding="utf-8"), False),
    ],
)
def test_telegram_tells_a_channel_page_from_another_page(html, expected):
    assert telegram.is_channel_page(html_response(PREVIEW_URL, html)) is expected


# -- Feeds: an HTML page served as a feed ------------------------------------------------------

FEED_PAGE_URL = "http://127.0.0.1:8000/feed.xml"
RSS_TYPE = {"Content-Type": "application/rss+xml"}


def rss_response(body: str) -> TextResponse:
    """``body`` served as RSS from ``FEED_PAGE_URL``."""
    return TextResponse(
        url=FEED_PAGE_URL, body=body.encode(), headers=RSS_TYPE, request=Request(FEED_PAGE_URL)
    )


@pytest.mark.parametrize(
    "body",
    [
        "<html><body><h1>not a feed</h1></body></html>",
        "<html><body><item><title>looks like one</title></item></body></html>",
        "",
        '{"items": []}',
    ],
)
def test_feed_that_is_not_rss_or_atom_is_a_bad_response(body):
    page = rss_response(body)
    with pytest.raises(BadResponse, match="not an RSS/Atom feed") as raised:
        feeds.parse_feed(page, FEED_PAGE_URL)
    assert raised.value.kind == "malformed_feed"


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>',
    ],
)
def test_feed_without_entries_is_still_a_feed(body):
    page = rss_response(body)
    assert feeds.parse_feed(page, FEED_PAGE_URL) == []


def test_feed_language_that_is_no_language_tag_is_dropped():
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<language>en-{'x' * 40}</language><item><guid>http://x/1</guid>"
        "<title>a</title></item></channel></rss>"
    )
    page = rss_response(body)
    [post] = feeds.parse_feed(page, FEED_PAGE_URL)
    assert post.language is None


def test_json_nested_too_deep_or_with_a_byte_order_mark() -> None:
    deep = TextResponse(url=ACCOUNT, body=b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(BadResponse) as caught:
        load_json(deep)
    assert caught.value.kind == "malformed_json"
    assert bluesky.xrpc_error(deep) is None
    with_bom = TextResponse(url=ACCOUNT, body=b"\xef\xbb\xbf" + json.dumps([{"id": "1"}]).encode())
    assert load_json(with_bom) == [{"id": "1"}]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 14 Nov 2023 10:00:00 GMT", datetime(2023, 11, 14, 10, tzinfo=UTC)),
        ("14 Nov 23 10:00 +0100", datetime(2023, 11, 14, 9, tzinfo=UTC)),  # two-digit year
        ("Fri, 31 Dec 9999 23:00:00 -1000", None),  # out of range in UTC
        ("Mon, 01 Jan 0001 00:00:00 +0000", None),  # not 2001
    ],
)
def test_http_dates_out_of_range(value: str, expected: datetime | None) -> None:
    assert parse_http_date(value) == expected


def test_iso_timestamps_with_a_lower_case_z() -> None:
    assert parse_iso("2024-01-01T10:00:00z") == datetime(2024, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        ("", b"%PDF-1.4\n", "unknown binary"),  # no header: the first bytes tell
        ("application/octet-stream", b"\x89PNG\r\n\x1a\n", "application/octet-stream"),
        ("text/html; charset=utf-8", b"<p>Adresse: 12 rue de la Paix</p>", None),
        ("", b"<html><body>plain page</body></html>", None),
        (  # a Word document: only text types are pages
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("application/xhtml+xml", b"<html xmlns='http://www.w3.org/1999/xhtml'/>", None),
    ],
)
def test_binary_content_is_not_a_page(content_type: str, body: bytes, expected: str | None) -> None:
    from scrapy.http import Response

    from spiders.page import binary_type

    headers = {"Content-Type": content_type} if content_type else {}
    assert binary_type(Response(ACCOUNT, body=body, headers=headers)) == expected


def _raise_in_callback(error: Exception, url: str, settings: dict[str, Any] | None = None) -> Any:
    """A feed spider whose callback for a response from ``url`` raised ``error`` (sent as
    Scrapy's spider_error signal); returns the crawler."""
    from scrapy import signals
    from scrapy.utils.test import get_crawler

    from spiders.feed import FeedSpider

    crawler = get_crawler(FeedSpider, settings_dict=settings or {})
    crawler.spider = FeedSpider.from_crawler(crawler, url=ACCOUNT)
    crawler.stats.open_spider()
    try:
        raise error
    except type(error):
        failure = Failure()
    crawler.signals.send_catch_log(
        signals.spider_error, failure=failure, response=TextResponse(url=url), spider=crawler.spider
    )
    return crawler


def test_a_callback_that_raises_marks_the_account_failed() -> None:
    """An unexpected exception in a callback leaves the account in ``error`` with the
    exception named, not ``ok`` with no error."""
    crawler = _raise_in_callback(OverflowError("date value out of range"), ACCOUNT)
    status = crawler.spider.account_status()
    assert status.state == "error"
    assert "OverflowError" in status.error and ACCOUNT in status.error
    assert crawler.stats.get_value("monitor/callback_errors") == 1


def test_a_callback_that_raises_on_an_archive_page_does_not_fail_a_live_account() -> None:
    crawler = _raise_in_callback(
        ValueError("unreadable snapshot"),
        "http://127.0.0.1:9/web/2024/https://example.org/feed",
        {"ARCHIVE_URL": "http://127.0.0.1:9"},
    )
    assert crawler.spider.account_status().state == "ok"
    assert crawler.stats.get_value("monitor/archive/errors") == 1


def test_a_bluesky_item_without_indexed_at_falls_back_to_created_at() -> None:
    item = {
        "post": {
            "uri": "at://did:plc:abc/app.bsky.feed.post/3k",
            "record": {"text": "hi", "createdAt": "2024-05-01T10:00:00Z"},
        }
    }
    assert bluesky.indexed_at(item) == datetime(2024, 5, 1, 10, tzinfo=UTC)
    item["post"]["indexedAt"] = "2024-05-01T10:00:02Z"
    assert bluesky.indexed_at(item) == datetime(2024, 5, 1, 10, 0, 2, tzinfo=UTC)
