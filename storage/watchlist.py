"""Repository functions for the watchlist."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import WatchedAccount, utcnow


@dataclass(frozen=True)
class NewAccount:
    """An account to add: already recognised and canonicalised."""

    platform: str
    url: str
    handle: str
    label: str = ""
    interval_seconds: int = 6 * 3600


def _insert_ignoring_duplicates(engine: Engine):  # type: ignore[no-untyped-def]
    dialect = engine.dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(WatchedAccount)


def add_accounts(engine: Engine, accounts: Sequence[NewAccount]) -> int:
    """Add accounts in one transaction; ones already watched are left as they are.

    Returns how many were new. Safe when several processes add the same URL at once:
    the unique URL and ``ON CONFLICT DO NOTHING`` keep one row.
    """
    if not accounts:
        return 0
    now = utcnow()
    rows = [
        {
            "platform": a.platform,
            "url": a.url,
            "handle": a.handle,
            "label": a.label,
            "interval_seconds": a.interval_seconds,
            "active": True,
            "state": "ok",
            "last_error": "",
            "created_at": now,
            "updated_at": now,
        }
        for a in accounts
    ]
    statement = (
        _insert_ignoring_duplicates(engine)
        .on_conflict_do_nothing(index_elements=["url"])
        .returning(WatchedAccount.id)
    )
    with engine.begin() as connection:
        inserted = connection.execute(statement, rows).all()
    return len(inserted)


def get_account(session: Session, url: str) -> WatchedAccount | None:
    """The watched account with this canonical URL, if any."""
    return session.scalar(select(WatchedAccount).where(WatchedAccount.url == url))


def list_accounts(session: Session, *, active_only: bool = False) -> list[WatchedAccount]:
    """Every watched account, in the order added."""
    query = select(WatchedAccount).order_by(WatchedAccount.id)
    if active_only:
        query = query.where(WatchedAccount.active.is_(True))
    return list(session.scalars(query))


def remove_account(engine: Engine, url: str) -> bool:
    """Remove the account with this canonical URL; False if it was not watched."""
    with engine.begin() as connection:
        result = connection.execute(delete(WatchedAccount).where(WatchedAccount.url == url))
    return result.rowcount > 0
