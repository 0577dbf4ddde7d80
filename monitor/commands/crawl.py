"""``monitor crawl``: crawl accounts now."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from monitor.context import AppContext, BadInput, pass_app
from monitor.crawl import CrawlJob, CrawlOutcome, Progress, crawl_settings, run_crawls
from monitor.urls import PLATFORMS, AccountRef, UnknownURL, recognise
from storage.db import session_factory
from storage.watchlist import NewAccount, add_accounts, get_account, list_accounts


def _watched_form(session: Session, url: str, ref: AccountRef) -> AccountRef:
    """The form of ``url`` already on the watchlist (an account added with ``--platform``)."""
    candidates = [ref]
    with contextlib.suppress(UnknownURL):
        candidates.append(recognise(url, "mastodon"))
    for candidate in candidates:
        account = get_account(session, candidate.url)
        if account is not None:
            return AccountRef(account.platform, account.url, account.handle)
    return ref


def _jobs(
    app: AppContext,
    urls: tuple[str, ...],
    platform: str | None,
    every_account: bool,
    save: bool,
    backfill: int,
    cached: bool,
) -> list[CrawlJob]:
    engine = app.engine()
    refs = []
    with session_factory(engine)() as session:
        for url in urls:
            try:
                ref = recognise(url, platform)
            except UnknownURL as exc:
                raise BadInput(str(exc)) from exc
            if platform is None:
                ref = _watched_form(session, url, ref)
            refs.append(ref)
    if save:
        add_accounts(engine, [NewAccount(r.platform, r.url, r.handle) for r in refs])
    jobs = []
    with session_factory(engine)() as session:
        for ref in refs:
            account = get_account(session, ref.url)
            state = dict(account.crawl_state or {}) if account else {}
            jobs.append(CrawlJob(ref.platform, ref.url, state, backfill, cached))
        if every_account:
            known = {job.url for job in jobs}
            for account in list_accounts(session, active_only=True):
                if account.url not in known:
                    state = dict(account.crawl_state or {})
                    jobs.append(CrawlJob(account.platform, account.url, state, backfill, cached))
    return jobs


def _summary_table(outcomes: list[CrawlOutcome]) -> Table:
    table = Table(title="Crawl summary")
    table.add_column("account", overflow="fold")
    for name in ("state", "posts seen", "new", "flagged"):
        table.add_column(name)
    table.add_column("errors", overflow="fold")
    for o in outcomes:
        table.add_row(
            o.url,
            o.state,
            str(o.posts_seen),
            str(o.new_posts),
            str(o.flagged),
            str(o.errors) if not o.error else f"{o.errors}: {o.error[:60]}",
        )
    table.add_row(
        "total",
        "",
        str(sum(o.posts_seen for o in outcomes)),
        str(sum(o.new_posts for o in outcomes)),
        str(sum(o.flagged for o in outcomes)),
        str(sum(o.errors for o in outcomes)),
        style="bold",
    )
    return table


def _parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BadInput(f"a setting override is NAME=VALUE, not {pair!r}")
        overrides[name.strip()] = value
    return overrides


def progress_printer(err: Console):  # type: ignore[no-untyped-def]
    """A callback that shows progress: a live line on a terminal, a line per account otherwise."""
    last_done = -1

    def show(p: Progress) -> None:
        nonlocal last_done
        line = (
            f"accounts {p.accounts_done}/{p.accounts_total}, posts {p.posts}, flagged {p.flagged}"
        )
        if err.is_terminal:
            err.print(line, end="\r")
        elif p.accounts_done != last_done:
            err.print(line)
        last_done = p.accounts_done

    return show


@click.command()
@click.argument("urls", nargs=-1)
@click.option("--all", "every_account", is_flag=True, help="Crawl every active watched account.")
@click.option("--platform", type=click.Choice(PLATFORMS), help="Force the platform of URL.")
@click.option("--cached", is_flag=True, help="Also collect Internet Archive copies.")
@click.option(
    "--backfill",
    default=200,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="How many posts the first crawl of an account goes back.",
)
@click.option("--no-save", is_flag=True, help="Do not add URL to the watchlist.")
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting (e.g. -s DOWNLOAD_DELAY=0), as `scrapy crawl -s` does.",
)
@click.option("--quiet", is_flag=True, help="No progress, only the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def crawl(
    app: AppContext,
    urls: tuple[str, ...],
    every_account: bool,
    platform: str | None,
    cached: bool,
    backfill: int,
    no_save: bool,
    overrides: tuple[str, ...],
    quiet: bool,
    as_json: bool,
) -> None:
    """Crawl the account at URL now (or every active account with --all)."""
    if not urls and not every_account:
        raise BadInput("give an account URL to crawl, or --all for the whole watchlist")
    jobs = _jobs(app, urls, platform, every_account, not no_save, backfill, cached)
    if not jobs:
        click.echo("Nothing to crawl: the watchlist has no active account.", err=True)
        return
    err = Console(stderr=True, highlight=False)
    progress = Progress()
    if not quiet and not as_json:
        progress.on_change = progress_printer(err)
    settings = crawl_settings(app.database_url(), **_parse_overrides(overrides))
    outcomes = run_crawls(jobs, settings, progress)
    if as_json:
        click.echo(json.dumps({"crawls": [asdict(o) for o in outcomes]}, ensure_ascii=False))
        return
    if not quiet and err.is_terminal:
        err.print()
    Console(soft_wrap=True).print(_summary_table(outcomes))
