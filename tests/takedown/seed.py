"""Synthetic flagged posts for the review/takedown/export tests.

Texts come from the labelled PII corpus (generated values, never real people); findings come
from the real PII engine, so offsets, masks and fingerprints are what the pipeline stores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from pipelines.pii import Engine as PiiEngine
from storage.posts import CaptureRow, FindingRow, PostRow, save_posts
from storage.watchlist import NewAccount, add_accounts
from tests.pii.corpus import generate

KEY = b"test-deployment-key-0123456789ab"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
MASTODON_ACCOUNT_ID = "109300000000000101"
BLUESKY_DID = "did:plc:synthleak0000000000000000"
HOSTILE = '<script>document.title="PWNED"</script><img src=x onerror="document.title=\'PWNED\'">'


@dataclass
class Seeded:
    """What was stored: post rows by platform, and every matched value in clear."""

    rows: dict[str, list[PostRow]] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)


def pii_texts(count: int, seed: int = 11) -> list[tuple[str, str]]:
    """(text, language) of generated posts that the engine flags."""
    engine = PiiEngine(KEY)
    out = []
    n = 0
    while len(out) < count:
        for post in generate(50, seed + n):
            if engine.scan(post.text, hints=post.language):
                out.append((post.text, post.language))
                if len(out) == count:
                    break
        n += 1
    return out


def findings(text: str, language: str, secrets: set[str], name: str = "body") -> list[FindingRow]:
    engine = PiiEngine(KEY)
    rows = []
    for f in engine.scan(text, hints=language):
        secrets.add(text[f.start : f.end])
        rows.append(
            FindingRow(
                name,
                f.kind,
                f.country,
                f.scheme,
                f.start,
                f.end,
                f.score,
                f.masked,
                f.fingerprint,
                f.details,
            )
        )
    return rows


def mastodon_row(
    base: str, index: int, text: str, language: str, secrets: set[str], *, at: datetime = T0
) -> PostRow:
    status_id = str(110000000000000000 + index)
    status = {
        "id": status_id,
        "url": f"{base}/@leaky/{status_id}",
        "uri": f"{base}/users/leaky/statuses/{status_id}",
        "content": f"<p>{text}</p>",
        "account": {"id": MASTODON_ACCOUNT_ID, "username": "leaky", "acct": "leaky"},
    }
    body = json.dumps([status]).encode()
    return PostRow(
        platform="mastodon",
        account_url=f"{base}/@leaky",
        post_id=status_id,
        url=status["url"],
        posted_at=at - timedelta(minutes=index),
        captured_at=at,
        text=text,
        raw=json.dumps(status),
        source="api",
        language=language,
        capture=CaptureRow(
            f"{base}/api/v1/accounts/{MASTODON_ACCOUNT_ID}/statuses?limit=40",
            200,
            {"Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip"},
            body,
            at,
        ),
        findings=findings(text, language, secrets),
    )


def bluesky_row(index: int, text: str, language: str, secrets: set[str]) -> PostRow:
    rkey = f"3lsynth{index:06d}"
    uri = f"at://{BLUESKY_DID}/app.bsky.feed.post/{rkey}"
    cid = f"bafyreisynth{index:040d}"
    view = {"uri": uri, "cid": cid, "record": {"text": text, "createdAt": T0.isoformat()}}
    return PostRow(
        platform="bluesky",
        account_url=f"https://bsky.app/profile/{BLUESKY_DID}",
        post_id=uri,
        url=f"https://bsky.app/profile/{BLUESKY_DID}/post/{rkey}",
        posted_at=T0 - timedelta(hours=1, minutes=index),
        captured_at=T0,
        text=text,
        raw=json.dumps(view),
        source="api",
        language=language,
        capture=CaptureRow(
            "https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed?actor=" + BLUESKY_DID,
            200,
            {"content-type": "application/json"},
            json.dumps({"feed": [{"post": view}]}).encode(),
            T0,
        ),
        findings=findings(text, language, secrets),
    )


def telegram_row(index: int, text: str, language: str, secrets: set[str]) -> PostRow:
    return PostRow(
        platform="telegram",
        account_url="https://t.me/leakchannel",
        post_id=str(100 + index),
        url=f"https://t.me/leakchannel/{100 + index}",
        posted_at=T0 - timedelta(hours=2, minutes=index),
        captured_at=T0,
        text=text,
        raw=f"<div>{text}</div>",
        source="html",
        language=language,
        capture=CaptureRow(
            "https://t.me/s/leakchannel",
            200,
            {"Content-Type": "text/html"},
            f"<html><body><div>{text}</div></body></html>".encode(),
            T0,
        ),
        findings=findings(text, language, secrets),
    )


def seed(engine: Engine, base: str = "http://127.0.0.1:9", mastodon: int = 3) -> Seeded:
    """Mastodon posts on ``base`` (one hostile), a Bluesky and a Telegram post, one clean post."""
    result = Seeded()
    texts = pii_texts(mastodon + 2)
    add_accounts(
        engine,
        [
            NewAccount("mastodon", f"{base}/@leaky", "leaky"),
            NewAccount("telegram", "https://t.me/leakchannel", "leakchannel"),
        ],
    )
    rows = []
    for i in range(mastodon):
        text, language = texts[i]
        if i == 0:
            text = f"{text} {HOSTILE}"
        rows.append(mastodon_row(base, i, text, language, result.secrets))
    result.rows["mastodon"] = rows
    result.rows["bluesky"] = [bluesky_row(0, *texts[mastodon], result.secrets)]
    result.rows["telegram"] = [telegram_row(0, *texts[mastodon + 1], result.secrets)]
    clean = mastodon_row(base, 99, "Nothing personal here, just the weather.", "en", set())
    save_posts(engine, [*rows, *result.rows["bluesky"], *result.rows["telegram"], clean])
    return result
