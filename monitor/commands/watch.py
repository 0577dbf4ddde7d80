"""``monitor watch``: the list of watched accounts."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from monitor.context import AppContext, BadInput, pass_app
from monitor.intervals import format_interval
from monitor.urls import PLATFORMS, UnknownURL, looks_like_fediverse_profile, recognise
from monitor.watch_import import UnreadableFile, account_from_fields, read_watchlist
from storage.db import session_factory
from storage.watchlist import add_accounts, list_accounts, remove_account

PLATFORM_CHOICE = click.Choice(PLATFORMS, case_sensitive=False)


def _iso(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")  # type: ignore[attr-defined]


@click.group()
def watch() -> None:
    """Add, list, remove and import watched accounts."""


@watch.command("add")
@click.argument("url")
@click.option("--platform", type=PLATFORM_CHOICE, help="Force the platform (e.g. mastodon).")
@click.option("--label", default="", help="A note for people reading the watchlist.")
@click.option("--every", default="6h", show_default=True, help="Crawl interval: 30m, 6h, 1d.")
@pass_app
def watch_add(app: AppContext, url: str, platform: str | None, label: str, every: str) -> None:
    """Watch the account at URL (profile URL, feed URL, page URL or @user@host)."""
    try:
        account = account_from_fields(url, platform, label, every)
    except ValueError as exc:
        raise BadInput(str(exc)) from exc
    added = add_accounts(app.engine(), [account])
    verb = "added" if added else "already watched"
    click.echo(f"{verb}: {account.platform} {account.url}")
    ref = recognise(account.url, account.platform)
    if looks_like_fediverse_profile(ref):
        click.echo(
            "hint: this looks like a Mastodon profile on an instance the tool does not know; "
            "remove it and add it again with --platform mastodon",
            err=True,
        )


@watch.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per account.")
@pass_app
def watch_list(app: AppContext, as_json: bool) -> None:
    """List watched accounts."""
    with session_factory(app.engine())() as session:
        accounts = list_accounts(session)
    if as_json:
        for a in accounts:
            record = {
                "platform": a.platform,
                "url": a.url,
                "handle": a.handle,
                "platform_account_id": a.platform_account_id,
                "label": a.label,
                "every": format_interval(a.interval_seconds),
                "active": a.active,
                "state": a.state,
                "last_error": a.last_error,
                "last_error_at": _iso(a.last_error_at),
                "created_at": _iso(a.created_at),
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    if not accounts:
        click.echo("The watchlist is empty: add an account with `monitor watch add URL`.")
        return
    table = Table("platform", "url", "label", "every", "state", "active")
    for a in accounts:
        table.add_row(
            a.platform,
            a.url,
            a.label,
            format_interval(a.interval_seconds),
            a.state,
            "yes" if a.active else "no",
        )
    Console(soft_wrap=True).print(table)


@watch.command("remove")
@click.argument("url")
@click.option("--platform", type=PLATFORM_CHOICE, help="The platform, if it was forced on add.")
@pass_app
def watch_remove(app: AppContext, url: str, platform: str | None) -> None:
    """Stop watching the account at URL."""
    try:
        ref = recognise(url, platform)
    except UnknownURL as exc:
        raise BadInput(str(exc)) from exc
    candidates = {ref.url}
    if platform is None:  # the account may have been added with --platform mastodon
        with contextlib.suppress(UnknownURL):
            candidates.add(recognise(url, "mastodon").url)
    engine = app.engine()
    if not any(remove_account(engine, candidate) for candidate in sorted(candidates)):
        raise click.ClickException(f"not on the watchlist: {ref.url}")
    click.echo(f"removed: {ref.url}")


@watch.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--skip-invalid", is_flag=True, help="Import the good rows even if some rows are bad."
)
@pass_app
def watch_import(app: AppContext, file: Path, skip_invalid: bool) -> None:
    """Import accounts from a CSV (url,platform,label,every) or YAML file; all or nothing."""
    try:
        accounts, bad = read_watchlist(file)
    except UnreadableFile as exc:
        raise BadInput(str(exc)) from exc
    for row in bad:
        click.echo(f"{file}:{row.line}: {row.reason}", err=True)
    if bad and not skip_invalid:
        raise BadInput(
            f"{len(bad)} bad row(s) in {file}; nothing imported "
            "(fix them, or pass --skip-invalid to import the good rows)"
        )
    added = add_accounts(app.engine(), accounts)
    click.echo(
        f"imported {added} new account(s), {len(accounts) - added} already watched"
        + (f", {len(bad)} bad row(s) skipped" if bad else "")
    )
