"""Repository functions that store crawled posts, their versions, findings and evidence.

Every batch is one transaction and every write is idempotent, so a crawl killed at any moment
leaves a consistent database and the next crawl completes it without duplicates.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import JSON, Column, Connection, Engine, Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from storage.models import (
    Evidence,
    Finding,
    PostVersion,
    StoredPost,
    UTCDateTime,
    WatchedAccount,
)

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


# Column limits of ``posts`` (storage/models.py) that a crawled value could exceed.
MAX_POST_ID = 512
MAX_ACCOUNT_URL = 2048
MAX_PLATFORM = 32


def row_problem(row: PostRow) -> str | None:
    """Why ``row`` cannot be stored (a wrongly typed or oversized field), or None.

    Checked before a batch is written: one such row would otherwise fail the whole batch's
    transaction (PostgreSQL would even truncate an oversized id silently). The reason names
    the field, never its value (posts carry personal data)."""
    limits = (
        ("platform", MAX_PLATFORM),
        ("account_url", MAX_ACCOUNT_URL),
        ("post_id", MAX_POST_ID),
        ("url", None),
        ("text", None),
        ("raw", None),
        ("source", 16),
    )
    for name, limit in limits:
        value = getattr(row, name)
        if not isinstance(value, str):
            return f"{name} is {type(value).__name__}, not text"
        if limit is not None and len(value) > limit:
            return f"{name} is {len(value)} characters long (at most {limit})"
    if not row.post_id:
        return "post_id is empty"
    for name in ("posted_at", "archive_timestamp"):
        if getattr(row, name) is not None and not isinstance(getattr(row, name), datetime):
            return f"{name} is not a date-time"
    if row.language is not None and not isinstance(row.language, str):
        return "language is not text"
    return None


@dataclass
class BatchResult:
    """What a stored batch changed."""

    posts_seen: int = 0
    new_posts: int = 0
    new_versions: int = 0
    newly_flagged: list[int] = field(default_factory=list)  # ids of posts flagged by this batch
    flagged_rows: list[PostRow] = field(default_factory=list)  # the same posts, as given
    failures: list[str] = field(default_factory=list)  # why rows were not stored (no values)

    def add(self, other: BatchResult) -> None:
        """Count ``other`` (another part of the same batch) in this result."""
        self.posts_seen += other.posts_seen
        self.new_posts += other.new_posts
        self.new_versions += other.new_versions
        self.newly_flagged += other.newly_flagged
        self.flagged_rows += other.flagged_rows
        self.failures += other.failures


@dataclass(frozen=True)
class _Statements:
    """The statements of ``save_posts``, built once per dialect so that SQLAlchemy compiles
    each once (its cache key stays the same) and every row only binds parameters."""

    evidence: Any
    insert_post: Any
    find_post: Any
    touch_post: Any
    insert_version: Any
    post_severity: Any
    set_severity: Any
    insert_findings: Any
    # batch forms (rows matched back by key, not by order); the batch inserts are
    # ``_insert_many``
    find_posts: Any
    touch_posts: Any  # PostgreSQL: one array per column (``unnest``); SQLite: executemany
    post_severities: Any
    arrays: bool  # PostgreSQL


@lru_cache(maxsize=16)
def _unnest_insert(table: Table, conflict: tuple[str, ...], returning: tuple[str, ...]) -> str:
    """``INSERT … SELECT * FROM unnest(<one array per column>) [ON CONFLICT DO NOTHING
    RETURNING …]`` for PostgreSQL, as the driver's text (binary arrays, ``%(name)b``): a short
    statement whatever the batch size, so psycopg parses it once (it re-parses every statement
    longer than 4 KB or with more than 50 parameters, which a 200-row ``VALUES`` list is) and
    the server plans it once."""
    columns = [c for c in table.columns if not c.primary_key]
    quote = postgresql.dialect().identifier_preparer.quote
    names = ", ".join(quote(c.name) for c in columns)
    arrays = ", ".join(f"CAST(%({c.name})b AS {_array_type(c)})" for c in columns)
    sql = f"INSERT INTO {quote(table.name)} ({names}) SELECT * FROM unnest({arrays})"
    return sql + _conflict_returning(quote, conflict, returning)


def _conflict_returning(
    quote: Callable[[str], str], conflict: tuple[str, ...], returning: tuple[str, ...]
) -> str:
    sql = f" ON CONFLICT ({', '.join(map(quote, conflict))}) DO NOTHING" if conflict else ""
    return sql + (f" RETURNING {', '.join(map(quote, returning))}" if returning else "")


SQLITE_ROWS_PER_STATEMENT = 500  # 500 rows of 12 columns: far below SQLite's 32,766 variables


@lru_cache(maxsize=16)
def _values_insert(
    table: Table, conflict: tuple[str, ...], returning: tuple[str, ...], n: int
) -> str:
    """``INSERT … VALUES (?, …), … (n rows) ON CONFLICT DO NOTHING RETURNING …`` for SQLite,
    as the driver's text: the same statement SQLAlchemy's ``insertmanyvalues`` sends, without
    its per-row parameter processing (``_values_rows`` binds the values as the column types
    would); the driver keeps it prepared, since full batches repeat the same text."""
    quote = sqlite.dialect().identifier_preparer.quote
    columns = [c for c in table.columns if not c.primary_key]
    one = f"({', '.join('?' for _ in columns)})"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
        f"VALUES {', '.join(one for _ in range(n))}"
    )
    return sql + _conflict_returning(quote, conflict, returning)


def _values_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    """The flat parameters of ``_values_insert``: each value processed by its column type's
    bind processor for this dialect (timestamps as SQLite text, JSON as text). Timestamps and
    empty JSON values repeat (the posts of a page share their capture time), so each distinct
    one is processed once per call."""
    dialect = connection.dialect
    columns: list[list[Any]] = []
    for column in table.columns:
        if column.primary_key:
            continue
        values = [row[column.name] for row in rows]
        process = column.type._cached_bind_processor(dialect)
        if process is None:
            pass
        elif isinstance(column.type, UTCDateTime):
            done: dict[datetime, Any] = {}
            for value in values:
                if value is not None and value not in done:
                    done[value] = process(value)
            values = [None if value is None else done[value] for value in values]
        elif isinstance(column.type, JSON):  # as SQLAlchemy binds it: None is JSON 'null'
            empty = {"[]": process([]), "{}": process({})}
            values = [
                empty[repr(value)] if value == [] or value == {} else process(value)
                for value in values
            ]
        else:
            values = [None if value is None else process(value) for value in values]
        columns.append(values)
    return list(chain.from_iterable(zip(*columns, strict=True)))


def _insert_many(
    connection: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    conflict: tuple[str, ...] = (),
    returning: tuple[str, ...] = (),
) -> list[Any]:
    """Insert ``rows`` in one statement (SQLite: one per 500 rows), skipping those that
    conflict on ``conflict`` if given; the inserted rows' ``returning`` columns."""
    if not rows:
        return []
    if connection.dialect.name == "postgresql":
        sql = _unnest_insert(table, conflict, returning)
        result = connection.exec_driver_sql(sql, _unnest(table, rows))
        return list(result) if returning else []
    out: list[Any] = []
    for start in range(0, len(rows), SQLITE_ROWS_PER_STATEMENT):
        chunk = rows[start : start + SQLITE_ROWS_PER_STATEMENT]
        sql = _values_insert(table, conflict, returning, len(chunk))
        result = connection.exec_driver_sql(sql, tuple(_values_rows(connection, table, chunk)))
        if returning:
            out += result
    return out


def _array_type(column: Column[Any]) -> str:
    return f"{column.type.compile(dialect=postgresql.dialect())}[]"


def _unnest(table: Table, rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The parameters of an ``_unnest_insert`` statement: one list per column, with the
    values the column types would bind (UTC timestamps, JSON text)."""
    out: dict[str, list[Any]] = {}
    for column in table.columns:
        if column.primary_key:
            continue
        values = [row[column.name] for row in rows]
        if isinstance(column.type, UTCDateTime):
            process = column.type.process_bind_param
            done = {value: process(value, None) for value in set(values)}
            values = [done[value] for value in values]
        elif isinstance(column.type, JSON):  # as SQLAlchemy binds it: None is JSON 'null'
            values = [json.dumps(value) for value in values]
        out[column.name] = values
    return out


@lru_cache(maxsize=4)
def _statements(dialect: str) -> _Statements:
    module = postgresql if dialect == "postgresql" else sqlite
    evidence, posts = Evidence.__table__, StoredPost.__table__
    versions, findings = PostVersion.__table__, Finding.__table__
    arrays = dialect == "postgresql"
    if arrays:
        touch_posts = (
            "UPDATE posts SET last_seen_at = v.seen FROM unnest(CAST(%(b_id)b AS INTEGER[]), "
            "CAST(%(b_seen)b AS TIMESTAMP WITH TIME ZONE[])) AS v(id, seen) "
            "WHERE posts.id = v.id AND posts.last_seen_at < v.seen"
        )
    else:
        touch_posts = None
    upsert_evidence = module.insert(evidence)
    upsert_evidence = upsert_evidence.on_conflict_do_update(
        index_elements=["sha256", "request_url"],
        set_={"last_captured_at": upsert_evidence.excluded.last_captured_at},
    ).returning(evidence.c.id)
    return _Statements(
        evidence=upsert_evidence,
        insert_post=module.insert(posts)
        .on_conflict_do_nothing(index_elements=["platform", "post_id"])
        .returning(posts.c.id),
        find_post=select(posts.c.id).where(
            posts.c.platform == bindparam("b_platform"), posts.c.post_id == bindparam("b_post_id")
        ),
        touch_post=update(posts)
        .where(posts.c.id == bindparam("b_id"), posts.c.last_seen_at < bindparam("b_seen"))
        .values(last_seen_at=bindparam("b_seen")),
        insert_version=module.insert(versions)
        .on_conflict_do_nothing(index_elements=["post_id", "content_hash"])
        .returning(versions.c.id),
        post_severity=select(posts.c.severity).where(posts.c.id == bindparam("b_id")),
        set_severity=update(posts)
        .where(posts.c.id == bindparam("b_id"))
        .values(severity=bindparam("b_severity")),
        insert_findings=findings.insert(),
        find_posts=select(posts.c.id, posts.c.platform, posts.c.post_id).where(
            posts.c.post_id.in_(bindparam("b_post_ids", expanding=True))
        ),
        touch_posts=touch_posts,
        post_severities=select(posts.c.id, posts.c.severity).where(
            posts.c.id.in_(bindparam("b_ids", expanding=True))
        ),
        arrays=arrays,
    )


def _store_evidence(connection: Connection, statements: _Statements, capture: CaptureRow) -> int:
    digest = hashlib.sha256(capture.body).hexdigest()
    parameters = {
        "sha256": digest,
        "request_url": capture.request_url,
        "status": capture.status,
        "headers": capture.headers,
        "body_zlib": zlib.compress(capture.body, 6),
        "size": len(capture.body),
        "captured_at": capture.captured_at,
        "last_captured_at": capture.captured_at,
    }
    return connection.execute(statements.evidence, parameters).scalar_one()


def _account_ids(connection: Connection, urls: set[str]) -> dict[str, int]:
    rows = connection.execute(
        select(WatchedAccount.url, WatchedAccount.id).where(WatchedAccount.url.in_(urls))
    )
    return {url: account_id for url, account_id in rows}


def _post_values(row: PostRow, account_id: int | None, severity: str | None) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "account_url": row.account_url,
        "platform": row.platform,
        "post_id": row.post_id,
        "url": row.url,
        "posted_at": row.posted_at,
        "first_seen_at": row.captured_at,
        "last_seen_at": row.captured_at,
        "source": row.source,
        "archive_timestamp": row.archive_timestamp,
        "language": row.language,
        "severity": severity,
    }


def _version_values(
    post_id: int, row: PostRow, content_hash: str, evidence_id: int | None
) -> dict[str, Any]:
    return {
        "post_id": post_id,
        "content_hash": content_hash,
        "text": row.text,
        "content_warning": row.content_warning,
        "alt_texts": row.alt_texts,
        "quoted_text": row.quoted_text,
        "raw": row.raw,
        "captured_at": row.captured_at,
        "evidence_id": evidence_id,
    }


def _upsert_post(
    connection: Connection,
    statements: _Statements,
    row: PostRow,
    account_id: int | None,
    severity: str | None,
) -> tuple[int, bool]:
    """The post's id, and whether this call created it (with ``severity``: a new post's
    first version is always new, so its severity is that version's)."""
    inserted = connection.execute(
        statements.insert_post, _post_values(row, account_id, severity)
    ).scalar()
    if inserted is not None:
        return inserted, True
    post_id = connection.execute(
        statements.find_post, {"b_platform": row.platform, "b_post_id": row.post_id}
    ).scalar_one()
    connection.execute(statements.touch_post, {"b_id": post_id, "b_seen": row.captured_at})
    return post_id, False


def _insert_version(
    connection: Connection,
    statements: _Statements,
    post_id: int,
    row: PostRow,
    evidence_id: int | None,
) -> int | None:
    """The new version's id, or None when this content was already stored."""
    return connection.execute(
        statements.insert_version, _version_values(post_id, row, row.content_hash(), evidence_id)
    ).scalar()


def _capture_key(capture: CaptureRow) -> tuple[Any, ...]:
    """Captures of one response (the posts of one page) share a key within a batch: same
    request, time and body object (the rows keep the bodies alive, so ids are not reused)."""
    return (capture.request_url, capture.status, capture.captured_at, id(capture.body))


def save_posts(engine: Engine, rows: Sequence[PostRow]) -> BatchResult:
    """Store a batch of posts in one transaction; posts seen before only update last_seen_at.

    A batch of distinct posts (the usual case: a crawl yields each post once) is written with
    a few ``executemany`` statements for the whole batch; a batch naming a post twice is
    written row by row, in order, so that the later row sees what the earlier one wrote.
    Both give the same rows, ids and result.
    """
    result = BatchResult(posts_seen=len(rows))
    if not rows:
        return result
    with engine.begin() as connection:
        statements = _statements(connection.dialect.name)
        accounts = _account_ids(connection, {row.account_url for row in rows})
        evidence_ids = _evidence_ids(connection, statements, rows)
        if len({(row.platform, row.post_id) for row in rows}) == len(rows):
            _save_distinct(connection, statements, rows, accounts, evidence_ids, result)
        else:
            _save_in_order(connection, statements, rows, accounts, evidence_ids, result)
    return result


def save_posts_isolated(engine: Engine, rows: Sequence[PostRow]) -> BatchResult:
    """:func:`save_posts`, but rows that cannot be stored lose only themselves.

    Rows with a :func:`row_problem` are left out (their reasons go to ``failures``). If the
    batch's transaction still fails, each row is written in a transaction of its own and the
    database's refusals are recorded the same way; when no row at all can be written (the
    database is down), the error is raised, so that nothing after the batch is recorded as
    stored."""
    result = BatchResult()
    good: list[PostRow] = []
    for row in rows:
        problem = row_problem(row)
        if problem is None:
            good.append(row)
        else:
            result.posts_seen += 1
            result.failures.append(problem)
    try:
        result.add(save_posts(engine, good))
        return result
    except SQLAlchemyError as batch_error:
        if len(good) < 2:
            raise
        error = batch_error
    stored = 0
    for row in good:
        try:
            result.add(save_posts(engine, [row]))
            stored += 1
        except SQLAlchemyError as exc:
            result.posts_seen += 1
            cause = getattr(exc, "orig", None) or exc
            result.failures.append(f"refused by the database ({type(cause).__name__})")
    if not stored:
        raise error
    return result


def _evidence_ids(
    connection: Connection, statements: _Statements, rows: Sequence[PostRow]
) -> list[int | None]:
    """The evidence row of each post's capture (stored once per page response and batch)."""
    by_key: dict[tuple[Any, ...], int] = {}
    ids: list[int | None] = []
    for row in rows:
        if row.capture is None:
            ids.append(None)
            continue
        key = _capture_key(row.capture)
        if key not in by_key:
            by_key[key] = _store_evidence(connection, statements, row.capture)
        ids.append(by_key[key])
    return ids


def _save_in_order(
    connection: Connection,
    statements: _Statements,
    rows: Sequence[PostRow],
    accounts: dict[str, int],
    evidence_ids: list[int | None],
    result: BatchResult,
) -> None:
    finding_rows: list[dict[str, Any]] = []
    for row, evidence_id in zip(rows, evidence_ids, strict=True):
        severity = severity_of([f.kind for f in row.findings])
        post_id, created = _upsert_post(
            connection, statements, row, accounts.get(row.account_url), severity
        )
        result.new_posts += created
        version_id = _insert_version(connection, statements, post_id, row, evidence_id)
        if version_id is None:
            continue
        result.new_versions += 1
        finding_rows += [{"version_id": version_id, **vars(f)} for f in row.findings]
        if created:
            previous = None  # inserted just now, with ``severity`` already
        else:
            previous = connection.execute(statements.post_severity, {"b_id": post_id}).scalar_one()
            connection.execute(statements.set_severity, {"b_id": post_id, "b_severity": severity})
        if severity is not None and previous is None:
            result.newly_flagged.append(post_id)
            result.flagged_rows.append(row)
    if finding_rows:
        connection.execute(statements.insert_findings, finding_rows)


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _save_distinct(
    connection: Connection,
    statements: _Statements,
    rows: Sequence[PostRow],
    accounts: dict[str, int],
    evidence_ids: list[int | None],
    result: BatchResult,
) -> None:
    """``save_posts`` for rows that are all different posts, statement by statement for the
    whole batch: insert the new posts, touch the known ones, insert the new versions, then
    severities and findings."""
    severities = [severity_of([f.kind for f in row.findings]) for row in rows]
    post_rows = [
        _post_values(row, accounts.get(row.account_url), severity)
        for row, severity in zip(rows, severities, strict=True)
    ]
    inserted = _insert_many(
        connection,
        StoredPost.__table__,
        post_rows,
        ("platform", "post_id"),
        ("id", "platform", "post_id"),
    )
    post_ids = {(platform, post_id): id_ for id_, platform, post_id in inserted}
    created = [(row.platform, row.post_id) in post_ids for row in rows]
    known = [row for row, new in zip(rows, created, strict=True) if not new]
    if known:
        wanted = {(row.platform, row.post_id) for row in known}
        for chunk in _chunks(sorted({row.post_id for row in known})):
            for id_, platform, post_id in connection.execute(
                statements.find_posts, {"b_post_ids": chunk}
            ):
                if (platform, post_id) in wanted:
                    post_ids[(platform, post_id)] = id_
        touches = [
            {"b_id": post_ids[(row.platform, row.post_id)], "b_seen": row.captured_at}
            for row in known
        ]
        if statements.arrays:
            seen = StoredPost.__table__.c.last_seen_at.type.process_bind_param
            connection.exec_driver_sql(
                statements.touch_posts,
                {
                    "b_id": [t["b_id"] for t in touches],
                    "b_seen": [seen(t["b_seen"], None) for t in touches],
                },
            )
        else:
            connection.execute(statements.touch_post, touches)
    ids = [post_ids[(row.platform, row.post_id)] for row in rows]
    hashes = [row.content_hash() for row in rows]
    version_rows = [
        _version_values(post_id, row, content_hash, evidence_id)
        for post_id, row, content_hash, evidence_id in zip(
            ids, rows, hashes, evidence_ids, strict=True
        )
    ]
    versions = _insert_many(
        connection,
        PostVersion.__table__,
        version_rows,
        ("post_id", "content_hash"),
        ("id", "post_id", "content_hash"),
    )
    version_ids = {(post_id, content_hash): id_ for id_, post_id, content_hash in versions}
    # Severity before this batch of the known posts that got a new version.
    changed = [
        post_id
        for post_id, content_hash, new in zip(ids, hashes, created, strict=True)
        if not new and (post_id, content_hash) in version_ids
    ]
    previous: dict[int, str | None] = {}
    for chunk in _chunks(changed):
        previous.update(connection.execute(statements.post_severities, {"b_ids": chunk}).all())
    updates, finding_rows = [], []
    result.new_posts = sum(created)
    for row, post_id, content_hash, new, severity in zip(
        rows, ids, hashes, created, severities, strict=True
    ):
        version_id = version_ids.get((post_id, content_hash))
        if version_id is None:
            continue
        result.new_versions += 1
        finding_rows += [{"version_id": version_id, **vars(f)} for f in row.findings]
        if not new:
            updates.append({"b_id": post_id, "b_severity": severity})
        if severity is not None and previous.get(post_id) is None:
            result.newly_flagged.append(post_id)
            result.flagged_rows.append(row)
    if updates:
        connection.execute(statements.set_severity, updates)
    if finding_rows:
        _insert_many(connection, Finding.__table__, finding_rows)
