"""storage.posts.save_posts on real SQLite and PostgreSQL: idempotent, versioned, batched."""

import zlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storage.db import open_database, session_factory
from storage.models import Evidence, Finding, PostVersion, StoredPost
from storage.posts import CaptureRow, FindingRow, PostRow, save_posts, severity_of
from storage.watchlist import NewAccount, add_accounts

ACCOUNT = "https://t.me/leakchannel"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def capture(body: bytes, at: datetime = T0) -> CaptureRow:
    return CaptureRow("https://t.me/s/leakchannel", 200, {"Content-Type": "text/html"}, body, at)


def post(post_id: str, text: str, at: datetime = T0, findings=(), body=b"<html>page</html>"):
    return PostRow(
        platform="telegram",
        account_url=ACCOUNT,
        post_id=post_id,
        url=f"https://t.me/leakchannel/{post_id}",
        posted_at=at - timedelta(hours=1),
        captured_at=at,
        text=text,
        raw=f"<div>{text}</div>",
        source="html",
        capture=capture(body, at),
        findings=list(findings),
    )


def phone_finding(start: int = 0) -> FindingRow:
    return FindingRow(
        "body", "phone", "FR", "phone", start, start + 10, 0.9, "06******78", "ab" * 32
    )


def counts(engine):
    with session_factory(engine)() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (StoredPost, PostVersion, Finding, Evidence)
        )


def test_posts_are_idempotent_and_edits_keep_versions(db_url):
    engine = open_database(db_url)
    add_accounts(engine, [NewAccount("telegram", ACCOUNT, "leakchannel")])
    first = save_posts(
        engine, [post("1", "hello"), post("2", "call 0612345678", findings=[phone_finding(5)])]
    )
    assert (first.new_posts, first.new_versions, len(first.newly_flagged)) == (2, 2, 1)
    assert counts(engine) == (2, 2, 1, 1)  # one page response shared by both posts

    later = T0 + timedelta(hours=6)
    again = save_posts(
        engine,
        [
            post("1", "hello", at=later),
            post("2", "call 0612345678", at=later, findings=[phone_finding(5)]),
        ],
    )
    assert (again.new_posts, again.new_versions, again.newly_flagged) == (0, 0, [])
    assert counts(engine) == (2, 2, 1, 1)

    edited = save_posts(engine, [post("1", "hello, edited", at=later, body=b"<html>v2</html>")])
    assert (edited.new_posts, edited.new_versions) == (0, 1)
    with session_factory(engine)() as session:
        stored = session.scalar(select(StoredPost).where(StoredPost.post_id == "1"))
        assert stored.first_seen_at == T0
        assert stored.last_seen_at == later
        assert stored.severity is None
        assert stored.account_id is not None
        versions = session.scalars(
            select(PostVersion.text)
            .where(PostVersion.post_id == stored.id)
            .order_by(PostVersion.id)
        ).all()
        assert versions == ["hello", "hello, edited"]
        flagged = session.scalar(select(StoredPost).where(StoredPost.post_id == "2"))
        assert flagged.severity == "medium"
        evidence = session.scalars(select(Evidence).order_by(Evidence.id)).all()
        assert zlib.decompress(evidence[0].body_zlib) == b"<html>page</html>"
        assert evidence[0].captured_at == T0
        assert evidence[0].last_captured_at == later
        assert len(evidence[0].sha256) == 64
    engine.dispose()


def test_post_of_unwatched_account_is_stored_without_account(db_url):
    engine = open_database(db_url)
    save_posts(engine, [post("9", "text")])
    with session_factory(engine)() as session:
        stored = session.scalar(select(StoredPost))
        assert stored.account_id is None
        assert stored.account_url == ACCOUNT
    engine.dispose()


def test_severity_from_kinds():
    assert severity_of([]) is None
    assert severity_of(["date_of_birth"]) == "low"
    assert severity_of(["date_of_birth", "email"]) == "medium"
    assert severity_of(["phone", "national_id"]) == "high"
    assert severity_of(["address"]) == "high"
