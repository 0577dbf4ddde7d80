"""SQLAlchemy 2 models (typed ``Mapped[]``); every schema change has an Alembic migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class WatchedAccount(Base):
    """A public account (or page, or feed) on the watchlist."""

    __tablename__ = "watched_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32), index=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    handle: Mapped[str] = mapped_column(String(512))
    platform_account_id: Mapped[str | None] = mapped_column(String(256))
    label: Mapped[str] = mapped_column(String(512), default="")
    interval_seconds: Mapped[int] = mapped_column(Integer, default=6 * 3600)
    active: Mapped[bool] = mapped_column(default=True)
    state: Mapped[str] = mapped_column(String(16), default="ok")
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    crawl_state: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    last_crawl_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CrawlRun(Base):
    """One crawl of one account, with what it saw."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("watched_accounts.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(16), default="running")
    requests: Mapped[int] = mapped_column(Integer, default=0)
    posts_seen: Mapped[int] = mapped_column(Integer, default=0)
    new_posts: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")


class Evidence(Base):
    """A fetched HTTP response that produced posts: the raw bytes and when they were seen."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("sha256", "request_url", name="uq_evidence_body_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    request_url: Mapped[str] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_captured_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StoredPost(Base):
    """A post of a watched account; its content lives in versions (an edit adds one)."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("platform", "post_id", name="uq_posts_platform_post"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("watched_accounts.id", ondelete="SET NULL"), index=True
    )
    account_url: Mapped[str] = mapped_column(String(2048), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    post_id: Mapped[str] = mapped_column(String(512))
    url: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(16))
    archive_timestamp: Mapped[datetime | None] = mapped_column(UTCDateTime())
    language: Mapped[str | None] = mapped_column(String(16))
    severity: Mapped[str | None] = mapped_column(String(8), index=True)  # None: not flagged


class PostVersion(Base):
    """One distinct content of a post (by content hash), with the evidence it came from."""

    __tablename__ = "post_versions"
    __table_args__ = (UniqueConstraint("post_id", "content_hash", name="uq_versions_post_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    content_warning: Mapped[str] = mapped_column(Text, default="")
    alt_texts: Mapped[list[str]] = mapped_column(JSON, default=list)
    quoted_text: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence.id", ondelete="SET NULL"), index=True
    )


class Finding(Base):
    """Personal data found in one field of one post version."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("post_versions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    scheme: Mapped[str | None] = mapped_column(String(32))
    field: Mapped[str] = mapped_column(String(32))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    masked: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TakedownCase(Base):
    """Confirmed posts of one platform grouped for one takedown request; status from events."""

    __tablename__ = "takedown_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CasePost(Base):
    """A post in a case: ``reported`` (part of the request) or ``reappeared`` (linked later)."""

    __tablename__ = "case_posts"
    __table_args__ = (UniqueConstraint("case_id", "post_id", name="uq_case_posts_case_post"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("takedown_cases.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="reported")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewEvent(Base):
    """Append-only history: who did what, when, to a post or a case (statuses derive from it)."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("takedown_cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(16), index=True)  # None: no status change
    actor: Mapped[str] = mapped_column(String(256))
    note: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str | None] = mapped_column(String(512))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
