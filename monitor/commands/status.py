"""``monitor status``: what the scheduler knows about each watched account."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, select

from monitor.context import AppContext, pass_app
from monitor.intervals import format_interval
from monitor.scheduler import iso, scheduled_next_runs, scheduler_running
from storage.models import CrawlRun, StoredPost, WatchedAccount, utcnow

RECENT_ERRORS = 10


def collect_status(engine: Engine) -> dict[str, Any]:
    """Accounts with their state, last and next crawl, counts and errors, as plain data."""
    next_runs = scheduled_next_runs(engine)
    running = scheduler_running(engine)
    with engine.connect() as connection:
        accounts = connection.execute(select(WatchedAccount).order_by(WatchedAccount.id)).all()
        counts = {
            row.account_id: (row.posts, row.flagged)
            for row in connection.execute(
                select(
                    StoredPost.account_id,
                    func.count().label("posts"),
                    func.count(StoredPost.severity).label("flagged"),
                ).group_by(StoredPost.account_id)
            )
        }
        latest = select(func.max(CrawlRun.id).label("id")).group_by(CrawlRun.account_id).subquery()
        last_outcome = dict(
            connection.execute(
                select(CrawlRun.account_id, CrawlRun.outcome).join(
                    latest, CrawlRun.id == latest.c.id
                )
            ).all()
        )
        errors = connection.execute(
            select(
                WatchedAccount.url,
                CrawlRun.outcome,
                CrawlRun.started_at,
                CrawlRun.finished_at,
                CrawlRun.error,
            )
            .join(WatchedAccount, WatchedAccount.id == CrawlRun.account_id)
            .where(CrawlRun.outcome.in_(("error", "interrupted")))
            .order_by(CrawlRun.id.desc())
            .limit(RECENT_ERRORS)
        ).all()
    records = []
    for a in accounts:
        next_at: datetime | None = None
        source = None
        if a.id in next_runs:
            next_at, source = next_runs[a.id], "scheduler"
        elif a.active and a.last_crawl_at is not None:
            next_at, source = a.last_crawl_at + timedelta(seconds=a.interval_seconds), "estimate"
        posts, flagged = counts.get(a.id, (0, 0))
        records.append(
            {
                "id": a.id,
                "platform": a.platform,
                "url": a.url,
                "label": a.label,
                "active": a.active,
                "state": a.state,
                "every": format_interval(a.interval_seconds),
                "interval_seconds": a.interval_seconds,
                "last_crawl_at": iso(a.last_crawl_at),
                "last_outcome": last_outcome.get(a.id),
                "next_crawl_at": iso(next_at),
                "next_crawl_source": source,
                "posts": posts,
                "flagged": flagged,
                "last_error": a.last_error,
                "last_error_at": iso(a.last_error_at),
            }
        )
    recent = [
        {
            "url": run.url,
            "outcome": run.outcome,
            "started_at": iso(run.started_at),
            "finished_at": iso(run.finished_at),
            "error": run.error,
        }
        for run in errors
    ]
    return {"scheduler_running": running, "accounts": records, "recent_errors": recent}


def _when(value: str | None) -> str:
    if value is None:
        return "-"
    return value.replace("T", " ")[:16] + "Z"


def _render(status: dict[str, Any], console: Console) -> None:
    running = status["scheduler_running"]
    console.print(
        "scheduler: "
        + ("[green]running[/]" if running else "[yellow]not running[/]")
        + ("" if running else " (start it with `monitor run`)")
    )
    if not status["accounts"]:
        console.print("The watchlist is empty: add an account with `monitor watch add URL`.")
        return
    table = Table(title="Watched accounts")
    table.add_column("platform")
    table.add_column("url", overflow="fold")
    table.add_column("state")
    table.add_column("every", justify="right")
    table.add_column("last crawl", no_wrap=True)
    table.add_column("next crawl", no_wrap=True)
    table.add_column("posts", justify="right")
    table.add_column("flagged", justify="right")
    table.add_column("last error", overflow="fold")
    now = iso(utcnow()) or ""
    for a in status["accounts"]:
        if not a["active"]:
            next_crawl = "inactive"
        elif a["next_crawl_at"] is None:
            next_crawl = "at `monitor run`"
        else:
            prefix = "~" if a["next_crawl_source"] == "estimate" else ""
            next_crawl = prefix + _when(a["next_crawl_at"])
            if a["next_crawl_at"] < now:
                next_crawl += " (due)"
        last = _when(a["last_crawl_at"])
        if a["last_outcome"] and a["last_outcome"] != "ok":
            last += f" ({a['last_outcome']})"
        error = a["last_error"].splitlines()[0][:60] if a["last_error"] else ""
        table.add_row(
            a["platform"], a["url"], a["state"], a["every"], last, next_crawl,
            str(a["posts"]), str(a["flagged"]), error,
        )  # fmt: skip
    console.print(table)
    if status["recent_errors"]:
        errors = Table(title="Recent failed crawls")
        errors.add_column("when", no_wrap=True)
        errors.add_column("account", overflow="fold")
        errors.add_column("outcome")
        errors.add_column("error", overflow="fold")
        for e in status["recent_errors"]:
            first = e["error"].splitlines()[0][:80] if e["error"] else ""
            errors.add_row(_when(e["started_at"]), e["url"], e["outcome"], first)
        console.print(errors)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON document.")
@pass_app
def status(app: AppContext, as_json: bool) -> None:
    """Show each watched account's state, last and next crawl, posts, flagged and errors."""
    data = collect_status(app.engine())
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    console = Console(soft_wrap=True)
    if not console.is_terminal:  # piped or redirected: do not squeeze the table into 80 columns
        console = Console(soft_wrap=True, width=200)
    _render(data, console)
