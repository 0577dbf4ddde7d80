"""Review of flagged posts: the append-only event history and a streaming query over posts.

The status of a post is never stored on the post: it is the status of the newest event about
the post that carries one (``flagged`` when there is none). Cases work the same way (see
:mod:`storage.takedown`). Events are only ever inserted; the database refuses updates and
deletes of ``review_events`` (triggers from migration 0004).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, exists, func, insert, or_, select

from storage.models import (
    CasePost,
    Evidence,
    Finding,
    PostVersion,
    ReviewEvent,
    StoredPost,
    utcnow,
)

# flagged -> confirmed | dismissed -> reported -> removed | rejected | partial -> verified_gone,
# and reappeared for a new post carrying data of a removed case.
POST_STATUSES = (
    "flagged",
    "confirmed",
    "dismissed",
    "reported",
    "removed",
    "rejected",
    "partial",
    "verified_gone",
    "reappeared",
)
REVIEW_DECISIONS = ("confirmed", "dismissed")
# A post in one of these may be reviewed again (a person can change their mind before a report).
REVIEWABLE = ("flagged", "confirmed", "dismissed", "reappeared")


class ReviewError(ValueError):
    """A review or takedown step that the current state does not allow."""


@dataclass
class FindingView:
    """A stored finding, with what is needed to show it masked or recover it in clear."""

    kind: str
    country: str | None
    scheme: str | None
    field: str
    start: int
    end: int
    score: float
    masked: str
    fingerprint: str

    def summary(self) -> dict[str, Any]:
        """The masked, exportable form (no offsets, no details: details may decode PII)."""
        return {
            "kind": self.kind,
            "country": self.country,
            "scheme": self.scheme,
            "score": round(self.score, 3),
            "masked": self.masked,
        }


@dataclass
class FlaggedPost:
    """A flagged post with its newest version, findings, evidence and derived status."""

    id: int
    platform: str
    account_url: str
    post_id: str
    url: str
    posted_at: datetime | None
    first_seen_at: datetime
    last_seen_at: datetime
    severity: str
    status: str
    version_id: int
    text: str
    content_warning: str
    alt_texts: list[str]
    quoted_text: str
    raw: str
    captured_at: datetime
    evidence_id: int | None
    evidence_sha256: str | None
    evidence_captured_at: datetime | None
    findings: list[FindingView] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        """The kinds found, sorted, each once."""
        return sorted({f.kind for f in self.findings})

    def field_text(self, name: str) -> str:
        """The text of one scanned field (``body``, ``content_warning``, ``alt_text_N``,
        ``quoted``), as stored."""
        if name == "body":
            return self.text
        if name == "content_warning":
            return self.content_warning
        if name == "quoted":
            return self.quoted_text
        if name.startswith("alt_text_"):
            index = int(name.removeprefix("alt_text_"))
            return self.alt_texts[index] if 0 <= index < len(self.alt_texts) else ""
        return ""

    def clear_value(self, finding: FindingView) -> str:
        """The matched text in clear, from the stored post (only for ``--unmasked``)."""
        return self.field_text(finding.field)[finding.start : finding.end]


@dataclass
class FlaggedFilter:
    """Which flagged posts to select; every field is optional."""

    account_url: str | None = None
    platform: str | None = None
    since: datetime | None = None
    kind: str | None = None
    status: str | None = None
    case_id: int | None = None
    post_ids: Sequence[int] | None = None


def record_event(
    connection: Connection,
    *,
    action: str,
    actor: str,
    post_id: int | None = None,
    case_id: int | None = None,
    status: str | None = None,
    note: str = "",
    reference: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Append one event (inside the caller's transaction); returns its id."""
    return connection.execute(
        insert(ReviewEvent)
        .values(
            post_id=post_id,
            case_id=case_id,
            action=action,
            status=status,
            actor=actor,
            note=note,
            reference=reference,
            details=details or {},
            created_at=at or utcnow(),
        )
        .returning(ReviewEvent.id)
    ).scalar_one()


def _latest_status_subquery() -> Any:
    return (
        select(ReviewEvent.post_id, func.max(ReviewEvent.id).label("event_id"))
        .where(ReviewEvent.status.is_not(None), ReviewEvent.post_id.is_not(None))
        .group_by(ReviewEvent.post_id)
        .subquery("latest_status")
    )


def post_statuses(connection: Connection, post_ids: Sequence[int]) -> dict[int, str]:
    """The derived status of each post (``flagged`` when no event gave it one)."""
    result = dict.fromkeys(post_ids, "flagged")
    if not post_ids:
        return result
    latest = (
        select(ReviewEvent.post_id, func.max(ReviewEvent.id).label("event_id"))
        .where(ReviewEvent.status.is_not(None), ReviewEvent.post_id.in_(post_ids))
        .group_by(ReviewEvent.post_id)
        .subquery()
    )
    rows = connection.execute(
        select(ReviewEvent.post_id, ReviewEvent.status).join(
            latest, ReviewEvent.id == latest.c.event_id
        )
    )
    for post_id, status in rows:
        result[post_id] = status
    return result


def resolve_post(connection: Connection, ref: str) -> int:
    """The internal id of a post given as its id, its URL, or ``platform:post_id``."""
    ref = ref.strip()
    if ref.isdigit():
        found = connection.execute(select(StoredPost.id).where(StoredPost.id == int(ref))).scalar()
        if found is not None:
            return found
    found = connection.execute(select(StoredPost.id).where(StoredPost.url == ref)).scalar()
    if found is not None:
        return found
    platform, sep, native = ref.partition(":")
    if sep and not ref.startswith(("http://", "https://")):
        found = connection.execute(
            select(StoredPost.id).where(
                StoredPost.platform == platform, StoredPost.post_id == native
            )
        ).scalar()
        if found is not None:
            return found
    raise ReviewError(f"no stored post {ref!r} (give its id, its URL or platform:post_id)")


def review_post(
    engine: Engine, post_id: int, decision: str, actor: str, note: str = ""
) -> tuple[str, str]:
    """Record a person's decision (``confirmed`` or ``dismissed``); (old, new) status."""
    if decision not in REVIEW_DECISIONS:
        raise ReviewError(f"decision must be one of {', '.join(REVIEW_DECISIONS)}")
    with engine.begin() as connection:
        severity = connection.execute(
            select(StoredPost.severity).where(StoredPost.id == post_id)
        ).one_or_none()
        if severity is None:
            raise ReviewError(f"no stored post with id {post_id}")
        if severity[0] is None:
            raise ReviewError(f"post {post_id} is not flagged: nothing to review")
        old = post_statuses(connection, [post_id])[post_id]
        if old not in REVIEWABLE:
            raise ReviewError(f"post {post_id} is already {old} in a takedown case")
        if old == decision and not note:
            return old, decision
        record_event(
            connection,
            action="review",
            actor=actor,
            post_id=post_id,
            status=decision,
            note=note,
            details={"previous": old},
        )
    return old, decision


def events_of(
    connection: Connection, *, post_ids: Sequence[int] = (), case_id: int | None = None
) -> list[ReviewEvent]:
    """Events about these posts and/or this case, oldest first."""
    conditions = []
    if post_ids:
        conditions.append(ReviewEvent.post_id.in_(post_ids))
    if case_id is not None:
        conditions.append(ReviewEvent.case_id == case_id)
    if not conditions:
        return []
    rows = connection.execute(select(ReviewEvent).where(or_(*conditions)).order_by(ReviewEvent.id))
    return [ReviewEvent(**row) for row in rows.mappings()]


def _selection(criteria: FlaggedFilter) -> Any:
    latest_version = (
        select(PostVersion.post_id, func.max(PostVersion.id).label("version_id"))
        .group_by(PostVersion.post_id)
        .subquery("latest_version")
    )
    latest_status = _latest_status_subquery()
    status = func.coalesce(ReviewEvent.status, "flagged").label("status")
    moment = func.coalesce(StoredPost.posted_at, StoredPost.first_seen_at).label("moment")
    query = (
        select(StoredPost, latest_version.c.version_id, status, moment)
        .join(latest_version, latest_version.c.post_id == StoredPost.id)
        .outerjoin(latest_status, latest_status.c.post_id == StoredPost.id)
        .outerjoin(ReviewEvent, ReviewEvent.id == latest_status.c.event_id)
        .where(StoredPost.severity.is_not(None))
    )
    if criteria.account_url:
        query = query.where(StoredPost.account_url == criteria.account_url)
    if criteria.platform:
        query = query.where(StoredPost.platform == criteria.platform)
    if criteria.since is not None:
        query = query.where(
            func.coalesce(StoredPost.posted_at, StoredPost.first_seen_at) >= criteria.since
        )
    if criteria.status:
        query = query.where(func.coalesce(ReviewEvent.status, "flagged") == criteria.status)
    if criteria.kind:
        query = query.where(
            exists().where(
                Finding.version_id == latest_version.c.version_id, Finding.kind == criteria.kind
            )
        )
    if criteria.case_id is not None:
        query = query.where(
            exists().where(CasePost.post_id == StoredPost.id, CasePost.case_id == criteria.case_id)
        )
    if criteria.post_ids is not None:
        query = query.where(StoredPost.id.in_(list(criteria.post_ids)))
    return query, moment


def count_flagged(engine: Engine, criteria: FlaggedFilter) -> int:
    """How many flagged posts match."""
    query, _ = _selection(criteria)
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def iter_flagged(
    engine: Engine,
    criteria: FlaggedFilter | None = None,
    *,
    batch_size: int = 500,
    limit: int | None = None,
) -> Iterator[FlaggedPost]:
    """Flagged posts, newest first (posted time, else first seen), loaded a batch at a time.

    One query, streamed (a server-side cursor on PostgreSQL, SQLite's lazy cursor), read
    ``batch_size`` rows at a time, each batch completed with its findings, evidence and cases:
    memory stays flat and the time linear however many posts match. The read runs in one
    snapshot on its own connection, so writes elsewhere (removal checks) do not disturb it.
    """
    query, moment = _selection(criteria or FlaggedFilter())
    query = query.order_by(moment.desc(), StoredPost.id.desc())
    if limit is not None:
        if limit <= 0:
            return
        query = query.limit(limit)
    with engine.connect() as connection:
        streaming = connection.execution_options(stream_results=True, yield_per=batch_size)
        for rows in streaming.execute(query).partitions(batch_size):
            yield from _hydrate(connection, rows)


def _hydrate(connection: Connection, rows: Sequence[Any]) -> list[FlaggedPost]:
    version_ids = [row.version_id for row in rows]
    versions = {
        v.id: v
        for v in connection.execute(select(PostVersion).where(PostVersion.id.in_(version_ids)))
    }
    findings: dict[int, list[FindingView]] = defaultdict(list)
    for f in connection.execute(
        select(Finding).where(Finding.version_id.in_(version_ids)).order_by(Finding.id)
    ):
        findings[f.version_id].append(
            FindingView(
                f.kind,
                f.country,
                f.scheme,
                f.field,
                f.start,
                f.end,
                f.score,
                f.masked,
                f.fingerprint,
            )
        )
    evidence_ids = {v.evidence_id for v in versions.values() if v.evidence_id is not None}
    evidence = {
        row.id: row
        for row in connection.execute(
            select(Evidence.id, Evidence.sha256, Evidence.captured_at).where(
                Evidence.id.in_(evidence_ids)
            )
        )
    }
    post_ids = [row.id for row in rows]
    cases: dict[int, list[int]] = defaultdict(list)
    for post_id, case_id in connection.execute(
        select(CasePost.post_id, CasePost.case_id)
        .where(CasePost.post_id.in_(post_ids))
        .order_by(CasePost.case_id)
    ):
        cases[post_id].append(case_id)
    out = []
    for row in rows:
        post = row
        version = versions[row.version_id]
        ev = evidence.get(version.evidence_id) if version.evidence_id is not None else None
        out.append(
            FlaggedPost(
                id=post.id,
                platform=post.platform,
                account_url=post.account_url,
                post_id=post.post_id,
                url=post.url,
                posted_at=post.posted_at,
                first_seen_at=post.first_seen_at,
                last_seen_at=post.last_seen_at,
                severity=post.severity or "",
                status=row.status,
                version_id=version.id,
                text=version.text,
                content_warning=version.content_warning,
                alt_texts=list(version.alt_texts or []),
                quoted_text=version.quoted_text,
                raw=version.raw,
                captured_at=version.captured_at,
                evidence_id=version.evidence_id,
                evidence_sha256=ev.sha256 if ev else None,
                evidence_captured_at=ev.captured_at if ev else None,
                findings=findings.get(version.id, []),
                case_ids=cases.get(post.id, []),
            )
        )
    return out
