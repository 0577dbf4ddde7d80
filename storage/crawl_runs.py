"""Repository functions for crawl runs and the account state a crawl learns."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select, update

from storage.models import CrawlRun, WatchedAccount, utcnow


@dataclass
class RunCounts:
    """What one crawl saw."""

    requests: int = 0
    posts_seen: int = 0
    new_posts: int = 0
    flagged: int = 0


def start_run(engine: Engine, account_url: str) -> int | None:
    """Record the start of a crawl of a watched account; None if the URL is not watched."""
    with engine.begin() as connection:
        account_id = connection.execute(
            select(WatchedAccount.id).where(WatchedAccount.url == account_url)
        ).scalar()
        if account_id is None:
            return None
        # A run still "running" was cut off (its process was killed): it cannot be going on,
        # because one account is never crawled twice at once.
        connection.execute(
            update(CrawlRun)
            .where(CrawlRun.account_id == account_id, CrawlRun.outcome == "running")
            .values(outcome="interrupted", error="the crawl process ended before it finished")
        )
        return connection.execute(
            CrawlRun.__table__.insert()
            .values(account_id=account_id, started_at=utcnow(), outcome="running")
            .returning(CrawlRun.id)
        ).scalar_one()


def finish_run(
    engine: Engine, run_id: int, outcome: str, counts: RunCounts, error: str = ""
) -> None:
    """Record how a crawl ended (``ok``, ``error``, ``interrupted``) with its counts."""
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            update(CrawlRun)
            .where(CrawlRun.id == run_id)
            .values(
                finished_at=now,
                outcome=outcome,
                requests=counts.requests,
                posts_seen=counts.posts_seen,
                new_posts=counts.new_posts,
                flagged=counts.flagged,
                error=error[:4000],
            )
        )
        account_id = connection.execute(
            select(CrawlRun.account_id).where(CrawlRun.id == run_id)
        ).scalar_one()
        connection.execute(
            update(WatchedAccount).where(WatchedAccount.id == account_id).values(last_crawl_at=now)
        )


def record_account_status(
    engine: Engine,
    account_url: str,
    state: str,
    error: str = "",
    platform_account_id: str | None = None,
    crawl_state: dict[str, str] | None = None,
) -> None:
    """Store what a crawl learned about an account: its state, id and resume state."""
    values: dict[str, object] = {"state": state, "updated_at": utcnow()}
    if error:
        values["last_error"] = error[:4000]
        values["last_error_at"] = utcnow()
    if platform_account_id:
        values["platform_account_id"] = platform_account_id
    if crawl_state is not None:
        values["crawl_state"] = crawl_state
    with engine.begin() as connection:
        connection.execute(
            update(WatchedAccount).where(WatchedAccount.url == account_url).values(**values)
        )
