"""Repository functions that store crawled posts, their versions, findings and evidence.

Every batch is one transaction and every write is idempotent, so a crawl killed at any moment
leaves a consistent database and the next crawl completes it without duplicates.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import Evidence, Finding, PostVersion, StoredPost, WatchedAccount

SEVERITY_OF_KIND = {
    "national_id": "high",
    "passport": "high",
    "address": "high",
    "payment_card": "high",
    "iban": "high",
    "phone": "medium",
    "email": "medium",
    "date_of_birth": "low",
}
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


def severity_of(kinds: Sequence[str]) -> str | None:
    """The severity of a post from the kinds found in it (None when nothing was found)."""
    ranked = [SEVERITY_OF_KIND.get(kind, "medium") for kind in kinds]
    return max(ranked, key=SEVERITY_RANK.__getitem__) if ranked else None


@dataclass
class FindingRow:
    """A finding ready to store: where it is (field and offsets) and what it is, masked."""

    field: str
    kind: str
    country: str | None
    scheme: str | None
    start: int
    end: int
    score: float
    masked: str
    fingerprint: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class CaptureRow:
    """A fetched response kept as evidence."""

    request_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    captured_at: datetime


@dataclass
class PostRow:
    """One crawled post, with its findings and the capture it came from."""

    platform: str
    account_url: str
    post_id: str
    url: str
    posted_at: datetime | None
    captured_at: datetime
    text: str
    raw: str
    source: str
    language: str | None = None
    content_warning: str = ""
    alt_texts: list[str] = field(default_factory=list)
    quoted_text: str = ""
    archive_timestamp: datetime | None = None
    capture: CaptureRow | None = None
    findings: list[FindingRow] = field(default_factory=list)

    def content_hash(self) -> str:
        """SHA-256 of everything a reader sees; an edit changes it."""
        content = json.dumps(
            [self.text, self.content_warning, self.alt_texts, self.quoted_text],
            ensure_ascii=False,
        )
        return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass
class BatchResult:
    """What a stored batch changed."""

    posts_seen: int = 0
    new_posts: int = 0
    new_versions: int = 0
    newly_flagged: list[int] = field(default_factory=list)  # ids of posts flagged by this batch
    flagged_rows: list[PostRow] = field(default_factory=list)  # the same posts, as given


def _insert(connection: Connection, table: Any) -> Any:
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def _store_evidence(connection: Connection, capture: CaptureRow) -> int:
    digest = hashlib.sha256(capture.body).hexdigest()
    statement = _insert(connection, Evidence).values(
        sha256=digest,
        request_url=capture.request_url,
        status=capture.status,
        headers=capture.headers,
        body_zlib=zlib.compress(capture.body, 6),
        size=len(capture.body),
        captured_at=capture.captured_at,
        last_captured_at=capture.captured_at,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["sha256", "request_url"],
        set_={"last_captured_at": statement.excluded.last_captured_at},
    ).returning(Evidence.id)
    return connection.execute(statement).scalar_one()


def _account_ids(connection: Connection, urls: set[str]) -> dict[str, int]:
    rows = connection.execute(
        select(WatchedAccount.url, WatchedAccount.id).where(WatchedAccount.url.in_(urls))
    )
    return {url: account_id for url, account_id in rows}


def _upsert_post(connection: Connection, row: PostRow, account_id: int | None) -> tuple[int, bool]:
    """The post's id, and whether this call created it."""
    inserted = connection.execute(
        _insert(connection, StoredPost)
        .values(
            account_id=account_id,
            account_url=row.account_url,
            platform=row.platform,
            post_id=row.post_id,
            url=row.url,
            posted_at=row.posted_at,
            first_seen_at=row.captured_at,
            last_seen_at=row.captured_at,
            source=row.source,
            archive_timestamp=row.archive_timestamp,
            language=row.language,
        )
        .on_conflict_do_nothing(index_elements=["platform", "post_id"])
        .returning(StoredPost.id)
    ).scalar()
    if inserted is not None:
        return inserted, True
    post_id = connection.execute(
        select(StoredPost.id).where(
            StoredPost.platform == row.platform, StoredPost.post_id == row.post_id
        )
    ).scalar_one()
    connection.execute(
        update(StoredPost)
        .where(StoredPost.id == post_id, StoredPost.last_seen_at < row.captured_at)
        .values(last_seen_at=row.captured_at)
    )
    return post_id, False


def _insert_version(
    connection: Connection, post_id: int, row: PostRow, evidence_id: int | None
) -> int | None:
    """The new version's id, or None when this content was already stored."""
    return connection.execute(
        _insert(connection, PostVersion)
        .values(
            post_id=post_id,
            content_hash=row.content_hash(),
            text=row.text,
            content_warning=row.content_warning,
            alt_texts=row.alt_texts,
            quoted_text=row.quoted_text,
            raw=row.raw,
            captured_at=row.captured_at,
            evidence_id=evidence_id,
        )
        .on_conflict_do_nothing(index_elements=["post_id", "content_hash"])
        .returning(PostVersion.id)
    ).scalar()


def save_posts(engine: Engine, rows: Sequence[PostRow]) -> BatchResult:
    """Store a batch of posts in one transaction; posts seen before only update last_seen_at."""
    result = BatchResult(posts_seen=len(rows))
    if not rows:
        return result
    with engine.begin() as connection:
        accounts = _account_ids(connection, {row.account_url for row in rows})
        evidence_ids: dict[int, int] = {}
        for row in rows:
            evidence_id = None
            if row.capture is not None:
                key = id(row.capture)
                if key not in evidence_ids:
                    evidence_ids[key] = _store_evidence(connection, row.capture)
                evidence_id = evidence_ids[key]
            post_id, created = _upsert_post(connection, row, accounts.get(row.account_url))
            result.new_posts += created
            version_id = _insert_version(connection, post_id, row, evidence_id)
            if version_id is None:
                continue
            result.new_versions += 1
            if row.findings:
                connection.execute(
                    _insert(connection, Finding),
                    [{"version_id": version_id, **vars(f)} for f in row.findings],
                )
            severity = severity_of([f.kind for f in row.findings])
            previous = connection.execute(
                select(StoredPost.severity).where(StoredPost.id == post_id)
            ).scalar_one()
            connection.execute(
                update(StoredPost).where(StoredPost.id == post_id).values(severity=severity)
            )
            if severity is not None and previous is None:
                result.newly_flagged.append(post_id)
                result.flagged_rows.append(row)
    return result
