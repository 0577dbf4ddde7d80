"""Takedown cases: confirmed posts of one platform, a status lifecycle kept as events, removal
checks and reappearances.

Lifecycle of a case (and of the posts reported in it)::

    confirmed -> reported -> removed | rejected | partial -> verified_gone
    removed | partial | verified_gone -> reappeared   (same data in a new post)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from storage.models import (
    CasePost,
    Finding,
    PostVersion,
    ReviewEvent,
    StoredPost,
    TakedownCase,
    utcnow,
)
from storage.review import ReviewError, post_statuses, record_event

CASE_STATUSES = (
    "confirmed",
    "reported",
    "removed",
    "rejected",
    "partial",
    "verified_gone",
    "reappeared",
)
MARKABLE = ("reported", "removed", "rejected", "partial")
# new status -> statuses it may follow
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "reported": ("confirmed", "reported", "rejected", "partial", "reappeared"),
    "removed": ("reported", "partial"),
    "rejected": ("reported", "partial"),
    "partial": ("reported", "partial"),
    "verified_gone": ("reported", "removed", "partial"),
    "reappeared": ("removed", "partial", "verified_gone", "reappeared"),
}
# Cases whose data the platform removed: a new post with the same data is a reappearance.
REMOVED = ("removed", "partial", "verified_gone", "reappeared")
# Cases still waiting for the post to go: the daily removal check looks at these.
OPEN_FOR_VERIFY = ("reported", "removed", "partial")
# A post in a case in one of these statuses cannot go into another case.
ACTIVE = ("confirmed", "reported", "partial", "removed")
CAN_JOIN_CASE = ("confirmed", "reappeared")


@dataclass
class CaseSummary:
    """A case, its derived status and its posts."""

    id: int
    platform: str
    title: str
    created_by: str
    created_at: datetime
    status: str
    reference: str | None
    post_ids: list[int]  # reported posts
    reappeared_post_ids: list[int]


def case_status(connection: Connection, case_id: int) -> str:
    """The status of a case: that of its newest case-level event carrying one."""
    status = connection.execute(
        select(ReviewEvent.status)
        .where(
            ReviewEvent.case_id == case_id,
            ReviewEvent.post_id.is_(None),
            ReviewEvent.status.is_not(None),
        )
        .order_by(ReviewEvent.id.desc())
        .limit(1)
    ).scalar()
    return status or "confirmed"


def case_statuses(connection: Connection) -> dict[int, str]:
    """The status of every case."""
    latest = (
        select(ReviewEvent.case_id, func.max(ReviewEvent.id).label("event_id"))
        .where(
            ReviewEvent.case_id.is_not(None),
            ReviewEvent.post_id.is_(None),
            ReviewEvent.status.is_not(None),
        )
        .group_by(ReviewEvent.case_id)
        .subquery()
    )
    result = {case_id: "confirmed" for case_id in connection.scalars(select(TakedownCase.id))}
    for case_id, status in connection.execute(
        select(ReviewEvent.case_id, ReviewEvent.status).join(
            latest, ReviewEvent.id == latest.c.event_id
        )
    ):
        result[case_id] = status
    return result


def _case_reference(connection: Connection, case_id: int) -> str | None:
    return connection.execute(
        select(ReviewEvent.reference)
        .where(ReviewEvent.case_id == case_id, ReviewEvent.reference.is_not(None))
        .order_by(ReviewEvent.id.desc())
        .limit(1)
    ).scalar()


def case_post_ids(connection: Connection, case_id: int, role: str = "reported") -> list[int]:
    """Posts of a case in one role, in the order they were added."""
    return list(
        connection.scalars(
            select(CasePost.post_id)
            .where(CasePost.case_id == case_id, CasePost.role == role)
            .order_by(CasePost.id)
        )
    )


def get_case(connection: Connection, case_id: int) -> CaseSummary:
    """One case, or ReviewError when there is none with this id."""
    row = connection.execute(select(TakedownCase).where(TakedownCase.id == case_id)).first()
    if row is None:
        raise ReviewError(f"no takedown case {case_id}")
    return CaseSummary(
        id=row.id,
        platform=row.platform,
        title=row.title,
        created_by=row.created_by,
        created_at=row.created_at,
        status=case_status(connection, case_id),
        reference=_case_reference(connection, case_id),
        post_ids=case_post_ids(connection, case_id),
        reappeared_post_ids=case_post_ids(connection, case_id, "reappeared"),
    )


def list_cases(engine: Engine, status: str | None = None) -> list[CaseSummary]:
    """Every case (optionally only those in ``status``), oldest first."""
    with engine.connect() as connection:
        statuses = case_statuses(connection)
        return [
            get_case(connection, case_id)
            for case_id in sorted(statuses)
            if status is None or statuses[case_id] == status
        ]


def create_case(engine: Engine, post_ids: Sequence[int], actor: str, title: str = "") -> int:
    """Group confirmed posts of one platform into a new case; returns its id."""
    if not post_ids:
        raise ReviewError("give at least one post")
    ids = list(dict.fromkeys(post_ids))
    with engine.begin() as connection:
        rows = connection.execute(
            select(StoredPost.id, StoredPost.platform, StoredPost.severity).where(
                StoredPost.id.in_(ids)
            )
        ).all()
        found = {row.id: row for row in rows}
        missing = [i for i in ids if i not in found]
        if missing:
            raise ReviewError(f"no stored post with id {', '.join(map(str, missing))}")
        platforms = sorted({row.platform for row in rows})
        if len(platforms) > 1:
            raise ReviewError(
                f"a case holds posts of one platform; these are on {', '.join(platforms)}"
            )
        statuses = post_statuses(connection, ids)
        wrong = [f"{i} ({statuses[i]})" for i in ids if statuses[i] not in CAN_JOIN_CASE]
        if wrong:
            raise ReviewError(
                "only confirmed posts can go into a case; review them first: " + ", ".join(wrong)
            )
        in_cases = connection.execute(
            select(CasePost.post_id, CasePost.case_id).where(
                CasePost.post_id.in_(ids), CasePost.role == "reported"
            )
        ).all()
        for post_id, other in in_cases:
            if case_status(connection, other) in ACTIVE:
                raise ReviewError(f"post {post_id} is already in open case {other}")
        case_id = connection.execute(
            insert(TakedownCase)
            .values(platform=platforms[0], title=title, created_by=actor, created_at=utcnow())
            .returning(TakedownCase.id)
        ).scalar_one()
        connection.execute(
            insert(CasePost),
            [
                {"case_id": case_id, "post_id": i, "role": "reported", "added_at": utcnow()}
                for i in ids
            ],
        )
        record_event(
            connection,
            action="case_created",
            actor=actor,
            case_id=case_id,
            status="confirmed",
            note=title,
            details={"post_ids": ids},
        )
        for i in ids:
            if statuses[i] != "confirmed":
                record_event(
                    connection,
                    action="case_created",
                    actor=actor,
                    post_id=i,
                    case_id=case_id,
                    status="confirmed",
                )
    return case_id


def set_case_status(
    connection: Connection,
    case_id: int,
    status: str,
    *,
    actor: str,
    action: str = "mark",
    reference: str | None = None,
    note: str = "",
    details: dict[str, Any] | None = None,
    post_ids: Sequence[int] | None = None,
) -> str:
    """Move a case to ``status`` (checked against the lifecycle); returns the old status.

    The reported posts (or only ``post_ids``) get the same status as post-level events.
    """
    if status not in TRANSITIONS:
        raise ReviewError(f"unknown case status {status!r}")
    old = case_status(connection, case_id)
    if old not in TRANSITIONS[status]:
        allowed = ", ".join(TRANSITIONS[status])
        raise ReviewError(f"case {case_id} is {old}; it can become {status} only from {allowed}")
    record_event(
        connection,
        action=action,
        actor=actor,
        case_id=case_id,
        status=status,
        note=note,
        reference=reference,
        details={"previous": old, **(details or {})},
    )
    targets = case_post_ids(connection, case_id) if post_ids is None else list(post_ids)
    for post_id in targets:
        record_event(
            connection,
            action=action,
            actor=actor,
            post_id=post_id,
            case_id=case_id,
            status=status,
            reference=reference,
        )
    return old


def mark_case(
    engine: Engine,
    case_id: int,
    status: str,
    actor: str,
    reference: str | None = None,
    note: str = "",
) -> str:
    """Record what happened outside the tool (reported, removed, rejected, partial)."""
    if status not in MARKABLE:
        raise ReviewError(f"a case can be marked {', '.join(MARKABLE)}")
    with engine.begin() as connection:
        get_case(connection, case_id)
        return set_case_status(
            connection, case_id, status, actor=actor, reference=reference, note=note
        )


def record_check(
    engine: Engine,
    case_id: int,
    post_id: int,
    *,
    gone: bool | None,
    actor: str,
    details: dict[str, Any],
) -> None:
    """Record one removal check of one post: ``verified_gone`` if gone, else a check event."""
    with engine.begin() as connection:
        record_event(
            connection,
            action="verify",
            actor=actor,
            post_id=post_id,
            case_id=case_id,
            status="verified_gone" if gone else None,
            details=details,
        )


def close_verified_case(engine: Engine, case_id: int, actor: str) -> bool:
    """Mark the case ``verified_gone`` when every reported post is; True when it did."""
    with engine.begin() as connection:
        posts = case_post_ids(connection, case_id)
        statuses = post_statuses(connection, posts)
        if not posts or any(statuses[p] != "verified_gone" for p in posts):
            return False
        if case_status(connection, case_id) not in TRANSITIONS["verified_gone"]:
            return False
        set_case_status(
            connection, case_id, "verified_gone", actor=actor, action="verify", post_ids=[]
        )
    return True


def link_reappearances(
    engine: Engine, post_ids: Sequence[int], actor: str = "pipeline"
) -> list[int]:
    """Link new flagged posts that carry data of a removed case to that case.

    For each post in ``post_ids`` whose newest version has a finding with the same fingerprint
    as a finding of a post reported in a case that is removed, partial, verified gone or
    already reappeared, the post is added to that case (role ``reappeared``), the post gets
    status ``reappeared`` and the case becomes ``reappeared``. Returns the ids of the posts
    linked. Safe to call twice with the same posts; call it after each stored batch with
    ``BatchResult.newly_flagged``.
    """
    if not post_ids:
        return []
    ids = list(dict.fromkeys(post_ids))
    linked: list[int] = []
    with engine.begin() as connection:
        statuses = case_statuses(connection)
        removed_cases = [c for c, s in statuses.items() if s in REMOVED]
        if not removed_cases:
            return []
        latest = (
            select(PostVersion.post_id, func.max(PostVersion.id).label("version_id"))
            .where(PostVersion.post_id.in_(ids))
            .group_by(PostVersion.post_id)
            .subquery()
        )
        new_prints: dict[int, set[str]] = {}
        for post_id, fp in connection.execute(
            select(latest.c.post_id, Finding.fingerprint).join(
                Finding, Finding.version_id == latest.c.version_id
            )
        ):
            new_prints.setdefault(post_id, set()).add(fp)
        if not new_prints:
            return []
        all_prints = set().union(*new_prints.values())
        case_prints: dict[int, set[str]] = {}
        for case_id, fp in connection.execute(
            select(CasePost.case_id, Finding.fingerprint)
            .join(PostVersion, PostVersion.post_id == CasePost.post_id)
            .join(Finding, Finding.version_id == PostVersion.id)
            .where(
                CasePost.case_id.in_(removed_cases),
                CasePost.role == "reported",
                Finding.fingerprint.in_(all_prints),
            )
        ):
            case_prints.setdefault(case_id, set()).add(fp)
        existing = {
            (c, p)
            for c, p in connection.execute(
                select(CasePost.case_id, CasePost.post_id).where(CasePost.post_id.in_(ids))
            )
        }
        for post_id in ids:
            prints = new_prints.get(post_id, set())
            matches = sorted(c for c, fps in case_prints.items() if prints & fps)
            matches = [c for c in matches if (c, post_id) not in existing]
            if not matches:
                continue
            for case_id in matches:
                connection.execute(
                    insert(CasePost).values(
                        case_id=case_id, post_id=post_id, role="reappeared", added_at=utcnow()
                    )
                )
                shared = sorted(prints & case_prints[case_id])
                set_case_status(
                    connection,
                    case_id,
                    "reappeared",
                    actor=actor,
                    action="reappeared",
                    details={"post_id": post_id, "fingerprints": shared},
                    post_ids=[],
                )
                record_event(
                    connection,
                    action="reappeared",
                    actor=actor,
                    post_id=post_id,
                    case_id=case_id,
                    status="reappeared",
                    details={"fingerprints": shared},
                )
            linked.append(post_id)
    return linked


def submitted_post_ids(connection: Connection, post_ids: list[int]) -> set[int]:
    """The posts among ``post_ids`` whose report this tool has filed (a ``submit`` event)."""
    rows = connection.execute(
        select(ReviewEvent.post_id).where(
            ReviewEvent.action == "submit", ReviewEvent.post_id.in_(post_ids)
        )
    )
    return {row.post_id for row in rows}
